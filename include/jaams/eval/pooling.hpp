#pragma once
// Turning a track's segment probabilities into one probability vector for the track.
#include <string>
#include <vector>

namespace jaams::eval {

enum class Pooling {
  mean,  // average of the segment probabilities
  vote,  // share of segments whose top class is each class; equal shares ordered by mean probability
  max,   // per-class maximum over the segments, renormalised to sum to 1
};

// `segment_probs`: one row per segment, one column per class (all rows the same length).
// For `vote`, classes with the same (non-zero) share are separated by the smallest float steps so
// that the one with the higher mean probability compares larger; the values stay equal to the
// shares to within 1e-6. Throws jaams::Error for no segments or rows of different lengths.
std::vector<float> pool(const std::vector<std::vector<float>>& segment_probs, Pooling pooling);

// "mean" | "vote" | "max"; anything else throws jaams::Error listing the choices.
Pooling parse_pooling(const std::string& name);
std::string to_string(Pooling pooling);

}  // namespace jaams::eval
