#pragma once
// Portable randomness for the synthesizer. std::mt19937_64's output sequence is fixed by the
// C++ standard, but std::uniform_real_distribution and friends are not, so the distributions
// here are written from raw 64-bit draws: the same seed gives the same clip with any standard
// library.
#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

namespace jaams::synth {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}

  std::uint64_t bits() { return engine_(); }
  double uniform();                                       // [0, 1), 53 random bits
  double uniform(double lo, double hi);                   // [lo, hi)
  int uniform_int(int lo, int hi);                        // [lo, hi], unbiased
  double normal(double mean = 0.0, double stddev = 1.0);  // Box-Muller
  bool chance(double p) { return uniform() < p; }
  // A value in [lo, hi] spread evenly on a log scale (frequencies, times, gains).
  double log_uniform(double lo, double hi);
  // A sub-stream seed, so one part of a clip can draw more numbers without shifting the others.
  std::uint64_t fork() { return mix(engine_()); }

  template <class T>
  const T& pick(const std::vector<T>& items) {
    return items[static_cast<std::size_t>(uniform_int(0, static_cast<int>(items.size()) - 1))];
  }
  // Index drawn with probability proportional to weights[i] (all >= 0, not all 0).
  std::size_t weighted(const std::vector<double>& weights);

  static std::uint64_t mix(std::uint64_t x);  // splitmix64 finaliser

 private:
  std::mt19937_64 engine_;
};

// The seed of one clip: depends only on the dataset seed, the genre and the clip index, so a clip
// is the same whichever thread renders it and whatever other clips are requested.
std::uint64_t clip_seed(std::uint64_t seed, std::string_view genre, int index);

}  // namespace jaams::synth
