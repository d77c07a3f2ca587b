#pragma once
// Portable randomness: the same seed gives the same shuffle, split, clip or augmentation with any
// standard library. std::mt19937_64's output sequence is fixed by the C++ standard, but
// std::shuffle and the std:: distributions are not, so everything above raw engine draws is done
// here.
#include <cstdint>
#include <random>
#include <string_view>
#include <utility>
#include <vector>

namespace jaams {

// 64-bit FNV-1a of a string: stable names -> numbers (per-genre streams, prediction shards).
inline std::uint64_t fnv1a64(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

// splitmix64's finaliser: spreads related seeds (seed, seed + 1, ...) far apart.
inline std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Uniform in [0, n), n > 0, by rejection: draws below 2^64 mod n would favour small results.
inline std::uint64_t uniform_below(std::mt19937_64& engine, std::uint64_t n) {
  const std::uint64_t threshold = (0 - n) % n;
  for (;;) {
    const std::uint64_t x = engine();
    if (x >= threshold) return x % n;
  }
}

// Fisher-Yates shuffle.
template <typename T>
void shuffle(std::vector<T>& items, std::mt19937_64& engine) {
  for (std::size_t i = items.size(); i > 1; --i) {
    const auto j = static_cast<std::size_t>(uniform_below(engine, i));
    std::swap(items[i - 1], items[j]);
  }
}

// Distributions written from raw 64-bit draws (see the top of this file).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}

  std::uint64_t bits() { return engine_(); }
  double uniform();                                       // [0, 1), 53 random bits
  double uniform(double lo, double hi);                   // [lo, hi)
  int uniform_int(int lo, int hi);                        // [lo, hi], unbiased
  double normal(double mean = 0.0, double stddev = 1.0);  // Box-Muller
  double gamma(double shape);                             // Gamma(shape, 1), Marsaglia-Tsang
  double beta(double a, double b);                        // Beta(a, b) from two gammas
  bool chance(double p) { return uniform() < p; }
  // A sub-stream seed, so one part can draw more numbers without shifting the others.
  std::uint64_t fork() { return splitmix64(engine_()); }

  template <class T>
  const T& pick(const std::vector<T>& items) {
    return items[static_cast<std::size_t>(uniform_int(0, static_cast<int>(items.size()) - 1))];
  }
  // Index drawn with probability proportional to weights[i] (all >= 0, not all 0).
  std::size_t weighted(const std::vector<double>& weights);

 private:
  std::mt19937_64 engine_;
};

}  // namespace jaams
