#include "chroma_filterbank.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "lanes.hpp"

namespace jaams::features::detail {

namespace {

// np.remainder: the result takes the divisor's sign.
double remainder_like_numpy(double a, double b) {
  double r = std::fmod(a, b);
  if (r != 0.0 && ((b < 0.0) != (r < 0.0))) r += b;
  return r;
}

// raw[c * kLanes + lane] = sum_k w[k][c] * block[k][lane], summed over bins in order.
template <int NC>
JAAMS_FEATURES_KERNEL void chroma_kernel_fixed(const float* __restrict block, const float* __restrict w, int n_bins,
                                               float* __restrict raw) {
  Lanes acc[NC];
  for (int c = 0; c < NC; ++c) acc[c] = zero_lanes();
  for (int k = 0; k < n_bins; ++k) {
    const Lanes p = load_lanes(block + static_cast<std::size_t>(k) * kLanes);
    const float* wk = w + static_cast<std::size_t>(k) * NC;
#pragma GCC unroll 16
    for (int c = 0; c < NC; ++c) acc[c] += wk[c] * p;
  }
  for (int c = 0; c < NC; ++c) store_lanes(raw + c * kLanes, acc[c]);
}

JAAMS_FEATURES_KERNEL
void chroma_kernel(const float* __restrict block, const float* __restrict w, int n_bins, int n_chroma,
                   float* __restrict raw) {
  std::fill(raw, raw + static_cast<std::size_t>(n_chroma) * kLanes, 0.0f);
  for (int k = 0; k < n_bins; ++k) {
    const Lanes p = load_lanes(block + static_cast<std::size_t>(k) * kLanes);
    const float* wk = w + static_cast<std::size_t>(k) * n_chroma;
    for (int c = 0; c < n_chroma; ++c) store_lanes(raw + c * kLanes, load_lanes(raw + c * kLanes) + wk[c] * p);
  }
}

}  // namespace

ChromaFilterbank::ChromaFilterbank(double sample_rate, int n_fft, int n_chroma, double tuning)
    : n_chroma_(n_chroma), n_bins_(n_fft / 2 + 1), tuning_(tuning) {
  // Computed in double exactly as librosa does, rounded to float32 at the end like librosa's
  // default dtype; only the first 1 + n_fft / 2 columns are kept.
  const int nc = n_chroma;
  const double a440 = 440.0 * std::pow(2.0, tuning / nc);
  const double step = sample_rate / n_fft;  // numpy.linspace(0, sr, n_fft, endpoint=False)
  std::vector<double> frqbins(n_fft);
  for (int k = 1; k < n_fft; ++k) frqbins[k] = nc * std::log2((k * step) / (a440 / 16));
  frqbins[0] = frqbins[1] - 1.5 * nc;  // 0 Hz: 1.5 octaves below bin 1
  std::vector<double> binwidth(n_fft);
  for (int k = 0; k + 1 < n_fft; ++k) binwidth[k] = std::max(frqbins[k + 1] - frqbins[k], 1.0);
  binwidth[n_fft - 1] = 1.0;

  const double half = std::nearbyint(nc / 2.0);  // np.round: halves to even
  const int roll = 3 * (nc / 12);                // base_c: row 0 is C instead of A
  weights_.assign(static_cast<std::size_t>(n_bins_) * nc, 0.0f);
  std::vector<double> column(nc);
  for (int k = 0; k < n_bins_; ++k) {
    double norm2 = 0.0;
    for (int c = 0; c < nc; ++c) {
      double d = frqbins[k] - c;
      d = remainder_like_numpy(d + half + 10.0 * nc, nc) - half;
      const double g = 2.0 * d / binwidth[k];
      column[c] = std::exp(-0.5 * (g * g));
      norm2 += column[c] * column[c];
    }
    const double length = std::sqrt(norm2);
    const double octave = (frqbins[k] / nc - 5.0) / 2.0;  // ctroct 5, octwidth 2
    const double octave_weight = std::exp(-0.5 * (octave * octave));
    for (int c = 0; c < nc; ++c) {
      const double w = (length < DBL_MIN ? column[c] : column[c] / length) * octave_weight;
      const int row = ((c - roll) % nc + nc) % nc;
      weights_[static_cast<std::size_t>(k) * nc + row] = static_cast<float>(w);
    }
  }
}

void ChromaFilterbank::apply(const float* block, int count, float* chroma, int stride, int column) const {
  std::vector<float> raw_heap;
  float raw_stack[12 * kLanes];
  float* raw = raw_stack;
  if (n_chroma_ == 12) {
    chroma_kernel_fixed<12>(block, weights_.data(), n_bins_, raw);
  } else {
    raw_heap.resize(static_cast<std::size_t>(n_chroma_) * kLanes);
    raw = raw_heap.data();
    chroma_kernel(block, weights_.data(), n_bins_, n_chroma_, raw);
  }
  for (int lane = 0; lane < count; ++lane) {
    float peak = 0.0f;
    for (int c = 0; c < n_chroma_; ++c) peak = std::max(peak, std::abs(raw[c * kLanes + lane]));
    // librosa.util.normalize: a frame whose norm is below tiny(float32) is left as it is.
    const float length = peak < FLT_MIN ? 1.0f : peak;
    for (int c = 0; c < n_chroma_; ++c)
      chroma[static_cast<std::size_t>(c) * stride + column + lane] = raw[c * kLanes + lane] / length;
  }
}

const ChromaFilterbank& ChromaFilterbanks::get(double tuning) {
  auto it = banks_.find(tuning);
  if (it == banks_.end()) it = banks_.emplace(tuning, ChromaFilterbank(sample_rate_, n_fft_, n_chroma_, tuning)).first;
  return it->second;
}

}  // namespace jaams::features::detail
