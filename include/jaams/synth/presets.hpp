#pragma once
// Instrument presets: the sound of each named instrument, with a little random variation so no
// two clips share exactly the same piano or guitar. Internal to the synth stage.
#include "jaams/synth/instruments.hpp"
#include "jaams/synth/random.hpp"

namespace jaams::synth::presets {

AdditiveSound piano(Rng& r, double brightness = 1.0);  // brightness < 1 thins the upper partials
AdditiveSound organ(Rng& r);
AdditiveSound flute(Rng& r);
AdditiveSound fiddle(Rng& r);
AdditiveSound voice(Rng& r);  // a sung "ah": formant-weighted partials, vibrato, scoops
AdditiveSound harmonica(Rng& r);
AdditiveSound melodica(Rng& r);
AdditiveSound steel_guitar(Rng& r);
AdditiveSound sub_bass(Rng& r);
AdditiveSound round_bass(Rng& r);

FmSound electric_piano(Rng& r);
FmSound bell(Rng& r);
FmSound fm_bass(Rng& r);

SawSound strings(Rng& r);
SawSound solo_string(Rng& r);
SawSound pad(Rng& r);
SawSound horn(Rng& r);
SawSound synth_bass(Rng& r);
SawSound lead(Rng& r);

PluckSound acoustic_guitar(Rng& r);
PluckSound electric_guitar(Rng& r);
PluckSound muted_guitar(Rng& r);  // palm-muted or chicken-scratch: dies within ~0.1 s
PluckSound bass_guitar(Rng& r);
PluckSound banjo(Rng& r);
PluckSound pizzicato(Rng& r);

}  // namespace jaams::synth::presets
