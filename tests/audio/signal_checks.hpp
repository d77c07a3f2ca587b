#pragma once
// Small measurements on decoded audio, from first principles: the amplitude of one frequency
// (Goertzel) and the strongest frequency in a range.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace jaams::test {

// Amplitude of the `freq` Hz component (Goertzel) of y[begin, begin + n): a sine of amplitude A with a whole
// number of cycles in the window gives A.
inline double tone_amplitude(const std::vector<float>& y, std::size_t begin, std::size_t n, double freq,
                             int sample_rate) {
  const double coeff = 2.0 * std::cos(2.0 * M_PI * freq / sample_rate);
  double s1 = 0.0;
  double s2 = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double s0 = y[begin + i] + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const double power = std::max(0.0, s1 * s1 + s2 * s2 - coeff * s1 * s2);
  return 2.0 * std::sqrt(power) / double(n);
}

// The frequency in [lo, hi] (1-Hz steps) with the largest amplitude over y[begin, begin + n).
inline double dominant_frequency(const std::vector<float>& y, std::size_t begin, std::size_t n, int sample_rate,
                                 double lo, double hi) {
  double best_f = lo;
  double best_a = -1.0;
  for (double f = lo; f <= hi; f += 1.0) {
    const double a = tone_amplitude(y, begin, n, f, sample_rate);
    if (a > best_a) {
      best_a = a;
      best_f = f;
    }
  }
  return best_f;
}

}  // namespace jaams::test
