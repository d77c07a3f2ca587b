// Metal: low-tuned minor / phrygian power-chord riffs, palm-muted 16th chugs on two heavily
// distorted guitars, double kick on the 16ths (or blast and thrash beats), crash accents. Some
// clips lean to rock: a plain backbeat and less drive.
#include "jaams/synth/styles.hpp"

namespace jaams::synth {

void plan_metal(Rng& r, ClipPlan& p) {
  p.key.tonic = random_tonic(r, 35, 40);  // B1..E2: down-tuned and standard low strings
  const double u = r.uniform();
  p.key.scale = u < 0.4 ? Scale::Phrygian : u < 0.8 ? Scale::Minor : Scale::HarmonicMinor;
  const double g = r.uniform();
  p.groove = g < 0.5 ? "double-kick" : g < 0.65 ? "blast" : g < 0.8 ? "thrash" : "backbeat";
  if (p.groove == "backbeat") p.borrowed = "rock";
}

void arrange_metal(Song& s) {
  Rng& r = s.rng;
  const int tonic = s.key.tonic;
  const std::string romans = r.pick(std::vector<std::string>{"i5-bII5", "i5-bVI5-bVII5-i5", "i5-i5-bVI5-bVII5",
                                                             "i5-bIII5-bII5-i5", "i5-iv5-bVI5-v5"});
  s.set_harmony(progression(romans, tonic), r.chance(0.6) ? 4 : 8);

  DrumKit kit = make_kit(s, "metal");
  for (int bar = 0; bar < s.bars; ++bar) {
    std::vector<std::string> lines;
    if (s.plan.groove == "double-kick") {
      // Accented beats and a ride bell on the quarters keep the pulse audible over the 16ths.
      lines = {"k:XOOOXOOOXOOOXOOO", "s:....X.......X...", "r:X...X...X...X..."};
    } else if (s.plan.groove == "blast") {
      lines = {"k:X.x.X.x.X.x.X.x.", "s:x.x.x.x.x.x.x.x.", "r:X...X...X...X..."};
    } else if (s.plan.groove == "thrash") {  // "skank" beat: kick and open hat on the beats, snare off-beat
      lines = {"k:X...X...X...X...", "s:..O...O...O...O.", "o:X...X...X...X..."};
    } else {
      lines = {"k:X.......X.x.....", "s:....X.......X...", "h:x.x.x.x.x.x.x.x."};
    }
    if (bar % 2 == 0) lines.push_back("c:X...............");
    kit.groove(s, lines, bar, 4);
    if (bar % 4 == 3 && r.chance(0.5)) kit.fill(s, bar);
  }
  s.use(Part::Drums, level(r, -13, 0.08, 1.5));

  // Riff: palm-muted chugs on the low root, open power chords where the accent falls.
  // Straight chugs, the gallop (8th + two 16ths), and figures accented on the beat.
  const std::string riff = r.pick(std::vector<std::string>{"X.xxx.xxX.xxx.xx", "Xxxxxxxxxxxxxxxx", "X.xxX.xxX.xxX.xx",
                                                           "X..xX..xX..xX..x", "X.x.x.xxX.x.x.xx"});
  const PluckSound mute = presets::muted_guitar(r);
  PluckSound open = presets::electric_guitar(r);
  for (int take = 0; take < 2; ++take) {  // two guitars, played separately: thickness from tiny differences
    const double offset = take == 0 ? 0.0 : r.uniform(0.004, 0.012);
    for (int bar = 0; bar < s.bars; ++bar) {
      s.steps(riff, bar, 4, [&](double beat, double vel) {
        const int root = place(s.chord_at(beat + 0.01).root, tonic);
        const double t = s.when(beat, 0.002) + offset;
        if (vel >= 1.0) {
          strum(s.track(Part::Guitar), t, to_hz(power_chord(root)), s.span(beat, 0.9), 0.9, 0.004, false, open, r);
        } else {
          strum(s.track(Part::Guitar), t, to_hz({root, root + 7}), s.span(beat, 0.2), 0.8, 0.002, false, mute, r);
        }
      });
    }
  }
  PartMix gtr = level(r, -13, 0.08, 1.5);
  const bool rock = s.plan.borrowed == "rock";
  gtr.drive = rock ? r.uniform(5, 10) : r.uniform(12, 30);
  gtr.hard_clip = !rock && r.chance(0.5) ? r.uniform(0.7, 0.9) : 0.0;
  gtr.highpass_hz = r.uniform(70, 120);
  gtr.lowpass_hz = r.uniform(4000, 6000);
  s.use(Part::Guitar, gtr);

  // Bass doubles the riff's accents (and the beats) an octave down.
  const PluckSound b = presets::bass_guitar(r);
  std::string bass_line = riff;
  for (std::size_t i = 0; i < bass_line.size(); ++i) {
    if (bass_line[i] != 'X') bass_line[i] = i % 4 == 0 ? 'x' : '.';
  }
  for (int bar = 0; bar < s.bars; ++bar) {
    s.steps(bass_line, bar, 4, [&](double beat, double vel) {
      const int root = place(s.chord_at(beat + 0.01).root, tonic - 12);
      pluck(s.track(Part::Bass), s.when(beat, 0.002), midi_to_hz(root), s.span(beat, 0.45), vel, b, r);
    });
  }
  PartMix bass = level(r, -18, 0.02);
  bass.drive = r.uniform(2, 4);
  bass.lowpass_hz = 2500;
  s.use(Part::Bass, bass);

  if (r.chance(0.35)) {  // a fast lead over the riff
    const SawSound ld = presets::lead(r);
    const std::vector<Note> run = write_melody(s, 0, s.bars, 4, scale_of(s.key), tonic + 24, tonic + 43, 2.5);
    play_notes(s, run, 0.003, [&](double t, double d, int m, double vel) {
      saw_note(s.track(Part::Lead), t, midi_to_hz(m), d, vel, ld, r);
    });
    PartMix lead = level(r, -18, 0.15);
    lead.drive = r.uniform(4, 10);
    lead.lowpass_hz = 5000;
    s.use(Part::Lead, lead);
  }

  s.master.room = r.uniform(0.25, 0.5);
  s.master.hiss_db = r.uniform(-60, -45);
}

}  // namespace jaams::synth
