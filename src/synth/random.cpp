#include "jaams/synth/random.hpp"

#include <cmath>

#include "jaams/util/random.hpp"

namespace jaams::synth {

std::uint64_t Rng::mix(std::uint64_t x) { return splitmix64(x); }

double Rng::uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

double Rng::uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

int Rng::uniform_int(int lo, int hi) {
  if (hi <= lo) return lo;
  const std::uint64_t span = static_cast<std::uint64_t>(static_cast<std::int64_t>(hi) - lo) + 1;
  // Rejects the top partial block of 2^64 so every value is equally likely.
  const std::uint64_t limit = (~std::uint64_t{0} / span) * span;
  std::uint64_t r = engine_();
  while (r >= limit) r = engine_();
  return static_cast<int>(static_cast<std::int64_t>(lo) + static_cast<std::int64_t>(r % span));
}

double Rng::normal(double mean, double stddev) {
  const double u1 = 1.0 - uniform();  // (0, 1]: log stays finite
  const double u2 = uniform();
  return mean + stddev * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

double Rng::log_uniform(double lo, double hi) { return lo * std::exp(uniform() * std::log(hi / lo)); }

std::size_t Rng::weighted(const std::vector<double>& weights) {
  double total = 0.0;
  for (double w : weights) total += w;
  double r = uniform() * total;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (r < weights[i]) return i;
    r -= weights[i];
  }
  return weights.size() - 1;
}

std::uint64_t clip_seed(std::uint64_t seed, std::string_view genre, int index) {
  return Rng::mix(Rng::mix(seed) ^ Rng::mix(fnv1a64(genre) + static_cast<std::uint64_t>(index)));
}

}  // namespace jaams::synth
