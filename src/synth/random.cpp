#include "jaams/synth/random.hpp"

namespace jaams::synth {

std::uint64_t clip_seed(std::uint64_t seed, std::string_view genre, int index) {
  return splitmix64(splitmix64(seed) ^ splitmix64(fnv1a64(genre) + static_cast<std::uint64_t>(index)));
}

}  // namespace jaams::synth
