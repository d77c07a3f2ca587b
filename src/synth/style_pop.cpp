// Pop: I-V-vi-IV and its rotations in major keys, a backbeat (or, borrowed, disco's four-on-the-
// floor or a hip-hop beat with sub bass), saw pad, piano, plucked arpeggios and a sung lead.
#include "jaams/synth/styles.hpp"

namespace jaams::synth {

void plan_pop(Rng& r, ClipPlan& p) {
  p.key.tonic = random_tonic(r, 40, 51);
  p.key.scale = Scale::Major;
  const double u = r.uniform();
  if (u < 0.5) {
    p.groove = "backbeat";
  } else if (u < 0.75) {
    p.groove = "four-on-the-floor";
    p.borrowed = "disco";
  } else {
    p.groove = "boom-bap";
    p.borrowed = "hiphop";
    p.bpm = r.uniform(95, 102);  // where the pop and hip-hop tempo ranges meet
    p.swing = r.uniform(0.05, 0.2);
  }
}

void arrange_pop(Song& s) {
  Rng& r = s.rng;
  const int tonic = s.key.tonic;
  const std::string romans = r.pick(std::vector<std::string>{"I-V-vi-IV", "vi-IV-I-V", "I-vi-IV-V", "IV-I-V-vi"});
  s.set_harmony(progression(romans, tonic), r.chance(0.8) ? 4 : 8);

  DrumKit kit = make_kit(s, s.plan.borrowed == "hiphop" ? "hiphop" : "pop");
  const std::string kick_line = r.pick(
      std::vector<std::string>{"k:X.......X.x.....", "k:X..x....X.x.....", "k:X.....x.X.......", "k:X.......X..x...."});
  const bool clap = r.chance(0.5);
  for (int bar = 0; bar < s.bars; ++bar) {
    std::vector<std::string> lines;
    if (s.plan.groove == "four-on-the-floor") {
      lines = {"k:X...X...X...X...", "p:....X.......X...", "h:..x...x...x...x.", "o:..............X."};
    } else if (s.plan.groove == "boom-bap") {
      lines = {r.pick(std::vector<std::string>{"k:X.....x...x.....", "k:X..x......x..x.."}), "p:....X.......X...",
               "h:x.x.x.x.x.x.x.x."};
    } else {
      lines = {kick_line, clap ? "p:....X.......X..." : "s:....X.......X...", "h:x.x.x.x.x.x.x.x."};
    }
    if (bar % 8 == 0) lines.push_back("c:X...............");
    kit.groove(s, lines, bar, 4);
    if (bar % 4 == 3 && r.chance(0.4)) kit.fill(s, bar);
  }
  s.use(Part::Drums, level(r, -14, 0.1));

  // Bass: 8ths on the root, or held sub notes under a hip-hop beat.
  if (s.plan.borrowed == "hiphop") {
    const AdditiveSound sub = presets::sub_bass(r);
    for (const auto& span : s.harmony()) {
      additive_note(s.track(Part::Bass), s.at(span.beat), midi_to_hz(place(span.chord.root, 28)),
                    s.span(span.beat, span.beats * 0.9), 0.9, sub);
    }
  } else {
    const SawSound b = presets::synth_bass(r);
    const std::string pattern =
        r.pick(std::vector<std::string>{"x.x.x.x.x.x.x.x.", "x..x..x.x..x..x.", "x.......x.x....."});
    for (int bar = 0; bar < s.bars; ++bar) {
      s.steps(pattern, bar, 4, [&](double beat, double vel) {
        saw_note(s.track(Part::Bass), s.when(beat, 0.003), midi_to_hz(place(s.chord_at(beat + 0.01).root, 33)),
                 s.span(beat, 0.45), vel, b, r);
      });
    }
  }
  s.use(Part::Bass, level(r, -16, 0.03));

  const SawSound p = presets::pad(r);
  for (const auto& span : s.harmony()) {
    for (int m : voice_chord(span.chord, 55 + r.uniform_int(0, 4), 4)) {
      saw_note(s.track(Part::Pad), s.at(span.beat), midi_to_hz(m), s.span(span.beat, span.beats), 0.5, p, r);
    }
  }
  s.use(Part::Pad, level(r, -25, 0.3));

  if (r.chance(0.7)) {
    const AdditiveSound pn = presets::piano(r);
    comp(s, r.pick(std::vector<std::string>{"x...x...x...x...", "x..x..x.x..x..x.", "x.......x......."}), 4, 0.9, 60, 3,
         0.005, [&](double t, double d, const std::vector<int>& notes, double vel) {
           for (int m : notes) additive_note(s.track(Part::Keys), t, midi_to_hz(m), d, 0.5 * vel, pn);
         });
    s.use(Part::Keys, level(r, -21, 0.2));
  }
  if (r.chance(0.6)) {  // plucked 8th arpeggio up high
    const PluckSound g = presets::acoustic_guitar(r);
    for (int bar = 0; bar < s.bars; ++bar) {
      int step = 0;
      s.steps("x.x.x.x.x.x.x.x.", bar, 4, [&](double beat, double vel) {
        const std::vector<int> tones = voice_chord(s.chord_at(beat + 0.01), 67, 4);
        const int m = tones[static_cast<std::size_t>(step++ % 4)];
        pluck(s.track(Part::Guitar), s.when(beat, 0.004), midi_to_hz(m), s.span(beat, 0.5), 0.6 * vel, g, r);
      });
    }
    s.use(Part::Guitar, level(r, -25, 0.2));
    s.mix(Part::Guitar).echo = 0.2;
  }

  const AdditiveSound v = presets::voice(r);
  const std::vector<Note> tune =
      write_melody(s, 0, s.bars, 4, r.chance(0.5) ? major_pentatonic() : scale_of(s.key), tonic + 19, tonic + 33, 1.2);
  play_notes(s, tune, 0.01, [&](double t, double d, int m, double vel) {
    additive_note(s.track(Part::Lead), t, midi_to_hz(m), d, vel, v);
  });
  s.use(Part::Lead, level(r, -17, 0.25));
  s.mix(Part::Lead).echo = r.uniform(0.05, 0.2);

  s.master.room = r.uniform(0.4, 0.7);
  s.master.hiss_db = r.uniform(-62, -48);
  s.master.echo_beats = 0.75;
  s.master.echo_feedback = r.uniform(0.25, 0.4);
}

}  // namespace jaams::synth
