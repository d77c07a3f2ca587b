// Country: the train beat (snare or brushes on every 16th, accents on 2 and 4) or a two-step
// with sidestick; boom-chick: bass on 1 and 3 alternating root and fifth, strummed acoustic on
// 2 and 4; fiddle, steel guitar or banjo rolls over major I-IV-V. Some clips borrow rock's
// backbeat and a lightly driven electric guitar.
#include "jaams/synth/styles.hpp"

namespace jaams::synth {

void plan_country(Rng& r, ClipPlan& p) {
  p.key.tonic = random_tonic(r, 40, 47);
  p.key.scale = r.chance(0.85) ? Scale::Major : Scale::Mixolydian;
  p.swing = r.uniform(0.0, 0.1);
  const double u = r.uniform();
  if (u < 0.42) {
    p.groove = "train";
  } else if (u < 0.7) {
    p.groove = "two-step";
  } else {
    p.groove = "backbeat";
    p.borrowed = "rock";
  }
}

void arrange_country(Song& s) {
  Rng& r = s.rng;
  const int tonic = s.key.tonic;
  const bool rock = s.plan.borrowed == "rock";
  const std::string romans =
      r.pick(std::vector<std::string>{"I-IV-V-I", "I-I-IV-V", "I-V-IV-I", "I-IV-I-V", "I-vi-IV-V"});
  s.set_harmony(progression(romans, tonic), r.chance(0.7) ? 4 : 8);

  DrumKit kit = make_kit(s, rock ? "rock" : "country");
  const bool brushes = r.chance(0.6);
  for (int bar = 0; bar < s.bars; ++bar) {
    std::vector<std::string> lines;
    if (s.plan.groove == "train") {
      lines = {"k:X.......X.......", brushes ? "b:ooooXoooooooXooo" : "s:ooooXoooooooXooo"};
    } else if (s.plan.groove == "two-step") {
      lines = {"k:X.......X.......", "m:....X.......X...", "h:x.x.x.x.x.x.x.x."};
    } else {
      lines = {"k:X.......X.x.....", "s:....X.......X...", "h:x.x.x.x.x.x.x.x."};
      if (bar % 4 == 0) lines.push_back("c:X...............");
    }
    kit.groove(s, lines, bar, 4);
    if (bar % 8 == 7 && r.chance(0.4)) kit.fill(s, bar);
  }
  s.use(Part::Drums, level(r, -17, 0.1));

  // Boom: root and fifth on 1 and 3, with a walk up into the next chord now and then.
  const PluckSound b = presets::bass_guitar(r);
  for (int bar = 0; bar < s.bars; ++bar) {
    const Chord& c = s.chord_at(bar * 4.0 + 0.01);
    const Chord& next = s.chord_at(bar * 4.0 + 4.01);
    const int root = place(c.root, 33);
    const bool walk = next.root != c.root && r.chance(0.5);
    pluck(s.track(Part::Bass), s.when(bar * 4.0, 0.005), midi_to_hz(root), s.span(bar * 4.0, 1.8), 0.9, b, r);
    if (walk) {
      const int target = place(next.root, 33);
      for (int i = 0; i < 3; ++i) {
        const double beat = bar * 4.0 + 2.0 + 0.5 * i;
        const int m = s.key.snap(target - 3 + i);
        pluck(s.track(Part::Bass), s.when(beat, 0.005), midi_to_hz(m), s.span(beat, 0.45), 0.8, b, r);
      }
    } else {
      pluck(s.track(Part::Bass), s.when(bar * 4.0 + 2, 0.005), midi_to_hz(root + 7 > 45 ? root - 5 : root + 7),
            s.span(bar * 4.0 + 2, 1.8), 0.85, b, r);
    }
  }
  s.use(Part::Bass, level(r, -17, 0.05));

  // Chick: strums on 2 and 4, or down-up 8ths.
  const PluckSound g = rock ? presets::electric_guitar(r) : presets::acoustic_guitar(r);
  const bool eighths = r.chance(0.4);
  int stroke = 0;
  comp(s, eighths ? "x.x.x.x.x.x.x.x." : "....x.......x...", 4, eighths ? 0.45 : 0.9, 52, 5, 0.006,
       [&](double t, double d, const std::vector<int>& notes, double vel) {
         const bool up = eighths && (stroke++ % 2 == 1);
         strum(s.track(Part::Guitar), t, to_hz(notes), d, vel * (up ? 0.7 : 1.0), 0.012, up, g, r);
       });
  PartMix gtr = level(r, -17, 0.12);
  if (rock) {
    gtr.drive = r.uniform(1.5, 3.5);
    gtr.lowpass_hz = 6000;
  }
  s.use(Part::Guitar, gtr);

  // Lead voices of the genre: fiddle, steel guitar, or banjo rolls.
  const double u = r.uniform();
  const std::vector<int> scale = r.chance(0.6) ? major_pentatonic() : scale_of(s.key);
  if (u < 0.35) {
    const AdditiveSound f = presets::fiddle(r);
    const std::vector<Note> tune = write_melody(s, 0, s.bars, 4, scale, tonic + 24, tonic + 40, 1.4);
    play_notes(s, tune, 0.008, [&](double t, double d, int m, double vel) {
      additive_note(s.track(Part::Lead), t, midi_to_hz(m), d, vel, f);
    });
    s.use(Part::Lead, level(r, -18, 0.2));
  } else if (u < 0.65) {
    const AdditiveSound st = presets::steel_guitar(r);
    const std::vector<Note> tune = write_melody(s, 0, s.bars, 4, scale, tonic + 19, tonic + 36, 0.7);
    play_notes(s, tune, 0.01, [&](double t, double d, int m, double vel) {
      additive_note(s.track(Part::Lead), t, midi_to_hz(m), d, vel, st);
    });
    s.use(Part::Lead, level(r, -18, 0.3));
  } else if (u < 0.9) {
    const PluckSound bj = presets::banjo(r);
    static const int kRoll[] = {0, 1, 2, 0, 1, 2, 0, 1};  // forward roll over three chord tones
    for (int bar = 0; bar < s.bars; ++bar) {
      int step = 0;
      s.steps("xxxxxxxxxxxxxxxx", bar, 4, [&](double beat, double vel) {
        const std::vector<int> tones = voice_chord(s.chord_at(beat + 0.01), tonic + 19, 3);
        const int m = tones[static_cast<std::size_t>(kRoll[step++ % 8])];
        pluck(s.track(Part::Lead), s.when(beat, 0.004), midi_to_hz(m), s.span(beat, 0.5), 0.6 * vel, bj, r);
      });
    }
    s.use(Part::Lead, level(r, -20, 0.12));
  }
  if (r.chance(0.3)) {  // honky-tonk piano
    const AdditiveSound pn = presets::piano(r);
    comp(s, "....x.......x...", 4, 0.8, 60, 3, 0.006,
         [&](double t, double d, const std::vector<int>& notes, double vel) {
           for (int m : notes) additive_note(s.track(Part::Keys), t, midi_to_hz(m), d, 0.5 * vel, pn);
         });
    s.use(Part::Keys, level(r, -22, 0.15));
  }

  s.master.room = r.uniform(0.3, 0.55);
  s.master.hiss_db = r.uniform(-58, -42);
  s.master.lowpass_hz = r.chance(0.3) ? r.uniform(5000, 8000) : 0;
}

}  // namespace jaams::synth
