#pragma once
// What `jaams synth` puts into each genre: the tempo range, the groove, the harmony and the
// instruments that set the genre apart in real recordings. The composer reads the numbers; the
// text is what `jaams synth --help` and docs/synth.md show.
#include <string>
#include <vector>

namespace jaams::synth {

struct GenreRules {
  std::string name;
  double bpm_min = 0;  // quarter-note tempo range the clips are drawn from
  double bpm_max = 0;
  bool has_drums = true;
  bool distorted = false;  // guitars go through a tanh / clipping stage
  std::string groove;
  std::string harmony;
  std::string instruments;
  std::vector<std::string> overlaps;  // genres some clips borrow a groove or instrument from
};

// The nine GTZAN genres jaams models, in GTZAN's (alphabetical) order.
const std::vector<std::string>& genre_names();

bool is_known_genre(const std::string& genre);

// Throws jaams::Error naming the genre and listing the known ones when `genre` is unknown.
GenreRules rules_for(const std::string& genre);

// Two lines per genre (tempo range and groove, then harmony), for help texts.
std::string describe_rules();

}  // namespace jaams::synth
