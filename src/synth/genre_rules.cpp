#include "jaams/synth/genre_rules.hpp"

#include <algorithm>
#include <cstdio>

#include "jaams/util/error.hpp"

namespace jaams::synth {
namespace {

const std::vector<GenreRules>& table() {
  static const std::vector<GenreRules> rules = {
      {"blues",
       70,
       110,
       true,
       false,
       "12/8 shuffle: kick 1+3, snare 2+4, swung ride or hats; boogie or walking bass",
       "12-bar I7-IV7-V7 (also quick change), dominant sevenths, blues-scale lead, call and response",
       "additive piano, Karplus-Strong guitar boogie, drawbar organ, bent lead guitar or harmonica",
       {"rock"}},
      {"classical",
       50,
       90,
       false,
       false,
       "no drums; rubato (tempo breathes, slows at cadences), dynamic swells",
       "cadential progressions (I-IV-V-I, I-vi-ii-V, i-iv-V-i), four-part orchestral voicing",
       "bowed strings and pads (band-limited saw, slow attack, vibrato), flute, horn, soft piano arpeggios, pizzicato",
       {}},
      {"country",
       100,
       130,
       true,
       false,
       "train beat (snare or brushes on all 16ths, accents 2+4) or two-step; boom-chick",
       "major I-IV-V, root-fifth bass with walk-ups",
       "Karplus-Strong acoustic strums and banjo rolls, fiddle, steel guitar with slides",
       {"rock"}},
      {"disco",
       110,
       130,
       true,
       false,
       "four-on-the-floor, clap 2+4, 16th hats, open hat on every off-beat, octave bass",
       "minor- and major-seventh chords (i7-iv7, Imaj7-ii7), string pad",
       "FM electric piano, muted 16th 'chicken-scratch' guitar, saw string section, FM/saw octave bass",
       {"pop"}},
      {"hiphop",
       80,
       100,
       true,
       false,
       "boom-bap: syncopated kick, heavy snare 2+4, swung hats; 808 sub bass",
       "short minor loops (i-bVI, i-iv, i-bVII-bVI-bVII) on lo-fi keys, vinyl crackle",
       "sine sub bass, FM electric piano or piano sample loop, sparse bell lead",
       {"pop"}},
      {"metal",
       140,
       200,
       true,
       true,
       "double kick on 16ths, blast or thrash beat; crash and ride accents",
       "low-tuned minor/phrygian power-chord riffs (i-bII, i-bVI-bVII), palm-muted chugs",
       "heavily distorted Karplus-Strong guitars (two, doubled), distorted bass, clicky kick",
       {"rock"}},
      {"pop",
       95,
       125,
       true,
       false,
       "backbeat with 8th hats (some clips four-on-the-floor or a hip-hop beat)",
       "I-V-vi-IV and its rotations, major keys",
       "detuned saw pad, piano, plucked arpeggios, vocal-like lead with vibrato, synth bass",
       {"disco", "hiphop"}},
      {"reggae",
       70,
       90,
       true,
       false,
       "one-drop (kick and rim on beat 3 only), rockers or steppers; skank on 2+4, organ bubble",
       "two-chord vamps (I-IV, i-iv, I-V), deep bass that rests on beat 1",
       "round sine bass, short Karplus-Strong skank chops, organ, melodica, dub echo",
       {"hiphop"}},
      {"rock",
       100,
       140,
       true,
       true,
       "backbeat: kick 1+3 with pushes, snare 2+4, 8th hats or ride, crash every 4 bars",
       "power chords (I-IV-V, I-bVII-IV, vi-IV-I-V, i-bVI-bVII)",
       "overdriven Karplus-Strong guitars (tanh), root-8th bass, pentatonic riffs",
       {"country", "metal"}},
  };
  return rules;
}

}  // namespace

const std::vector<std::string>& genre_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& r : table()) n.push_back(r.name);
    return n;
  }();
  return names;
}

bool is_known_genre(const std::string& genre) {
  const auto& names = genre_names();
  return std::find(names.begin(), names.end(), genre) != names.end();
}

GenreRules rules_for(const std::string& genre) {
  for (const auto& r : table()) {
    if (r.name == genre) return r;
  }
  std::string known;
  for (const auto& n : genre_names()) known += (known.empty() ? "" : ", ") + n;
  throw Error("synth: unknown genre '" + genre + "' (known: " + known + ")");
}

std::string describe_rules() {
  std::string out;
  char head[64];
  for (const auto& r : table()) {
    std::snprintf(head, sizeof head, "  %-9s %3.0f-%3.0f BPM  ", r.name.c_str(), r.bpm_min, r.bpm_max);
    out += head + r.groove + "\n" + std::string(25, ' ') + r.harmony + "\n";
  }
  return out;
}

}  // namespace jaams::synth
