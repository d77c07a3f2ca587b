#pragma once
// The cepstral steps of librosa.feature.mfcc and librosa.feature.delta, on [rows x frames]
// matrices (frames along a row).
#include <vector>

#include "jaams/features/matrix.hpp"

namespace jaams::features::detail {

// scipy.fft.dct(x, type=2, norm="ortho", axis=-2)[:n_out]: out[c][t] = s_c sum_m
// cos(pi c (2m + 1) / (2 n_in)) in[m][t], s_0 = sqrt(1 / n_in), s_c = sqrt(2 / n_in).
class Dct {
 public:
  Dct(int n_in, int n_out);
  int n_in() const { return n_in_; }
  int n_out() const { return n_out_; }
  // in: [n_in x frames] -> [n_out x frames].
  Matrix apply(const Matrix& in) const;

 private:
  int n_in_ = 0;
  int n_out_ = 0;
  std::vector<double> basis_;  // [n_out][n_in]
};

// librosa.feature.delta(data, width, order=1, axis=-1, mode="interp"), i.e.
// scipy.signal.savgol_filter(data, width, polyorder=1, deriv=1, mode="interp") per row: the slope
// of the least-squares line through the `width` frames centred on t; the first and last width / 2
// frames take the slope of the line through the first / last `width` frames (interp mode fits the
// edges instead of padding them). width odd, >= 3, <= data.cols.
Matrix delta_interp(const Matrix& data, int width);

}  // namespace jaams::features::detail
