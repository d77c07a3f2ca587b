#pragma once
// The synthesizer's randomness: jaams::Rng (util/random.hpp), and the seed of each clip.
#include <cstdint>
#include <string_view>

#include "jaams/util/random.hpp"

namespace jaams::synth {

using jaams::Rng;

// The seed of one clip: depends only on the dataset seed, the genre and the clip index, so a clip
// is the same whichever thread renders it and whatever other clips are requested.
std::uint64_t clip_seed(std::uint64_t seed, std::string_view genre, int index);

}  // namespace jaams::synth
