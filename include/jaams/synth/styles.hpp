#pragma once
// The genre arrangers. plan_<genre> picks what a clip of that genre looks like (key, mode,
// groove, borrowed elements; the tempo is already drawn from the genre's range), arrange_<genre>
// writes its parts into the Song. One file per genre: src/synth/style_<genre>.cpp.
// Internal to the synth stage.
#include <string>
#include <vector>

#include "jaams/synth/composer.hpp"
#include "jaams/synth/presets.hpp"
#include "jaams/synth/song.hpp"

namespace jaams::synth {

using PlanFn = void (*)(Rng&, ClipPlan&);
using ArrangeFn = void (*)(Song&);

void plan_blues(Rng& r, ClipPlan& p);
void plan_classical(Rng& r, ClipPlan& p);
void plan_country(Rng& r, ClipPlan& p);
void plan_disco(Rng& r, ClipPlan& p);
void plan_hiphop(Rng& r, ClipPlan& p);
void plan_metal(Rng& r, ClipPlan& p);
void plan_pop(Rng& r, ClipPlan& p);
void plan_reggae(Rng& r, ClipPlan& p);
void plan_rock(Rng& r, ClipPlan& p);

void arrange_blues(Song& s);
void arrange_classical(Song& s);
void arrange_country(Song& s);
void arrange_disco(Song& s);
void arrange_hiphop(Song& s);
void arrange_metal(Song& s);
void arrange_pop(Song& s);
void arrange_reggae(Song& s);
void arrange_rock(Song& s);

// Helpers shared by the arrangers.

// Random mix level around `db` (+-spread dB).
PartMix level(Rng& r, double db, double reverb, double spread = 4.0);

// Calls play(t, seconds, midi, vel) for each note.
template <class Fn>
void play_notes(Song& s, const std::vector<Note>& notes, double jitter, Fn&& play) {
  for (const Note& n : notes) play(s.when(n.beat, jitter), s.span(n.beat, n.beats), n.midi, n.vel);
}

// A rhythm part over every bar: at each step of `pattern` the chord sounding then is voiced
// (voice_chord from `lowest`, `voices` notes) and play(t, seconds, midis, vel) is called.
template <class Fn>
void comp(Song& s, const std::string& pattern, int steps_per_beat, double beats_long, int lowest, int voices,
          double jitter, Fn&& play) {
  for (int bar = 0; bar < s.bars; ++bar) {
    s.steps(pattern, bar, steps_per_beat, [&](double beat, double vel) {
      const std::vector<int> notes = voice_chord(s.chord_at(beat + 0.01), lowest, voices);
      play(s.when(beat, jitter), s.span(beat, beats_long), notes, vel);
    });
  }
}

std::vector<double> to_hz(const std::vector<int>& midis);

// A tonic in [lo, hi] (MIDI), uniformly.
int random_tonic(Rng& r, int lo, int hi);

}  // namespace jaams::synth
