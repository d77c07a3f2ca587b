// Reggae: one-drop (kick and rim together on beat 3 only), rockers or steppers; the guitar
// skank on 2 and 4 (or every off-beat), the organ bubble, a deep round bass that leaves beat 1
// empty, dub echo. Some clips borrow a hip-hop beat under the skank.
#include "jaams/synth/styles.hpp"

namespace jaams::synth {

void plan_reggae(Rng& r, ClipPlan& p) {
  p.key.tonic = random_tonic(r, 36, 47);
  p.key.scale = r.chance(0.5) ? Scale::Major : Scale::Minor;
  p.swing = r.uniform(0.0, 0.15);
  const double u = r.uniform();
  if (u < 0.5) {
    p.groove = "one-drop";
  } else if (u < 0.68) {
    p.groove = "rockers";
  } else if (u < 0.8) {
    p.groove = "steppers";
  } else {
    p.groove = "boom-bap";
    p.borrowed = "hiphop";
  }
}

void arrange_reggae(Song& s) {
  Rng& r = s.rng;
  const int tonic = s.key.tonic;
  const std::string romans = s.key.scale == Scale::Major
                                 ? r.pick(std::vector<std::string>{"I-IV", "I-V", "I-IV-V-IV", "ii-V", "I-vi-IV-V"})
                                 : r.pick(std::vector<std::string>{"i-iv", "i-bVII", "i-bVI-bVII-i", "i-iv-v-i"});
  s.set_harmony(progression(romans, tonic), r.chance(0.6) ? 4 : 8);

  DrumKit kit = make_kit(s, s.plan.borrowed == "hiphop" ? "hiphop" : "reggae");
  const std::string hats =
      r.pick(std::vector<std::string>{"h:x.x.x.x.x.x.x.x.", "h:xoxoxoxoxoxoxoxo", "h:x.xxx.xxx.xxx.xx"});
  for (int bar = 0; bar < s.bars; ++bar) {
    std::vector<std::string> lines{hats};
    if (s.plan.groove == "one-drop") {
      lines.insert(lines.end(), {"k:........X.......", "m:........X......."});
    } else if (s.plan.groove == "rockers") {
      lines.insert(lines.end(), {"k:X.......X.......", "m:....X.......X..."});
    } else if (s.plan.groove == "steppers") {
      lines.insert(lines.end(), {"k:X...X...X...X...", "m:........X......."});
    } else {
      lines.insert(lines.end(), {"k:X.....x...x.....", "s:....X.......X..."});
    }
    if (bar % 4 == 3 && r.chance(0.3)) lines.push_back("o:..............x.");
    kit.groove(s, lines, bar, 4);
    if (bar % 8 == 7 && r.chance(0.5)) kit.fill(s, bar);
  }
  PartMix drums = level(r, -15, 0.12);
  drums.echo = r.uniform(0.05, 0.2);
  s.use(Part::Drums, drums);

  // Skank: short, bright up-strokes.
  const PluckSound g = presets::muted_guitar(r);
  const std::string skank = r.chance(0.7) ? "....x.......x..." : "..x...x...x...x.";
  comp(s, skank, 4, 0.15, 62 + r.uniform_int(0, 4), 3, 0.004,
       [&](double t, double d, const std::vector<int>& notes, double vel) {
         strum(s.track(Part::Guitar), t, to_hz(notes), d, vel, 0.004, true, g, r);
       });
  PartMix gtr = level(r, -21, 0.15);
  gtr.echo = r.uniform(0.1, 0.35);
  gtr.highpass_hz = 250;
  s.use(Part::Guitar, gtr);

  // Organ bubble.
  if (r.chance(0.75)) {
    const AdditiveSound org = presets::organ(r);
    comp(s, r.pick(std::vector<std::string>{"..x..x.x..x..x.x", "..x...x...x...x.", ".xx..xx..xx..xx."}), 4, 0.2, 55, 3,
         0.004, [&](double t, double d, const std::vector<int>& notes, double vel) {
           for (int m : notes) additive_note(s.track(Part::Keys), t, midi_to_hz(m), d, 0.5 * vel, org);
         });
    s.use(Part::Keys, level(r, -24, 0.1));
  }

  // Bass: a melodic figure of chord tones that rests on beat 1.
  const AdditiveSound b = presets::round_bass(r);
  const std::string rhythm =
      r.pick(std::vector<std::string>{"....x.x.x..x.x..", "..x.x...x.x.x...", "....x..xx...x.x.", "..x.x.xx..x.x..."});
  std::vector<int> figure;
  for (int i = 0; i < 8; ++i) figure.push_back(r.pick(std::vector<int>{0, 0, 7, 12, 3, 5, 10, -2}));
  for (int bar = 0; bar < s.bars; ++bar) {
    int n = 0;
    std::vector<double> onsets;
    s.steps(rhythm, bar, 4, [&](double beat, double) { onsets.push_back(beat); });
    for (std::size_t i = 0; i < onsets.size(); ++i) {
      const double beat = onsets[i];
      const double next = i + 1 < onsets.size() ? onsets[i + 1] : (bar + 1) * 4.0;
      const Chord& c = s.chord_at(beat + 0.01);
      int interval = figure[static_cast<std::size_t>(n++ % 8)];
      if (interval == 3 || interval == 4) interval = c.third();  // the chord's own third
      const int m = place(c.root, 31) + interval;
      additive_note(s.track(Part::Bass), s.when(beat, 0.006), midi_to_hz(m), s.span(beat, (next - beat) * 0.85), 0.9,
                    b);
    }
  }
  s.use(Part::Bass, level(r, -13, 0.02));

  if (r.chance(0.5)) {  // melodica line
    const AdditiveSound mel = presets::melodica(r);
    const std::vector<Note> tune = write_melody(s, 0, s.bars, 4, scale_of(s.key), tonic + 24, tonic + 38, 0.8);
    play_notes(s, tune, 0.01, [&](double t, double d, int m, double vel) {
      additive_note(s.track(Part::Lead), t, midi_to_hz(m), d, 0.7 * vel, mel);
    });
    PartMix lead = level(r, -21, 0.2);
    lead.echo = 0.25;
    s.use(Part::Lead, lead);
  }

  s.master.room = r.uniform(0.4, 0.7);
  s.master.echo_beats = r.chance(0.5) ? 0.75 : 0.5;
  s.master.echo_feedback = r.uniform(0.4, 0.6);
  s.master.hiss_db = r.uniform(-55, -38);
  s.master.lowpass_hz = r.chance(0.35) ? r.uniform(4500, 8000) : 0;
  s.master.crackle = r.chance(0.2) ? r.uniform(1, 5) : 0;
}

}  // namespace jaams::synth
