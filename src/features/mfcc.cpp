#include "mfcc.hpp"

#include <algorithm>
#include <cmath>

#include "lanes.hpp"

namespace jaams::features::detail {

namespace {

// out[t] += w * in[t] over a row, in double (a float sum of 128 dB values of either sign loses
// ~1e-3 of MFCC 0), which vectorises.
JAAMS_FEATURES_KERNEL
void add_scaled(const float* __restrict in, double w, int n, double* __restrict out) {
  for (int t = 0; t < n; ++t) out[t] += w * in[t];
}

}  // namespace

Dct::Dct(int n_in, int n_out) : n_in_(n_in), n_out_(n_out), basis_(static_cast<std::size_t>(n_out) * n_in) {
  for (int c = 0; c < n_out; ++c) {
    const double scale = std::sqrt((c == 0 ? 1.0 : 2.0) / n_in);
    for (int m = 0; m < n_in; ++m)
      basis_[static_cast<std::size_t>(c) * n_in + m] = scale * std::cos(M_PI * c * (2.0 * m + 1.0) / (2.0 * n_in));
  }
}

Matrix Dct::apply(const Matrix& in) const {
  Matrix out(n_out_, in.cols);
  std::vector<double> row(in.cols);
  for (int c = 0; c < n_out_; ++c) {
    std::fill(row.begin(), row.end(), 0.0);
    for (int m = 0; m < n_in_; ++m)
      add_scaled(in.row(m), basis_[static_cast<std::size_t>(c) * n_in_ + m], in.cols, row.data());
    std::copy(row.begin(), row.end(), out.row(c));
  }
  return out;
}

Matrix delta_interp(const Matrix& data, int width) {
  const int half = width / 2;
  // The least-squares slope of x[t - half .. t + half] is sum_j j x[t + j] / sum_j j^2.
  const double denom = half * (half + 1.0) * (2.0 * half + 1.0) / 3.0;
  Matrix out(data.rows, data.cols);
  const int frames = data.cols;
  for (int r = 0; r < data.rows; ++r) {
    const float* x = data.row(r);
    float* d = out.row(r);
    for (int t = half; t < frames - half; ++t) {
      double sum = 0.0;
      for (int j = 1; j <= half; ++j) sum += j * (static_cast<double>(x[t + j]) - x[t - j]);
      d[t] = static_cast<float>(sum / denom);
    }
    // A line fitted to the first (last) `width` frames has one slope for all of them.
    std::fill(d, d + half, d[half]);
    std::fill(d + frames - half, d + frames, d[frames - half - 1]);
  }
  return out;
}

}  // namespace jaams::features::detail
