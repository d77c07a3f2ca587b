// Rock: backbeat drums (kick on 1 and 3 with pushes, snare on 2 and 4, 8th hats or ride, crash
// at phrase starts), overdriven power chords, root-8th bass, pentatonic riffs. Some clips borrow
// country's major I-IV-V with strummed, lightly driven guitars; some lean to metal (hard rock:
// minor key, heavy drive, palm-muted 8ths).
#include "jaams/synth/styles.hpp"

namespace jaams::synth {

void plan_rock(Rng& r, ClipPlan& p) {
  p.key.tonic = random_tonic(r, 40, 47);
  const double u = r.uniform();
  p.key.scale = u < 0.6 ? Scale::Major : u < 0.85 ? Scale::Minor : Scale::Mixolydian;
  p.groove = "backbeat";
  const double b = r.uniform();
  if (b < 0.3) {
    p.borrowed = "country";
    p.key.scale = Scale::Major;
    p.bpm = r.uniform(100, 130);
  } else if (b < 0.45) {
    p.borrowed = "metal";
    p.key.scale = Scale::Minor;
  }
}

void arrange_rock(Song& s) {
  Rng& r = s.rng;
  const int tonic = s.key.tonic;
  const bool country = s.plan.borrowed == "country", metal = s.plan.borrowed == "metal";
  std::string romans;
  if (country) {
    romans = r.pick(std::vector<std::string>{"I-IV-V-I", "I-V-IV-I", "I-IV-I-V"});
  } else if (s.key.scale == Scale::Minor) {
    romans = r.pick(std::vector<std::string>{"i5-bVI5-bVII5-i5", "i5-bVII5-bVI5-bVII5", "i5-iv5-bVI5-bVII5"});
  } else {
    romans = r.pick(
        std::vector<std::string>{"I5-IV5-V5-IV5", "I5-bVII5-IV5-I5", "I-V-vi-IV", "vi-IV-I-V", "I5-V5-bVII5-IV5"});
  }
  s.set_harmony(progression(romans, tonic), r.chance(0.7) ? 4 : 8);

  DrumKit kit = make_kit(s, "rock");
  const std::string kick_line = r.pick(
      std::vector<std::string>{"k:X.......X.x.....", "k:X.x.....X.x.....", "k:X......xX.x.....", "k:X.......X......."});
  const bool ride = r.chance(0.3);
  for (int bar = 0; bar < s.bars; ++bar) {
    std::vector<std::string> lines{kick_line, "s:....X.......X...", ride ? "r:x.x.x.x.x.x.x.x." : "h:x.x.x.x.x.x.x.x."};
    if (bar % 4 == 0) lines.push_back("c:X...............");
    kit.groove(s, lines, bar, 4);
    if (bar % 4 == 3 && r.chance(0.5)) kit.fill(s, bar);
  }
  s.use(Part::Drums, level(r, -14, 0.12));

  // Guitars: driven power chords on the 8ths or held with pushes; country-borrowed clips strum.
  const std::string pattern =
      country || metal ? "X.x.x.x.X.x.x.x."
                       : r.pick(std::vector<std::string>{"x.x.x.x.x.x.x.x.", "x.....x.x...x...", "x..x..x.x..x..x."});
  const PluckSound g = presets::electric_guitar(r), muted = presets::muted_guitar(r);
  const int takes = r.chance(0.6) ? 2 : 1;
  for (int take = 0; take < takes; ++take) {
    const double offset = take == 0 ? 0.0 : r.uniform(0.005, 0.015);
    int stroke = 0;
    for (int bar = 0; bar < s.bars; ++bar) {
      s.steps(pattern, bar, 4, [&](double beat, double vel) {
        const Chord& c = s.chord_at(beat + 0.01);
        const double t = s.when(beat, 0.004) + offset;
        const double d = s.span(beat, pattern[1] == '.' && pattern[2] == 'x' ? 0.45 : 0.95);
        if (metal) {
          strum(s.track(Part::Guitar), t, to_hz(power_chord(place(c.root, 40))), vel >= 1.0 ? d : s.span(beat, 0.2),
                vel, 0.004, false, vel >= 1.0 ? g : muted, r);
        } else if (country || c.third() != 7) {
          const bool up = (stroke++ % 2) == 1;
          strum(s.track(Part::Guitar), t, to_hz(voice_chord(c, 52, 5)), d, vel, 0.01, up, g, r);
        } else {
          strum(s.track(Part::Guitar), t, to_hz(power_chord(place(c.root, 40))), d, vel, 0.005, false, g, r);
        }
      });
    }
  }
  PartMix gtr = level(r, -15, 0.12);
  gtr.drive = country ? r.uniform(1.5, 3.0) : metal ? r.uniform(10.0, 20.0) : r.uniform(3.0, 8.0);
  gtr.highpass_hz = 90;
  gtr.lowpass_hz = r.uniform(4000, 6500);
  s.use(Part::Guitar, gtr);

  const PluckSound b = presets::bass_guitar(r);
  for (int bar = 0; bar < s.bars; ++bar) {
    s.steps("x.x.x.x.x.x.x.x.", bar, 4, [&](double beat, double vel) {
      pluck(s.track(Part::Bass), s.when(beat, 0.004), midi_to_hz(place(s.chord_at(beat + 0.01).root, 28)),
            s.span(beat, 0.45), vel, b, r);
    });
  }
  s.use(Part::Bass, level(r, -17, 0.03));

  if (r.chance(0.6)) {  // riff or solo line from the pentatonic
    const auto& scale = s.key.scale == Scale::Minor || r.chance(0.5) ? minor_pentatonic() : major_pentatonic();
    const std::vector<Note> line = write_melody(s, 0, s.bars, 4, scale, tonic + 24, tonic + 40, 1.3);
    const bool saw = r.chance(0.5);
    const SawSound ld = presets::lead(r);
    const PluckSound pl = presets::electric_guitar(r);
    play_notes(s, line, 0.006, [&](double t, double d, int m, double vel) {
      if (saw) {
        saw_note(s.track(Part::Lead), t, midi_to_hz(m), d, vel, ld, r);
      } else {
        pluck(s.track(Part::Lead), t, midi_to_hz(m), d, vel, pl, r);
      }
    });
    PartMix lead = level(r, -19, 0.2);
    lead.drive = country ? 1.5 : r.uniform(3, 6);
    lead.lowpass_hz = 6000;
    s.use(Part::Lead, lead);
  }

  s.master.room = r.uniform(0.3, 0.6);
  s.master.hiss_db = r.uniform(-58, -42);
  s.master.lowpass_hz = r.chance(0.25) ? r.uniform(5000, 8000) : 0;
}

}  // namespace jaams::synth
