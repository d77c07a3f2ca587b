#include "spectral.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "lanes.hpp"

namespace jaams::features::detail {

std::vector<float> rfft_frequencies(int sample_rate, int n_fft) {
  std::vector<float> hz(static_cast<std::size_t>(n_fft / 2 + 1));
  const double step = 1.0 / (n_fft * (1.0 / sample_rate));
  for (std::size_t k = 0; k < hz.size(); ++k) hz[k] = static_cast<float>(k * step);
  return hz;
}

JAAMS_FEATURES_KERNEL
void spectral_centroid_block(const float* __restrict block, const float* __restrict bin_hz, int n_bins,
                             float* __restrict out) {
#if defined(__SSE2__)
  // std::sqrt does not vectorise (it may set errno); _mm_sqrt_ps is the same IEEE square root.
  __m128 weighted[2] = {_mm_setzero_ps(), _mm_setzero_ps()};
  __m128 total[2] = {_mm_setzero_ps(), _mm_setzero_ps()};
  for (int k = 0; k < n_bins; ++k) {
    const __m128 f = _mm_set1_ps(bin_hz[k]);
    for (int h = 0; h < 2; ++h) {
      const __m128 magnitude = _mm_sqrt_ps(_mm_loadu_ps(block + static_cast<std::size_t>(k) * kLanes + 4 * h));
      weighted[h] = _mm_add_ps(weighted[h], _mm_mul_ps(f, magnitude));
      total[h] = _mm_add_ps(total[h], magnitude);
    }
  }
  float w[kLanes];
  float t[kLanes];
  for (int h = 0; h < 2; ++h) {
    _mm_storeu_ps(w + 4 * h, weighted[h]);
    _mm_storeu_ps(t + 4 * h, total[h]);
  }
#else
  float w[kLanes] = {};
  float t[kLanes] = {};
  for (int k = 0; k < n_bins; ++k) {
    for (int lane = 0; lane < kLanes; ++lane) {
      const float magnitude = std::sqrt(block[static_cast<std::size_t>(k) * kLanes + lane]);
      w[lane] += bin_hz[k] * magnitude;
      t[lane] += magnitude;
    }
  }
#endif
  for (int lane = 0; lane < kLanes; ++lane) out[lane] = t[lane] < FLT_MIN ? w[lane] : w[lane] / t[lane];
}

namespace {

// 10 * log10(x) for a positive normal float, within a few ulps, in a form that vectorises
// (std::log10 is a library call per value, and power_to_db takes 55k of them per segment):
// x = m * 2^e with m in [sqrt(1/2), sqrt(2)), ln m = 2 atanh(s), s = (m - 1) / (m + 1).
inline float ten_log10(float x) {
  std::uint32_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  int e = static_cast<int>(bits >> 23) - 127;
  bits = (bits & 0x007fffffu) | 0x3f800000u;
  float m;
  std::memcpy(&m, &bits, sizeof m);
  const int above = m > 1.41421356f;
  m *= 1.0f - 0.5f * static_cast<float>(above);  // exact: m or m / 2
  e += above;
  const float s = (m - 1.0f) / (m + 1.0f);
  const float s2 = s * s;
  const float ln_m = 2.0f * s * (1.0f + s2 * (1.0f / 3 + s2 * (1.0f / 5 + s2 * (1.0f / 7 + s2 * (1.0f / 9)))));
  // ln 2 split in two so e * ln 2 keeps float precision.
  const auto fe = static_cast<float>(e);
  const float ln_x = fe * 0.693145751953125f + (fe * 1.428606765330187e-06f + ln_m);
  return ln_x * 4.342944819032518f;  // 10 / ln 10
}

JAAMS_FEATURES_KERNEL
void to_db(float* __restrict values, std::size_t n, float amin, float offset) {
  for (std::size_t i = 0; i < n; ++i) values[i] = ten_log10(std::max(values[i], amin)) - offset;
}

JAAMS_FEATURES_KERNEL
void clip_below(float* __restrict values, std::size_t n, float floor) {
  for (std::size_t i = 0; i < n; ++i) values[i] = std::max(values[i], floor);
}

}  // namespace

void power_to_db_max_ref(float* values, std::size_t n, double amin, double top_db) {
  if (n == 0) return;
  // The float32 / float64 mix librosa evaluates for a float32 spectrogram: amin and the values
  // in float32, the reference level in float64.
  const float ref = *std::max_element(values, values + n);
  const auto offset = static_cast<float>(10.0 * std::log10(std::max(amin, static_cast<double>(ref))));
  // A value below amin (which must be a normal float for ten_log10) is clipped to it anyway.
  const float amin_f = std::max(static_cast<float>(amin), FLT_MIN);
  to_db(values, n, amin_f, offset);
  const float top = *std::max_element(values, values + n);
  clip_below(values, n, static_cast<float>(static_cast<double>(top) - top_db));
}

void power_to_db_unit_ref(float* values, std::size_t n, double amin, double top_db) {
  if (n == 0) return;
  // 10 log10(ref) = 0; amin as float32, like power_to_db_max_ref.
  const float amin_f = std::max(static_cast<float>(amin), FLT_MIN);
  to_db(values, n, amin_f, 0.0f);
  const float top = *std::max_element(values, values + n);
  clip_below(values, n, static_cast<float>(static_cast<double>(top) - top_db));
}

JAAMS_FEATURES_KERNEL
void spectral_bandwidth_block(const float* __restrict magnitude, const float* __restrict bin_hz, int n_bins,
                              const float* __restrict centroid, float* __restrict out) {
  float weighted[kLanes] = {};
  float total[kLanes] = {};
  for (int k = 0; k < n_bins; ++k) {
    const float f = bin_hz[k];
    const float* m = magnitude + static_cast<std::size_t>(k) * kLanes;
    for (int lane = 0; lane < kLanes; ++lane) {
      const float d = f - centroid[lane];
      weighted[lane] += m[lane] * (d * d);
      total[lane] += m[lane];
    }
  }
  for (int lane = 0; lane < kLanes; ++lane)
    out[lane] = std::sqrt(total[lane] < FLT_MIN ? weighted[lane] : weighted[lane] / total[lane]);
}

JAAMS_FEATURES_KERNEL
void spectral_rolloff_block(const float* __restrict magnitude, const float* __restrict bin_hz, int n_bins,
                            float roll_percent, float* __restrict out) {
  float threshold[kLanes] = {};
  for (int k = 0; k < n_bins; ++k)
    for (int lane = 0; lane < kLanes; ++lane) threshold[lane] += magnitude[static_cast<std::size_t>(k) * kLanes + lane];
  for (int lane = 0; lane < kLanes; ++lane) threshold[lane] *= roll_percent;
  // The running sum never decreases, so the first bin reaching the threshold is the number of
  // bins below it; the last bin (the total) always reaches it.
  float running[kLanes] = {};
  int below[kLanes] = {};
  for (int k = 0; k < n_bins; ++k)
    for (int lane = 0; lane < kLanes; ++lane) {
      running[lane] += magnitude[static_cast<std::size_t>(k) * kLanes + lane];
      below[lane] += running[lane] < threshold[lane] ? 1 : 0;
    }
  for (int lane = 0; lane < kLanes; ++lane) out[lane] = bin_hz[std::min(below[lane], n_bins - 1)];
}

}  // namespace jaams::features::detail
