#pragma once
// Composes one labelled clip. A clip is first planned (tempo, key, mode, groove, borrowed
// elements: the choices that make it typical or atypical of its genre) and then rendered from
// that plan by the genre's arranger (src/synth/style_<genre>.cpp), mixed and normalised.
//
// All randomness comes from an Rng seeded by clip_seed(seed, genre, index), so a clip depends on
// nothing else: not the thread that renders it, not the other clips of the data set.
#include <cstdint>
#include <string>
#include <vector>

#include "jaams/synth/harmony.hpp"

namespace jaams::synth {

struct ClipPlan {
  std::string genre;
  int index = 0;
  double bpm = 120;               // quarter notes per minute (classical: the mean of a rubato curve)
  Key key;                        // tonic in the bass octave and mode
  std::string groove;             // which groove of the genre, e.g. "one-drop", "four-on-the-floor"
  std::string borrowed;           // genre some element was borrowed from ("" when none)
  double swing = 0;               // 0 straight; 1/3 delays off-beat 16ths (or 8ths) to the triplet
  std::uint64_t detail_seed = 0;  // everything else: notes, sounds, mix, noise
};

// Throws jaams::Error for an unknown genre.
ClipPlan plan_clip(const std::string& genre, int index, std::uint64_t seed);

// Mono float samples in [-1, 1], exactly round(seconds * sample_rate) long, peak at -1 dBFS.
std::vector<float> render_clip(const ClipPlan& plan, double seconds, int sample_rate);

// plan_clip + render_clip.
std::vector<float> compose(const std::string& genre, int index, std::uint64_t seed, double seconds, int sample_rate);

}  // namespace jaams::synth
