#include "jaams/synth/presets.hpp"

#include <cmath>

namespace jaams::synth::presets {

AdditiveSound piano(Rng& r, double brightness) {
  AdditiveSound s;
  s.partials.clear();
  for (int k = 1; k <= 10; ++k)
    s.partials.push_back(std::pow(double(k), -1.0 - 1.2 * (1.0 - brightness)) * (k == 1 ? 1.0 : 0.8));
  s.decay = r.uniform(1.0, 2.2);
  s.decay_tilt = r.uniform(0.3, 0.6);
  s.inharmonicity = r.uniform(0.0001, 0.0005);
  s.env = {0.002, 0.05, 1.0, r.uniform(0.08, 0.2)};
  return s;
}

AdditiveSound organ(Rng& r) {
  AdditiveSound s;
  // Drawbar-like registrations: 8' fundamental, 4', 2 2/3', 2'...
  s.partials = {1.0, r.uniform(0.4, 0.9), r.uniform(0.2, 0.6), r.uniform(0.2, 0.6), 0.0, r.uniform(0.1, 0.3),
                0.0, r.uniform(0.1, 0.3)};
  s.env = {0.008, 0.02, 1.0, 0.04};
  s.vibrato_hz = r.uniform(5.5, 7.0);  // rotating speaker
  s.vibrato_semitones = r.uniform(0.03, 0.08);
  s.vibrato_delay = 0;
  return s;
}

AdditiveSound flute(Rng& r) {
  AdditiveSound s;
  s.partials = {1.0, r.uniform(0.2, 0.4), r.uniform(0.05, 0.15), 0.04};
  s.env = {r.uniform(0.05, 0.09), 0.1, 0.85, 0.12};
  s.vibrato_hz = r.uniform(4.5, 5.5);
  s.vibrato_semitones = r.uniform(0.08, 0.15);
  return s;
}

AdditiveSound fiddle(Rng& r) {
  AdditiveSound s;
  s.partials.clear();
  for (int k = 1; k <= 12; ++k) s.partials.push_back(1.0 / k * (k % 3 == 0 ? 0.6 : 1.0));
  s.env = {r.uniform(0.03, 0.06), 0.1, 0.85, 0.1};
  s.vibrato_hz = r.uniform(5.5, 6.5);
  s.vibrato_semitones = r.uniform(0.12, 0.22);
  s.vibrato_delay = 0.15;
  s.glide_semitones = r.chance(0.5) ? 1.0 : 0.0;
  s.glide_time = 0.06;
  return s;
}

AdditiveSound voice(Rng& r) {
  AdditiveSound s;
  // Partials weighted towards an "ah" formant near 700-1100 Hz for a mid-range note.
  s.partials = {1.0, 0.7, r.uniform(0.6, 0.9), r.uniform(0.4, 0.7), 0.3, 0.25, 0.12, 0.08, 0.05};
  s.env = {r.uniform(0.03, 0.06), 0.1, 0.9, 0.12};
  s.vibrato_hz = r.uniform(5.0, 6.0);
  s.vibrato_semitones = r.uniform(0.15, 0.3);
  s.vibrato_delay = 0.25;
  s.glide_semitones = r.uniform(0.3, 0.8);  // singers scoop into notes
  s.glide_time = 0.07;
  return s;
}

AdditiveSound harmonica(Rng& r) {
  AdditiveSound s;
  s.partials = {1.0, 0.9, 0.7, 0.5, 0.35, 0.25, 0.15};
  s.env = {0.03, 0.1, 0.85, 0.08};
  s.vibrato_hz = r.uniform(4.5, 6.0);
  s.vibrato_semitones = r.uniform(0.1, 0.2);
  s.glide_semitones = 1.0;  // bent notes
  s.glide_time = r.uniform(0.08, 0.15);
  return s;
}

AdditiveSound melodica(Rng& r) {
  AdditiveSound s;
  s.partials = {1.0, 0.45, r.uniform(0.4, 0.6), 0.3, 0.3, 0.15, 0.1};
  s.env = {0.02, 0.05, 0.9, 0.06};
  s.vibrato_hz = 5.0;
  s.vibrato_semitones = r.uniform(0.0, 0.08);
  return s;
}

AdditiveSound steel_guitar(Rng& r) {
  AdditiveSound s;
  s.partials = {1.0, 0.5, 0.3, 0.15, 0.08};
  s.env = {0.02, 1.2, 0.5, 0.3};
  s.vibrato_hz = r.uniform(4.0, 5.5);
  s.vibrato_semitones = r.uniform(0.08, 0.15);
  s.glide_semitones = r.uniform(1.0, 2.0);  // the bar slides into the note
  s.glide_time = r.uniform(0.12, 0.25);
  return s;
}

AdditiveSound sub_bass(Rng& r) {
  AdditiveSound s;
  s.partials = {1.0, r.uniform(0.05, 0.2), 0.03};
  s.env = {0.004, 0.4, r.uniform(0.5, 0.8), 0.08};
  s.glide_semitones = r.chance(0.3) ? r.uniform(-3.0, -1.0) : 0.0;  // 808 slides
  s.glide_time = 0.1;
  return s;
}

AdditiveSound round_bass(Rng& r) {
  AdditiveSound s;
  s.partials = {1.0, r.uniform(0.25, 0.45), r.uniform(0.05, 0.15), 0.04};
  s.env = {0.006, 0.25, 0.8, 0.05};
  return s;
}

FmSound electric_piano(Rng& r) {
  FmSound s;
  s.ratio = 1.0;
  s.index = r.uniform(1.8, 3.2);
  s.index_decay = r.uniform(0.2, 0.5);
  s.index_floor = 0.2;
  s.env = {0.002, r.uniform(0.8, 1.6), 0.25, 0.25};
  return s;
}

FmSound bell(Rng& r) {
  FmSound s;
  s.ratio = r.chance(0.5) ? 3.5 : 2.0;
  s.index = r.uniform(1.5, 3.0);
  s.index_decay = 0.5;
  s.index_floor = 0.3;
  s.env = {0.002, r.uniform(0.8, 1.5), 0.0, 0.5};
  return s;
}

FmSound fm_bass(Rng& r) {
  FmSound s;
  s.ratio = r.chance(0.5) ? 1.0 : 0.5;
  s.index = r.uniform(2.0, 4.0);
  s.index_decay = r.uniform(0.06, 0.15);
  s.index_floor = 0.5;
  s.env = {0.002, 0.25, 0.6, 0.04};
  return s;
}

SawSound strings(Rng& r) {
  SawSound s;
  s.voices = 3;
  s.detune_cents = r.uniform(6, 14);
  s.cutoff_hz = r.uniform(1800, 3200);
  s.cutoff_attack = 1.0;
  s.env = {r.uniform(0.12, 0.35), 0.3, 0.85, r.uniform(0.3, 0.7)};
  s.vibrato_hz = r.uniform(5.0, 6.0);
  s.vibrato_semitones = 0.06;
  return s;
}

SawSound solo_string(Rng& r) {
  SawSound s;
  s.voices = 1;
  s.cutoff_hz = r.uniform(2500, 3500);
  s.env = {r.uniform(0.06, 0.12), 0.2, 0.9, 0.2};
  s.vibrato_hz = r.uniform(5.2, 6.2);
  s.vibrato_semitones = r.uniform(0.12, 0.2);
  s.vibrato_delay = 0.15;
  return s;
}

SawSound pad(Rng& r) {
  SawSound s;
  s.voices = 3;
  s.detune_cents = r.uniform(10, 20);
  s.cutoff_hz = r.uniform(1200, 2800);
  s.env = {r.uniform(0.2, 0.5), 0.5, 0.8, r.uniform(0.4, 0.9)};
  return s;
}

SawSound horn(Rng& r) {
  SawSound s;
  s.voices = 2;
  s.detune_cents = 4;
  s.cutoff_hz = r.uniform(700, 1100);
  s.cutoff_attack = 1.8;
  s.env_decay = 0.15;
  s.env = {0.06, 0.2, 0.85, 0.25};
  return s;
}

SawSound synth_bass(Rng& r) {
  SawSound s;
  s.voices = 1;
  s.cutoff_hz = r.uniform(350, 800);
  s.cutoff_attack = r.uniform(2.5, 5.0);
  s.env_decay = r.uniform(0.06, 0.15);
  s.env = {0.002, 0.2, 0.7, 0.04};
  return s;
}

SawSound lead(Rng& r) {
  SawSound s;
  s.voices = 2;
  s.detune_cents = r.uniform(3, 8);
  s.cutoff_hz = r.uniform(2000, 4000);
  s.cutoff_attack = 1.5;
  s.env_decay = 0.1;
  s.env = {0.005, 0.1, 0.85, 0.1};
  s.vibrato_hz = r.uniform(5, 6.5);
  s.vibrato_semitones = r.uniform(0.1, 0.25);
  return s;
}

PluckSound acoustic_guitar(Rng& r) { return {r.uniform(0.6, 0.85), r.uniform(1.2, 2.5), 0.06, r.uniform(0.12, 0.25)}; }
PluckSound electric_guitar(Rng& r) { return {r.uniform(0.45, 0.7), r.uniform(2.0, 4.0), 0.05, r.uniform(0.1, 0.3)}; }
PluckSound muted_guitar(Rng& r) { return {r.uniform(0.5, 0.8), r.uniform(0.06, 0.14), 0.02, r.uniform(0.1, 0.25)}; }
PluckSound bass_guitar(Rng& r) { return {r.uniform(0.2, 0.4), r.uniform(1.0, 2.0), 0.04, r.uniform(0.15, 0.3)}; }
PluckSound banjo(Rng& r) { return {r.uniform(0.85, 0.95), r.uniform(0.4, 0.8), 0.05, r.uniform(0.05, 0.12)}; }
PluckSound pizzicato(Rng& r) { return {r.uniform(0.12, 0.25), r.uniform(0.3, 0.6), 0.1, 0.2, 0.005}; }

}  // namespace jaams::synth::presets
