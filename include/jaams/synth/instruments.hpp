#pragma once
// Instrument models, each adding one note or hit into a Track at time `t` (seconds) with
// velocity `vel` (0-1):
//   drums: kick = sine with a falling pitch sweep and a click; snare = band-passed noise plus a
//          tone; hats and cymbals = high-passed noise with a few square-wave partials; rim,
//          clap, brush, shaker.
//   pitched: Karplus-Strong plucked string (guitar, bass, banjo), two-operator FM (electric
//          piano, bells, bass), additive (piano, organ, flute, fiddle, voice, sub bass) and a
//          band-limited saw through a low-pass (strings, pads, synth bass, leads).
// Parameters live in small structs so a genre can choose its own kit and a clip can vary it.
#include <vector>

#include "jaams/synth/dsp.hpp"
#include "jaams/synth/random.hpp"

namespace jaams::synth {

struct KickSound {
  double f_start = 150;  // Hz at the hit
  double f_end = 50;     // Hz the sweep settles to
  double sweep = 0.04;   // s, time constant of the pitch fall
  double decay = 0.3;    // s, time constant of the body
  double click = 0.25;   // level of the beater click
};
struct SnareSound {
  double tone_hz = 190;
  double tone_decay = 0.06;
  double noise_decay = 0.15;
  double noise_level = 0.8;
  double hp_hz = 1200;  // noise band
  double lp_hz = 8000;
};
struct HatSound {
  double hp_hz = 7000;
  double metal = 0.35;  // share of square-wave partials against noise
};

void kick(Track& tr, double t, double vel, const KickSound& s, Rng& rng);
void snare(Track& tr, double t, double vel, const SnareSound& s, Rng& rng);
// decay: ~0.04 s closed, ~0.3 s open, 1-2 s crash or ride.
void hat(Track& tr, double t, double vel, double decay, const HatSound& s, Rng& rng);
void rim(Track& tr, double t, double vel, double tone_hz, Rng& rng);
void clap(Track& tr, double t, double vel, Rng& rng);
// A brush swish: noise with a soft attack, darker than a snare.
void brush(Track& tr, double t, double vel, double length, Rng& rng);
void shaker(Track& tr, double t, double vel, Rng& rng);

struct PluckSound {
  double brightness = 0.6;  // 0-1: how much high end the pick excites
  double decay = 2.0;       // s for the string to fall 60 dB while held
  double release = 0.05;    // s of damping after `dur`
  double pick_position = 0.2;
  double attack = 0.001;  // s of raised-cosine fade-in: a finger (pizzicato) is softer than a pick
};
// Karplus-Strong: a noise burst circulating in a tuned delay line with a low-pass in the loop.
void pluck(Track& tr, double t, double freq, double dur, double vel, const PluckSound& s, Rng& rng);
// Several strings picked `spread` seconds apart (a strum); up-strokes start from the top string.
void strum(Track& tr, double t, const std::vector<double>& freqs, double dur, double vel, double spread, bool up,
           const PluckSound& s, Rng& rng);

struct FmSound {
  double ratio = 1.0;        // modulator / carrier frequency
  double index = 2.0;        // modulation index at the attack
  double index_decay = 0.4;  // s, time constant of the index (bright attack, mellow tail)
  double index_floor = 0.3;  // index the decay settles to
  Adsr env{0.003, 0.8, 0.3, 0.2};
};
void fm_note(Track& tr, double t, double freq, double dur, double vel, const FmSound& s);

struct AdditiveSound {
  std::vector<double> partials{1.0};  // amplitude of harmonic k+1
  double decay = 0;                   // s; > 0: every partial decays (piano-like), faster when higher
  double decay_tilt = 0.3;            // partial k decays with time constant decay / (1 + tilt * k)
  double inharmonicity = 0;           // stretched partials: f_k = k f sqrt(1 + B k^2)
  Adsr env{0.01, 0.1, 0.9, 0.1};
  double vibrato_hz = 0;
  double vibrato_semitones = 0;
  double vibrato_delay = 0.2;  // s before vibrato fades in
  double glide_semitones = 0;  // start this far from the pitch and slide to it
  double glide_time = 0.08;
  double max_hz = 0;  // > 0: partials above are left out (a soft hammer, a muted tone)
};
void additive_note(Track& tr, double t, double freq, double dur, double vel, const AdditiveSound& s);

struct SawSound {
  int voices = 1;  // detuned copies (ensemble)
  double detune_cents = 8;
  double cutoff_hz = 2500;     // low-pass after the oscillators
  double cutoff_attack = 1.0;  // cutoff multiplier at the attack, falling back to 1 with env_decay
  double env_decay = 0.2;
  Adsr env{0.05, 0.2, 0.8, 0.3};
  double vibrato_hz = 0;
  double vibrato_semitones = 0;
  double vibrato_delay = 0.3;
  double glide_semitones = 0;
  double glide_time = 0.08;
};
void saw_note(Track& tr, double t, double freq, double dur, double vel, const SawSound& s, Rng& rng);

}  // namespace jaams::synth
