#include "time_domain.hpp"

#include <algorithm>
#include <cmath>

#include "lanes.hpp"

namespace jaams::features::detail {

// x * 0 is NaN for NaN and +-inf; summed in lanes so it vectorises.
JAAMS_FEATURES_KERNEL
bool all_finite(const float* __restrict y, std::size_t n) {
  float acc[kLanes] = {};
  std::size_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int lane = 0; lane < kLanes; ++lane) acc[lane] += y[i + lane] * 0.0f;
  for (; i < n; ++i) acc[0] += y[i] * 0.0f;
  float total = 0.0f;
  for (int lane = 0; lane < kLanes; ++lane) total += acc[lane];
  return total == 0.0f;
}

namespace {

// crossings[i] = number of sign-bit changes between y[j - 1] and y[j] for 1 <= j <= i (a prefix
// sum, crossings[0] = 0). librosa's threshold is float32 1e-10 for float32 audio; a value at or
// inside it is +0, so "sign bit set" is y < -threshold.
JAAMS_FEATURES_KERNEL
void crossing_prefix(const float* __restrict y, std::size_t n, int* __restrict crossings) {
  constexpr float kThreshold = 1e-10f;
  crossings[0] = 0;
  int count = 0;
  for (std::size_t i = 1; i < n; ++i) {
    count += (y[i] < -kThreshold) != (y[i - 1] < -kThreshold);
    crossings[i] = count;
  }
}

// sum of y[i]^2 over [0, n) in double, in lanes so it vectorises without reassociating a
// float32 sum (numpy's float32 mean is pairwise, far closer to this than one running float sum).
JAAMS_FEATURES_KERNEL
double sum_of_squares(const float* __restrict y, std::size_t n) {
  double acc[kLanes] = {};
  std::size_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int lane = 0; lane < kLanes; ++lane) {
      const double v = y[i + lane];
      acc[lane] += v * v;
    }
  for (; i < n; ++i) acc[0] += static_cast<double>(y[i]) * y[i];
  double total = 0.0;
  for (int lane = 0; lane < kLanes; ++lane) total += acc[lane];
  return total;
}

}  // namespace

void zero_crossing_rate(const float* y, std::size_t n, int frame_length, int hop_length, std::vector<int>& crossings,
                        float* out) {
  crossings.resize(std::max<std::size_t>(n, 1));
  crossing_prefix(y, n, crossings.data());
  const std::size_t frames = 1 + n / static_cast<std::size_t>(hop_length);
  const auto half = static_cast<std::ptrdiff_t>(frame_length / 2);
  const auto len = static_cast<std::ptrdiff_t>(n);
  for (std::size_t t = 0; t < frames; ++t) {
    // The pairs (j - 1, j) of a frame are j in [start + 1, start + frame_length - 1]; the edge
    // padding repeats a sample, so only the pairs inside the signal, j in [1, n - 1], can cross.
    const std::ptrdiff_t start = static_cast<std::ptrdiff_t>(t) * hop_length - half;
    const std::ptrdiff_t lo = std::max<std::ptrdiff_t>(start + 1, 1);
    const std::ptrdiff_t hi = std::min<std::ptrdiff_t>(start + frame_length - 1, len - 1);
    const int count = hi >= lo ? crossings[hi] - crossings[lo - 1] : 0;
    out[t] = static_cast<float>(static_cast<double>(count) / frame_length);
  }
}

void rms(const float* y, std::size_t n, int frame_length, int hop_length, float* out) {
  const std::size_t frames = 1 + n / static_cast<std::size_t>(hop_length);
  const auto half = static_cast<std::ptrdiff_t>(frame_length / 2);
  const auto len = static_cast<std::ptrdiff_t>(n);
  for (std::size_t t = 0; t < frames; ++t) {
    const std::ptrdiff_t start = static_cast<std::ptrdiff_t>(t) * hop_length - half;
    const std::ptrdiff_t lo = std::max<std::ptrdiff_t>(start, 0);
    const std::ptrdiff_t hi = std::min<std::ptrdiff_t>(start + frame_length, len);
    const double sum = hi > lo ? sum_of_squares(y + lo, static_cast<std::size_t>(hi - lo)) : 0.0;
    out[t] = static_cast<float>(std::sqrt(sum / frame_length));
  }
}

}  // namespace jaams::features::detail
