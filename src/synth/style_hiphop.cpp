// Hip-hop: boom-bap (syncopated kick, heavy snare on 2 and 4, swung hats), 808-style sub bass
// following the kick, a short minor loop on lo-fi keys, vinyl crackle. Some clips borrow pop's
// major harmony, pad and sung lead.
#include "jaams/synth/styles.hpp"

namespace jaams::synth {

void plan_hiphop(Rng& r, ClipPlan& p) {
  p.key.tonic = random_tonic(r, 36, 47);
  p.groove = "boom-bap";
  p.swing = r.uniform(0.08, 0.25);
  if (r.chance(0.3)) {
    p.borrowed = "pop";
    p.key.scale = Scale::Major;
  } else {
    p.key.scale = r.chance(0.7) ? Scale::Minor : Scale::Dorian;
  }
}

void arrange_hiphop(Song& s) {
  Rng& r = s.rng;
  const int tonic = s.key.tonic;
  const bool pop = s.plan.borrowed == "pop";
  const std::string romans =
      pop ? r.pick(std::vector<std::string>{"I-V-vi-IV", "IV-I-V-vi"})
          : r.pick(std::vector<std::string>{"i-bVI", "i-iv", "i7-iv7", "i-bVII-bVI-bVII", "i7-bVImaj7", "ii7-V7"});
  s.set_harmony(progression(romans, tonic), r.chance(0.6) ? 4 : 8);

  // Drums; the kick pattern is the loop's signature, so it repeats with rare variations.
  DrumKit kit = make_kit(s, "hiphop");
  const std::string kick_line = r.pick(std::vector<std::string>{
      "k:X.....x...x.....",
      "k:X..x......x..x..",
      "k:X.x.......X..x..",
      "k:X.....x.x.....x.",
      "k:X......xX.......",
  });
  const std::string hats =
      r.pick(std::vector<std::string>{"h:x.x.x.x.x.x.x.x.", "h:xoxoxoxoxoxoxoxo", "h:x.xox.x.x.xox.x."});
  const bool rim_ghost = r.chance(0.4), clap = r.chance(0.3);
  std::vector<double> kick_beats;
  for (int bar = 0; bar < s.bars; ++bar) {
    std::vector<std::string> lines{kick_line, clap ? "p:....X.......X..." : "s:....X.......X...", hats};
    if (rim_ghost) lines.push_back("m:.......o......o.");
    if (bar % 4 == 3 && r.chance(0.3)) lines.push_back("o:..............x.");
    kit.groove(s, lines, bar, 4);
    s.steps(kick_line.substr(2), bar, 4, [&](double beat, double) { kick_beats.push_back(beat); });
  }
  s.use(Part::Drums, level(r, -13, 0.08));

  // Sub bass held from each kick to the next.
  const AdditiveSound sub = presets::sub_bass(r);
  for (std::size_t i = 0; i < kick_beats.size(); ++i) {
    const double beat = kick_beats[i];
    const double next = i + 1 < kick_beats.size() ? kick_beats[i + 1] : beat + 2;
    const int root = place(s.chord_at(beat + 0.01).root, 28);
    additive_note(s.track(Part::Bass), s.when(beat, 0.003), midi_to_hz(root),
                  s.span(beat, std::min(2.0, next - beat) * 0.9), 0.9, sub);
  }
  s.use(Part::Bass, level(r, -14, 0.0));

  // Keys loop: electric piano or piano, band-limited like a sample off a record.
  const bool ep = r.chance(0.55);
  const FmSound epiano = presets::electric_piano(r);
  const AdditiveSound pn = presets::piano(r, 0.7);
  const std::string rhythm =
      r.pick(std::vector<std::string>{"x.....x.....x...", "x.......x.......", "x..x..x...x..x.."});
  comp(s, rhythm, 4, 1.2, 55 + r.uniform_int(-2, 3), 4, 0.006,
       [&](double t, double d, const std::vector<int>& notes, double vel) {
         for (int m : notes) {
           if (ep) {
             fm_note(s.track(Part::Keys), t, midi_to_hz(m), d, 0.5 * vel, epiano);
           } else {
             additive_note(s.track(Part::Keys), t, midi_to_hz(m), d, 0.5 * vel, pn);
           }
         }
       });
  PartMix keys = level(r, -21, 0.12);
  if (!pop) {
    keys.lowpass_hz = r.uniform(2200, 4500);
    keys.highpass_hz = r.uniform(150, 350);
    keys.drive = r.chance(0.5) ? r.uniform(1.2, 2.0) : 0.0;
  }
  s.use(Part::Keys, keys);

  if (pop) {
    const SawSound p = presets::pad(r);
    for (const auto& span : s.harmony()) {
      for (int m : voice_chord(span.chord, 60, 3)) {
        saw_note(s.track(Part::Pad), s.at(span.beat), midi_to_hz(m), s.span(span.beat, span.beats), 0.5, p, r);
      }
    }
    s.use(Part::Pad, level(r, -25, 0.25));
    const AdditiveSound v = presets::voice(r);
    const std::vector<Note> tune = write_melody(s, 0, s.bars, 4, major_pentatonic(), tonic + 24, tonic + 36, 1.0);
    play_notes(s, tune, 0.01, [&](double t, double d, int m, double vel) {
      additive_note(s.track(Part::Lead), t, midi_to_hz(m), d, vel, v);
    });
    s.use(Part::Lead, level(r, -19, 0.2));
  } else if (r.chance(0.6)) {  // a sparse bell or flute motif
    const std::vector<Note> tune = write_melody(s, 0, s.bars, 2, minor_pentatonic(), tonic + 36, tonic + 48, 0.5);
    const FmSound b = presets::bell(r);
    const AdditiveSound fl = presets::flute(r);
    const bool bell_lead = r.chance(0.5);
    play_notes(s, tune, 0.006, [&](double t, double d, int m, double vel) {
      if (bell_lead) {
        fm_note(s.track(Part::Lead), t, midi_to_hz(m), d, 0.6 * vel, b);
      } else {
        additive_note(s.track(Part::Lead), t, midi_to_hz(m), d, 0.6 * vel, fl);
      }
    });
    s.use(Part::Lead, level(r, -24, 0.2));
  }

  s.master.room = r.uniform(0.2, 0.45);
  s.master.hiss_db = r.uniform(-50, -36);
  s.master.crackle = !pop && r.chance(0.6) ? r.uniform(2, 10) : 0;
}

}  // namespace jaams::synth
