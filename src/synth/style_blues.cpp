// Blues: the 12-bar form I7-IV7-V7 with dominant sevenths, a 12/8 shuffle (everything on the
// triplet grid), boogie or walking bass, piano comping, guitar boogie, and a lead from the
// blues scale with bent notes, answering itself (call and response). Some clips borrow rock's
// overdriven guitar.
#include "jaams/synth/styles.hpp"

namespace jaams::synth {

void plan_blues(Rng& r, ClipPlan& p) {
  p.key.tonic = random_tonic(r, 40, 47);
  p.key.scale = Scale::Mixolydian;
  p.swing = 1.0 / 3.0;  // any straight-grid part lands on the triplet
  if (r.chance(0.25)) {
    p.groove = "slow-12/8";
    p.bpm = r.uniform(70, 80);
  } else {
    p.groove = "shuffle";
  }
  if (r.chance(0.3)) p.borrowed = "rock";
}

void arrange_blues(Song& s) {
  Rng& r = s.rng;
  const int tonic = s.key.tonic;
  const bool quick_change = r.chance(0.4);
  s.set_harmony(
      progression(quick_change ? "I7-IV7-I7-I7-IV7-IV7-I7-I7-V7-IV7-I7-V7" : "I7-I7-I7-I7-IV7-IV7-I7-I7-V7-IV7-I7-V7",
                  tonic),
      4);
  const bool slow = s.plan.groove == "slow-12/8";

  DrumKit kit = make_kit(s, "blues");
  const bool ride = r.chance(0.5);
  for (int bar = 0; bar < s.bars; ++bar) {
    std::vector<std::string> lines{"k:X.....x.....", "s:...X.....X.."};
    if (slow) {
      lines.push_back("h:XxxXxxXxxXxx");
    } else {
      lines.push_back(ride ? "r:X.xX.xX.xX.x" : "h:X.xX.xX.xX.x");
    }
    if (bar % 12 == 0) lines.push_back("c:X...........");
    kit.groove(s, lines, bar, 3);
    if (bar % 12 == 11 && r.chance(0.5)) kit.fill(s, bar);
  }
  s.use(Part::Drums, level(r, -17, 0.15));

  // Bass: boogie (root, 3rd, 5th, 6th, b7, 6th, 5th, 3rd on the swung 8ths) or walking quarters.
  const PluckSound b = presets::bass_guitar(r);
  const bool boogie = r.chance(0.6);
  static const int kBoogie[] = {0, 4, 7, 9, 10, 9, 7, 4};
  static const int kWalk[] = {0, 4, 7, 9};
  for (int bar = 0; bar < s.bars; ++bar) {
    const Chord& c = s.chord_at(bar * 4.0 + 0.01);
    const int root = place(c.root, 31);
    if (boogie) {
      int i = 0;
      s.steps("X.xX.xX.xX.x", bar, 3, [&](double beat, double vel) {
        pluck(s.track(Part::Bass), s.when(beat, 0.006), midi_to_hz(root + kBoogie[i++ % 8]), s.span(beat, 0.6), vel, b,
              r);
      });
    } else {
      for (int q = 0; q < 4; ++q) {
        const double beat = bar * 4.0 + q;
        pluck(s.track(Part::Bass), s.when(beat, 0.006), midi_to_hz(root + kWalk[q]), s.span(beat, 0.9), 0.85, b, r);
      }
    }
  }
  s.use(Part::Bass, level(r, -17, 0.05));

  // Guitar boogie on the low strings: root-fifth / root-sixth shuffle.
  const bool rock = s.plan.borrowed == "rock";
  if (r.chance(0.6) || rock) {
    const PluckSound g = rock ? presets::electric_guitar(r) : presets::muted_guitar(r);
    for (int bar = 0; bar < s.bars; ++bar) {
      const int root = place(s.chord_at(bar * 4.0 + 0.01).root, 40);
      int i = 0;
      s.steps("X.xX.xX.xX.x", bar, 3, [&](double beat, double vel) {
        const int top = (i++ / 2) % 2 == 0 ? 7 : 9;
        strum(s.track(Part::Guitar), s.when(beat, 0.006), to_hz({root, root + top}), s.span(beat, 0.5), vel, 0.006,
              false, g, r);
      });
    }
    PartMix gtr = level(r, -19, 0.15);
    if (rock) {
      gtr.drive = r.uniform(3, 6);
      gtr.lowpass_hz = 5500;
    }
    s.use(Part::Guitar, gtr);
  }

  // Piano comping on the shuffle, or organ holding the chords.
  if (r.chance(0.65)) {
    const AdditiveSound pn = presets::piano(r);
    comp(s, r.pick(std::vector<std::string>{"...x.....x..", "x..x.x.....x", "..x..x..x..x"}), 3, 0.6, 58, 4, 0.008,
         [&](double t, double d, const std::vector<int>& notes, double vel) {
           for (int m : notes) additive_note(s.track(Part::Keys), t, midi_to_hz(m), d, 0.5 * vel, pn);
         });
    s.use(Part::Keys, level(r, -19, 0.2));
  } else {
    const AdditiveSound org = presets::organ(r);
    for (const auto& span : s.harmony()) {
      for (int m : voice_chord(span.chord, 55, 4)) {
        additive_note(s.track(Part::Pad), s.at(span.beat), midi_to_hz(m), s.span(span.beat, span.beats), 0.4, org);
      }
    }
    s.use(Part::Pad, level(r, -24, 0.2));
  }

  // Lead: licks in the first half of every two bars, rests in the second (call and response).
  const std::vector<Note> line = write_melody(s, 0, s.bars, 2, blues_scale(), tonic + 19, tonic + 36, 1.2);
  std::vector<Note> calls;
  for (const Note& n : line) {
    if (std::fmod(n.beat, 8.0) < 5.0) calls.push_back(n);
  }
  const bool harp = r.chance(0.35);
  AdditiveSound harmonica = presets::harmonica(r);
  SawSound guitar = presets::lead(r);
  guitar.glide_time = r.uniform(0.08, 0.15);
  for (const Note& n : calls) {
    const double t = s.when(n.beat, 0.012), d = s.span(n.beat, n.beats);
    const bool bend = r.chance(0.3);
    if (harp) {
      harmonica.glide_semitones = bend ? 1.0 : 0.0;
      additive_note(s.track(Part::Lead), t, midi_to_hz(n.midi), d, n.vel, harmonica);
    } else {
      guitar.glide_semitones = bend ? r.pick(std::vector<double>{1.0, 2.0}) : 0.0;
      saw_note(s.track(Part::Lead), t, midi_to_hz(n.midi), d, n.vel, guitar, r);
    }
  }
  PartMix lead = level(r, -17, 0.25);
  if (!harp) {
    lead.drive = rock ? r.uniform(3, 6) : r.uniform(1.2, 2.5);
    lead.lowpass_hz = 5000;
  }
  s.use(Part::Lead, lead);

  s.master.room = r.uniform(0.35, 0.65);
  s.master.hiss_db = r.uniform(-52, -36);
  s.master.lowpass_hz = r.chance(0.4) ? r.uniform(5000, 8000) : 0;  // older recordings
  s.master.crackle = r.chance(0.25) ? r.uniform(1, 6) : 0;
  s.master.hum_db = r.chance(0.2) ? r.uniform(-50, -38) : -120;
  s.master.hum_hz = r.chance(0.5) ? 50 : 60;
}

}  // namespace jaams::synth
