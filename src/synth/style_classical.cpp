// Classical: no drums. Functional progressions ending in cadences, four-part orchestral
// voicing with smooth voice leading, slow rubato (the tempo breathes and slows at phrase ends),
// dynamic swells, a hall reverb. Three textures: string ensemble, solo piano, orchestra (strings,
// horns, flute, pizzicato basses).
#include <algorithm>

#include "jaams/synth/styles.hpp"

namespace jaams::synth {

void plan_classical(Rng& r, ClipPlan& p) {
  p.key.tonic = random_tonic(r, 36, 47);
  p.key.scale = r.chance(0.55) ? Scale::Major : Scale::HarmonicMinor;
  const double u = r.uniform();
  p.groove = u < 0.4 ? "strings" : u < 0.7 ? "piano" : "orchestra";
}

void arrange_classical(Song& s) {
  Rng& r = s.rng;
  const int tonic = s.key.tonic;
  s.set_rubato(r.uniform(0.05, 0.14), r.uniform(6, 12), r.uniform(0.15, 0.35), 16);
  const std::string romans =
      s.key.scale == Scale::Major
          ? r.pick(std::vector<std::string>{"I-IV-V-I", "I-vi-ii-V", "I-V-vi-iii-IV-I-IV-V", "I-ii-V-I", "vi-ii-V-I"})
          : r.pick(std::vector<std::string>{"i-iv-V-i", "i-bVI-iv-V", "i-iv-i-V", "i-bVII-bVI-V"});
  s.set_harmony(progression(romans, tonic), r.chance(0.6) ? 4 : 2);

  // Dynamics: a swell across each 4-bar phrase.
  auto dynamic = [&](double beat) { return 0.65 + 0.3 * std::sin(M_PI * std::fmod(beat, 16.0) / 16.0); };

  // Four-part voicing; the top voice moves to the nearest chord tone of the next chord.
  std::vector<std::vector<int>> voicings;
  int soprano = tonic + 28;
  for (const auto& span : s.harmony()) {
    std::vector<int> v = orchestral_voicing(span.chord, tonic - 7, soprano);
    soprano = std::clamp(v.back(), tonic + 22, tonic + 34);
    voicings.push_back(v);
  }

  const std::vector<Note> tune =
      write_melody(s, 0, s.bars, 4, scale_of(s.key), tonic + 26, tonic + 41, r.uniform(0.8, 1.5));
  const std::string& texture = s.plan.groove;

  if (texture == "strings" || texture == "orchestra") {
    const SawSound str = presets::strings(r);
    for (std::size_t i = 0; i < s.harmony().size(); ++i) {
      const auto& span = s.harmony()[i];
      const double t = s.at(span.beat), d = s.span(span.beat, span.beats + 0.1);  // legato overlap
      for (int m : voicings[i]) saw_note(s.track(Part::Pad), t, midi_to_hz(m), d, 0.5 * dynamic(span.beat), str, r);
    }
    s.use(Part::Pad, level(r, -19, 0.45));
    SawSound violin = presets::solo_string(r);
    // Slow legato bowing and a darker tone: a hall recording, not a close microphone.
    violin.env.attack = r.uniform(0.12, 0.2);
    violin.cutoff_hz = r.uniform(1800, 2600);
    const AdditiveSound fl = presets::flute(r);
    const bool flute = texture == "orchestra" && r.chance(0.6);
    play_notes(s, tune, 0.0, [&](double t, double d, int m, double vel) {
      if (flute) {
        additive_note(s.track(Part::Lead), t, midi_to_hz(m + 12), d, vel, fl);
      } else {
        saw_note(s.track(Part::Lead), t, midi_to_hz(m), d, vel, violin, r);
      }
    });
    s.use(Part::Lead, level(r, -18, 0.4));
  }
  if (texture == "orchestra") {
    const SawSound hn = presets::horn(r);
    for (std::size_t i = 0; i < s.harmony().size(); ++i) {
      const auto& span = s.harmony()[i];
      if (voicings[i].size() < 3) continue;
      for (std::size_t v = 1; v < 3; ++v) {
        saw_note(s.track(Part::Keys), s.at(span.beat), midi_to_hz(voicings[i][v]), s.span(span.beat, span.beats),
                 0.4 * dynamic(span.beat), hn, r);
      }
    }
    s.use(Part::Keys, level(r, -23, 0.45));
    const PluckSound pz = presets::pizzicato(r);
    for (int bar = 0; bar < s.bars; ++bar) {
      for (double q : {0.0, 2.0}) {
        const double beat = bar * 4.0 + q;
        pluck(s.track(Part::Bass), s.at(beat), midi_to_hz(place(s.chord_at(beat + 0.01).root, tonic - 12)),
              s.span(beat, 0.8), 0.8, pz, r);
      }
    }
    s.use(Part::Bass, level(r, -21, 0.4));
  }
  if (texture == "piano") {
    // Broken chords in the left hand (Alberti: low, high, middle, high), melody on top.
    AdditiveSound pn = presets::piano(r, 0.5);
    pn.max_hz = 4500;  // played softly: felt hammers excite few high partials
    static const int kAlberti[] = {0, 2, 1, 2};
    for (int bar = 0; bar < s.bars; ++bar) {
      for (int e = 0; e < 8; ++e) {
        const double beat = bar * 4.0 + 0.5 * e;
        const std::vector<int> tones = voice_chord(s.chord_at(beat + 0.01), tonic - 2, 3);
        if (tones.size() < 3) continue;
        const int m = tones[static_cast<std::size_t>(kAlberti[e % 4])];
        additive_note(s.track(Part::Keys), s.at(beat), midi_to_hz(m), s.span(beat, 0.9), 0.45 * dynamic(beat), pn);
      }
    }
    s.use(Part::Keys, level(r, -20, 0.35));
    play_notes(s, tune, 0.0, [&](double t, double d, int m, double vel) {
      additive_note(s.track(Part::Lead), t, midi_to_hz(m), d, vel, pn);
    });
    s.use(Part::Lead, level(r, -17, 0.35));
    // A soft, felted piano: the hammers' upper partials are what a microphone across a hall loses.
    s.mix(Part::Keys).lowpass_hz = s.mix(Part::Lead).lowpass_hz = r.uniform(2500, 4000);
  }

  s.master.room = r.uniform(0.8, 0.95);
  s.master.damping = r.uniform(0.4, 0.7);
  s.master.predelay = r.uniform(0.02, 0.05);
  s.master.hiss_db = r.uniform(-62, -46);
  s.master.lowpass_hz = r.chance(0.3) ? r.uniform(5000, 9000) : 0;
}

}  // namespace jaams::synth
