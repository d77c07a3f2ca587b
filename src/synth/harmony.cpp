#include "jaams/synth/harmony.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "jaams/util/error.hpp"

namespace jaams::synth {

std::string scale_name(Scale s) {
  switch (s) {
    case Scale::Major:
      return "major";
    case Scale::Minor:
      return "minor";
    case Scale::HarmonicMinor:
      return "harmonic minor";
    case Scale::Dorian:
      return "dorian";
    case Scale::Mixolydian:
      return "mixolydian";
    case Scale::Phrygian:
      return "phrygian";
  }
  return "major";
}

const std::array<int, 7>& scale_steps(Scale s) {
  static const std::array<int, 7> major{0, 2, 4, 5, 7, 9, 11}, minor{0, 2, 3, 5, 7, 8, 10},
      harmonic{0, 2, 3, 5, 7, 8, 11}, dorian{0, 2, 3, 5, 7, 9, 10}, mixolydian{0, 2, 4, 5, 7, 9, 10},
      phrygian{0, 1, 3, 5, 7, 8, 10};
  switch (s) {
    case Scale::Major:
      return major;
    case Scale::Minor:
      return minor;
    case Scale::HarmonicMinor:
      return harmonic;
    case Scale::Dorian:
      return dorian;
    case Scale::Mixolydian:
      return mixolydian;
    case Scale::Phrygian:
      return phrygian;
  }
  return major;
}

int Key::degree(int d) const {
  const int octave = d >= 0 ? d / 7 : -((-d + 6) / 7);
  const int idx = d - octave * 7;
  return tonic + 12 * octave + scale_steps(scale)[idx];
}

int Key::snap(int midi) const {
  for (int delta = 0; delta < 12; ++delta) {
    for (int cand : {midi - delta, midi + delta}) {
      const int pc = ((cand - tonic) % 12 + 12) % 12;
      const auto& steps = scale_steps(scale);
      if (std::find(steps.begin(), steps.end(), pc) != steps.end()) return cand;
    }
  }
  return midi;
}

std::vector<int> Chord::notes() const {
  std::vector<int> out;
  for (int i : intervals) out.push_back(root + i);
  return out;
}

int Chord::third() const {
  for (int i : intervals) {
    if (i == 3 || i == 4) return i;
  }
  return 7;
}

Chord parse_roman(const std::string& numeral, int tonic) {
  static const std::array<int, 7> major{0, 2, 4, 5, 7, 9, 11};
  std::size_t pos = 0;
  int accidental = 0;
  while (pos < numeral.size() && (numeral[pos] == 'b' || numeral[pos] == '#')) {
    accidental += numeral[pos] == 'b' ? -1 : 1;
    ++pos;
  }
  static const std::array<std::string, 7> names{"vii", "iii", "vi", "iv", "ii", "v", "i"};
  static const std::array<int, 7> degrees{6, 2, 5, 3, 1, 4, 0};
  std::string lower;
  for (char ch : numeral.substr(pos)) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  int degree = -1;
  std::size_t len = 0;
  for (std::size_t n = 0; n < names.size(); ++n) {  // longest numerals first: "vii" before "v"
    if (lower.compare(0, names[n].size(), names[n]) == 0) {
      degree = degrees[n];
      len = names[n].size();
      break;
    }
  }
  if (degree < 0) throw Error("synth: bad chord numeral '" + numeral + "'");
  const bool upper = std::isupper(static_cast<unsigned char>(numeral[pos])) != 0;
  const std::string suffix = numeral.substr(pos + len);

  Chord c;
  c.root = tonic + major[degree] + accidental;
  const int third = upper ? 4 : 3;
  if (suffix.empty()) {
    c.intervals = {0, third, 7};
  } else if (suffix == "7") {
    c.intervals = {0, third, 7, 10};
  } else if (suffix == "maj7") {
    c.intervals = {0, third, 7, 11};
  } else if (suffix == "5") {
    c.intervals = {0, 7, 12};
  } else if (suffix == "o") {
    c.intervals = {0, 3, 6};
  } else if (suffix == "o7") {
    c.intervals = {0, 3, 6, 9};
  } else if (suffix == "sus4") {
    c.intervals = {0, 5, 7};
  } else if (suffix == "6") {
    c.intervals = {0, third, 7, 9};
  } else if (suffix == "9") {
    c.intervals = {0, third, 7, 10, 14};
  } else {
    throw Error("synth: bad chord suffix in '" + numeral + "'");
  }
  return c;
}

std::vector<Chord> progression(const std::string& romans, int tonic) {
  std::vector<Chord> out;
  std::size_t start = 0;
  while (start <= romans.size()) {
    const std::size_t dash = romans.find('-', start);
    const std::string item = romans.substr(start, dash == std::string::npos ? std::string::npos : dash - start);
    if (!item.empty()) out.push_back(parse_roman(item, tonic));
    if (dash == std::string::npos) break;
    start = dash + 1;
  }
  return out;
}

std::vector<int> voice_chord(const Chord& c, int lowest, int count) {
  // Pitch classes of the chord starting from the first chord tone at or above `lowest`.
  std::vector<int> pcs;
  for (int i : c.intervals) pcs.push_back(((c.root + i) % 12 + 12) % 12);
  std::vector<int> out;
  int note = lowest;
  while (static_cast<int>(out.size()) < count && note < lowest + 48) {
    if (std::find(pcs.begin(), pcs.end(), ((note % 12) + 12) % 12) != pcs.end()) out.push_back(note);
    ++note;
  }
  return out;
}

std::vector<int> orchestral_voicing(const Chord& c, int bass_low, int soprano) {
  std::vector<int> out;
  int bass = c.root;
  while (bass < bass_low) bass += 12;
  while (bass >= bass_low + 12) bass -= 12;
  out.push_back(bass);
  // Upper three voices in close position under the soprano, an open gap above the bass.
  std::vector<int> upper = voice_chord(c, soprano - 11, 3);
  for (int n : upper) out.push_back(n);
  if (!upper.empty() && upper.front() - bass < 7) {
    for (std::size_t i = 1; i < out.size(); ++i) out[i] += 12;
  }
  return out;
}

int place(int midi, int lo) {
  const int pc = ((midi - lo) % 12 + 12) % 12;
  return lo + pc;
}

std::vector<int> power_chord(int root) { return {root, root + 7, root + 12}; }

}  // namespace jaams::synth
