// Disco: four-on-the-floor kick, clap on 2 and 4, 16th hats with the open hat on every off-beat,
// octave-jumping bass, seventh chords on strings and electric piano, muted 16th guitar.
#include "jaams/synth/styles.hpp"

namespace jaams::synth {

void plan_disco(Rng& r, ClipPlan& p) {
  p.key.tonic = random_tonic(r, 40, 51);
  p.key.scale = r.chance(0.6) ? (r.chance(0.5) ? Scale::Dorian : Scale::Minor) : Scale::Major;
  p.groove = "four-on-the-floor";
  p.swing = r.uniform(0.0, 0.06);
  if (r.chance(0.35)) p.borrowed = "pop";  // pop harmony and a sung lead over the disco groove
}

void arrange_disco(Song& s) {
  Rng& r = s.rng;
  const bool minor = s.key.scale != Scale::Major;
  const int tonic = s.key.tonic;
  std::string romans;
  if (s.plan.borrowed == "pop") {
    romans = r.pick(std::vector<std::string>{"I-V-vi-IV", "vi-IV-I-V"});
    s.key.scale = Scale::Major;
  } else if (minor) {
    romans = r.pick(std::vector<std::string>{"i7-iv7", "i7-bVII-bVI-bVII", "i7-iv7-bVII-bIIImaj7", "ii7-V7"});
  } else {
    romans = r.pick(std::vector<std::string>{"Imaj7-ii7", "IVmaj7-iii7-ii7-Imaj7", "Imaj7-vi7-ii7-V7"});
  }
  const double beats_each = r.chance(0.5) ? 4 : 8;
  s.set_harmony(progression(romans, tonic), beats_each);

  // Drums.
  DrumKit kit = make_kit(s, "disco");
  const bool clap = r.chance(0.6), sixteenths = r.chance(0.7), shaker = r.chance(0.4);
  for (int bar = 0; bar < s.bars; ++bar) {
    std::vector<std::string> lines{"k:X...X...X...X...", clap ? "p:....X.......X..." : "s:....X.......X...",
                                   "o:..X...X...X...X."};
    lines.push_back(sixteenths ? "h:xo.oxo.oxo.oxo." : "h:x...x...x...x...");
    if (shaker) lines.push_back("z:xoxoxoxoxoxoxoxo");
    if (bar % 8 == 0) lines.push_back("c:X...............");
    kit.groove(s, lines, bar, 4);
    if (bar % 8 == 7 && r.chance(0.6)) kit.fill(s, bar);
  }
  s.use(Part::Drums, level(r, -14, 0.08));

  // Octave bass on the 8ths.
  const bool fm = r.chance(0.5);
  const FmSound fm_b = presets::fm_bass(r);
  const SawSound saw_b = presets::synth_bass(r);
  for (int bar = 0; bar < s.bars; ++bar) {
    s.steps("x.x.x.x.x.x.x.x.", bar, 4, [&](double beat, double vel) {
      const int root = place(s.chord_at(beat + 0.01).root, 28);
      const bool up = std::fmod(beat, 1.0) > 0.25;
      const double f = midi_to_hz(root + (up ? 12 : 0));
      const double t = s.when(beat, 0.003), d = s.span(beat, 0.4);
      if (fm) {
        fm_note(s.track(Part::Bass), t, f, d, vel, fm_b);
      } else {
        saw_note(s.track(Part::Bass), t, f, d, vel, saw_b, r);
      }
    });
  }
  s.use(Part::Bass, level(r, -16, 0.03));

  // String pad holding the chords.
  const SawSound str = presets::strings(r);
  for (const auto& span : s.harmony()) {
    const std::vector<int> notes = voice_chord(span.chord, 60 + r.uniform_int(-2, 2), 4);
    for (int m : notes)
      saw_note(s.track(Part::Pad), s.at(span.beat), midi_to_hz(m), s.span(span.beat, span.beats), 0.5, str, r);
  }
  s.use(Part::Pad, level(r, -23, 0.25));

  // Chicken-scratch guitar on the 16ths, or electric piano on the off-beats.
  if (r.chance(0.6)) {
    const PluckSound g = presets::muted_guitar(r);
    const std::string pattern =
        r.pick(std::vector<std::string>{"x.xox.xox.xox.xo", "..x...x...x...x.", "xoxoxoxoxoxoxoxo"});
    comp(s, pattern, 4, 0.2, 64, 3, 0.003, [&](double t, double d, const std::vector<int>& notes, double vel) {
      strum(s.track(Part::Guitar), t, to_hz(notes), d, vel, 0.006, r.chance(0.5), g, r);
    });
    s.use(Part::Guitar, level(r, -24, 0.08));
  }
  if (r.chance(0.7)) {
    const FmSound ep = presets::electric_piano(r);
    comp(s, r.pick(std::vector<std::string>{"..x...x...x...x.", "x.....x...x....."}), 4, 0.45, 57, 4, 0.004,
         [&](double t, double d, const std::vector<int>& notes, double vel) {
           for (int m : notes) fm_note(s.track(Part::Keys), t, midi_to_hz(m), d, 0.5 * vel, ep);
         });
    s.use(Part::Keys, level(r, -23, 0.15));
  }

  // Lead: a string line or, with pop borrowed, a sung one.
  const std::vector<Note> tune = write_melody(s, 0, s.bars, 4, scale_of(s.key), tonic + 24, tonic + 38, 1.0);
  if (s.plan.borrowed == "pop") {
    const AdditiveSound v = presets::voice(r);
    play_notes(s, tune, 0.01, [&](double t, double d, int m, double vel) {
      additive_note(s.track(Part::Lead), t, midi_to_hz(m), d, vel, v);
    });
    s.use(Part::Lead, level(r, -18, 0.2));
    s.mix(Part::Lead).echo = 0.15;
  } else if (r.chance(0.6)) {
    const SawSound v = presets::solo_string(r);
    play_notes(s, tune, 0.008, [&](double t, double d, int m, double vel) {
      saw_note(s.track(Part::Lead), t, midi_to_hz(m), d, vel, v, r);
    });
    s.use(Part::Lead, level(r, -21, 0.25));
  }

  s.master.room = r.uniform(0.3, 0.6);
  s.master.hiss_db = r.uniform(-60, -42);
  s.master.lowpass_hz = r.chance(0.3) ? r.uniform(6000, 9000) : 0;
}

}  // namespace jaams::synth
