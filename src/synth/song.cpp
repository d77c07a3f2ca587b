#include "jaams/synth/song.hpp"

#include <algorithm>
#include <cmath>

namespace jaams::synth {

TimeMap::TimeMap(double bpm) : seconds_per_beat_(60.0 / bpm) {}

TimeMap::TimeMap(double bpm, double beats, double depth, double period_beats, double phase, double ritard,
                 double phrase_beats)
    : seconds_per_beat_(60.0 / bpm) {
  const int n = static_cast<int>(std::ceil(beats * kResolution)) + 1;
  table_.resize(static_cast<std::size_t>(n));
  table_[0] = 0;
  const double db = 1.0 / kResolution;
  for (int i = 1; i < n; ++i) {
    const double b = (i - 0.5) * db;  // midpoint rule
    double tempo = 1.0 + depth * std::sin(2 * M_PI * b / period_beats + phase);
    // Slow down over the last quarter of each phrase (smoothstep), back in tempo at the next one.
    const double pos = std::fmod(b, phrase_beats) / phrase_beats;
    if (pos > 0.75) {
      const double u = (pos - 0.75) / 0.25;
      tempo *= 1.0 - ritard * u * u * (3 - 2 * u);
    }
    table_[i] = table_[i - 1] + db * seconds_per_beat_ / std::max(tempo, 0.2);
  }
}

double TimeMap::seconds(double beat) const {
  if (table_.empty()) return beat * seconds_per_beat_;
  const double pos = beat * kResolution;
  if (pos <= 0) return beat * seconds_per_beat_;
  const std::size_t i = static_cast<std::size_t>(pos);
  if (i + 1 >= table_.size())
    return table_.back() + (pos - double(table_.size() - 1)) / kResolution * seconds_per_beat_;
  const double f = pos - double(i);
  return table_[i] + f * (table_[i + 1] - table_[i]);
}

Song::Song(const ClipPlan& p, double seconds, int sample_rate)
    : plan(p), sr(sample_rate), rng(p.detail_seed), key(p.key), time(p.bpm) {
  // Start somewhere inside a bar, with time before the clip so reverb tails and held notes are
  // already sounding at its first sample (a GTZAN clip is cut from the middle of a song).
  const double bar_seconds = kBeatsPerBar * 60.0 / p.bpm;
  pre_roll = 2.0 + rng.uniform(0.0, bar_seconds);
  total = pre_roll + seconds;
  bars = static_cast<int>(std::ceil(total / bar_seconds)) + 1;
  const std::size_t n = static_cast<std::size_t>(std::ceil(total * sr)) + 1;
  master.low_db = rng.uniform(-5.0, 5.0);
  master.high_db = rng.uniform(-6.0, 4.0);
  tracks_.assign(kPartCount, Track(n, sr));
  mixes_.assign(kPartCount, PartMix{});
  used_.assign(kPartCount, false);
}

void Song::use(Part p, const PartMix& m) {
  mixes_[static_cast<int>(p)] = m;
  used_[static_cast<int>(p)] = true;
}

void Song::set_rubato(double depth, double period_beats, double ritard, double phrase_beats) {
  // Enough beats for the slowest tempo the curve can reach.
  const double slowest = std::max(0.2, (1.0 - depth) * (1.0 - ritard));
  const double beats = total * plan.bpm / 60.0 + 8.0;
  time = TimeMap(plan.bpm, beats / slowest, depth, period_beats, rng.uniform(0, 2 * M_PI), ritard, phrase_beats);
  bars = 1;
  while (at(bars * kBeatsPerBar) < total) ++bars;
  ++bars;
}

double Song::when(double beat, double jitter_s) { return at(beat) + (jitter_s > 0 ? rng.normal(0, jitter_s) : 0.0); }

void Song::set_harmony(const std::vector<Chord>& chords, double beats_each) {
  harmony_.clear();
  if (chords.empty()) return;
  const double end = double(bars + 1) * kBeatsPerBar;
  std::size_t i = 0;
  for (double b = 0; b < end; b += beats_each) harmony_.push_back({b, beats_each, chords[i++ % chords.size()]});
}

const Chord& Song::chord_at(double beat) const {
  static const Chord none{48, {0, 4, 7}};
  if (harmony_.empty()) return none;
  const double b = std::max(0.0, beat);
  // Spans are equal and contiguous from beat 0.
  const std::size_t i = std::min(harmony_.size() - 1, static_cast<std::size_t>(b / harmony_.front().beats));
  return harmony_[i].chord;
}

void DrumKit::hit(Song& song, char instrument, double beat, double vel) {
  Track& tr = song.track(Part::Drums);
  const double t = song.when(beat, jitter);
  Rng& rng = song.rng;
  switch (instrument) {
    case 'k':
      kick(tr, t, vel, kick_sound, rng);
      break;
    case 's':
      snare(tr, t, vel, snare_sound, rng);
      break;
    case 'h':
      hat(tr, t, 0.5 * vel, closed, hat_sound, rng);
      break;
    case 'o':
      hat(tr, t, 0.55 * vel, open, hat_sound, rng);
      break;
    case 'c':
      hat(tr, t, 0.8 * vel, crash, HatSound{3500, 0.45}, rng);
      break;
    case 'r':
      hat(tr, t, 0.4 * vel, ride, HatSound{5000, 0.6}, rng);
      break;
    case 'm':
      rim(tr, t, 0.8 * vel, rim_hz, rng);
      break;
    case 'p':
      clap(tr, t, vel, rng);
      break;
    case 'b':
      brush(tr, t, 0.7 * vel, 0.07, rng);
      break;
    case 'z':
      shaker(tr, t, 0.5 * vel, rng);
      break;
    case 't':
    case 'l': {
      const double f = instrument == 't' ? tom_low * 1.6 : tom_low;
      kick(tr, t, 0.8 * vel, KickSound{f * 1.5, f, 0.03, 0.18, 0.15}, rng);
      break;
    }
    default:
      break;
  }
}

void DrumKit::groove(Song& song, const std::vector<std::string>& lines, int bar, int steps_per_beat) {
  for (const auto& line : lines) {
    if (line.size() < 3 || line[1] != ':') continue;
    const char instrument = line[0];
    song.steps(line.substr(2), bar, steps_per_beat,
               [&](double beat, double vel) { hit(song, instrument, beat, vel * (0.9 + 0.1 * song.rng.uniform())); });
  }
}

void DrumKit::fill(Song& song, int bar) {
  const double start = (bar + 1) * Song::kBeatsPerBar - 1.0;
  const bool toms = song.rng.chance(0.5);
  for (int s = 0; s < 4; ++s) {
    const double vel = 0.55 + 0.12 * s;
    const char inst = toms ? (s < 2 ? 't' : 'l') : 's';
    hit(song, inst, start + 0.25 * s, vel);
  }
}

DrumKit make_kit(Song& song, const std::string& style) {
  Rng& r = song.rng;
  DrumKit kit;
  kit.kick_sound = {r.uniform(120, 170), r.uniform(45, 60), r.uniform(0.03, 0.05), r.uniform(0.22, 0.38),
                    r.uniform(0.15, 0.35)};
  kit.snare_sound = {r.uniform(170, 230),  r.uniform(0.04, 0.08), r.uniform(0.12, 0.22),
                     r.uniform(0.7, 0.95), r.uniform(900, 1800),  r.uniform(6000, 9500)};
  kit.hat_sound = {r.uniform(6000, 8500), r.uniform(0.2, 0.5)};
  kit.closed = r.uniform(0.03, 0.055);
  kit.open = r.uniform(0.2, 0.35);
  kit.crash = r.uniform(0.4, 0.7);  // time constants: the tails ring 2-3.5 s
  kit.ride = r.uniform(0.25, 0.45);
  kit.rim_hz = r.uniform(420, 700);
  kit.tom_low = r.uniform(80, 120);
  kit.jitter = r.uniform(0.003, 0.007);
  if (style == "metal") {
    kit.kick_sound.decay = r.uniform(0.1, 0.16);
    kit.kick_sound.click = r.uniform(0.7, 1.0);
    kit.snare_sound.noise_decay = r.uniform(0.12, 0.18);
    kit.jitter = r.uniform(0.001, 0.003);
  } else if (style == "hiphop") {
    kit.kick_sound = {r.uniform(80, 120), r.uniform(40, 55), r.uniform(0.05, 0.08), r.uniform(0.45, 0.9),
                      r.uniform(0.05, 0.2)};
    kit.snare_sound.noise_decay = r.uniform(0.16, 0.26);
    kit.snare_sound.lp_hz = r.uniform(4500, 7000);
    kit.jitter = r.uniform(0.004, 0.01);
  } else if (style == "disco") {
    kit.kick_sound.decay = r.uniform(0.18, 0.28);
    kit.hat_sound.hp_hz = r.uniform(7500, 9000);
    kit.jitter = r.uniform(0.002, 0.005);
  } else if (style == "reggae") {
    kit.kick_sound.decay = r.uniform(0.3, 0.45);
    kit.kick_sound.click = r.uniform(0.05, 0.15);
    kit.jitter = r.uniform(0.004, 0.009);
  } else if (style == "country" || style == "blues") {
    kit.kick_sound.decay = r.uniform(0.18, 0.28);
    kit.kick_sound.click = r.uniform(0.1, 0.2);
    kit.snare_sound.noise_level = r.uniform(0.5, 0.75);
    kit.jitter = r.uniform(0.005, 0.01);
  }
  return kit;
}

const std::vector<int>& minor_pentatonic() {
  static const std::vector<int> s{0, 3, 5, 7, 10};
  return s;
}
const std::vector<int>& major_pentatonic() {
  static const std::vector<int> s{0, 2, 4, 7, 9};
  return s;
}
const std::vector<int>& blues_scale() {
  static const std::vector<int> s{0, 3, 5, 6, 7, 10};
  return s;
}
std::vector<int> scale_of(const Key& key) {
  const auto& steps = scale_steps(key.scale);
  return {steps.begin(), steps.end()};
}

namespace {

struct Motif {
  std::vector<double> onsets;  // beats within the bar
  std::vector<double> lengths;
  std::vector<int> moves;  // scale steps from the previous note
};

Motif make_motif(Rng& rng, double density) {
  Motif m;
  const double p = std::clamp(density / 2.0, 0.1, 0.95);  // chance per 8th slot
  for (int slot = 0; slot < 8; ++slot) {
    if (slot == 0 ? rng.chance(0.8) : rng.chance(p)) m.onsets.push_back(0.5 * slot);
  }
  if (m.onsets.empty()) m.onsets.push_back(0.0);
  if (density > 1.5) {  // busy lines: split some 8ths into 16ths
    std::vector<double> more;
    for (double o : m.onsets) {
      more.push_back(o);
      if (rng.chance(0.3)) more.push_back(o + 0.25);
    }
    m.onsets = more;
  }
  for (std::size_t i = 0; i < m.onsets.size(); ++i) {
    const double next = i + 1 < m.onsets.size() ? m.onsets[i + 1] : 4.0;
    m.lengths.push_back((next - m.onsets[i]) * rng.uniform(0.6, 0.95));
    const int step = rng.uniform_int(-2, 2);
    m.moves.push_back(step == 0 && rng.chance(0.5) ? 1 : step);
  }
  return m;
}

int pc_of(int midi) { return ((midi % 12) + 12) % 12; }

}  // namespace

std::vector<Note> write_melody(Song& song, int first_bar, int bars, int phrase_bars, const std::vector<int>& scale,
                               int lo, int hi, double density) {
  Rng& rng = song.rng;
  std::vector<int> pool;  // scale notes in range
  for (int n = lo; n <= hi; ++n) {
    if (std::find(scale.begin(), scale.end(), pc_of(n - song.key.tonic)) != scale.end()) pool.push_back(n);
  }
  std::vector<Note> out;
  if (pool.size() < 3) return out;
  auto nearest_chord_tone = [&](int idx, const Chord& c) {
    std::vector<int> pcs;
    for (int n : c.notes()) pcs.push_back(pc_of(n));
    for (int d = 0; d < static_cast<int>(pool.size()); ++d) {
      for (int cand : {idx - d, idx + d}) {
        if (cand >= 0 && cand < static_cast<int>(pool.size()) &&
            std::find(pcs.begin(), pcs.end(), pc_of(pool[cand])) != pcs.end()) {
          return cand;
        }
      }
    }
    return idx;
  };

  const Motif a = make_motif(rng, density);
  const Motif b = make_motif(rng, density);
  Motif a2 = a;
  for (std::size_t i = a2.moves.size() / 2; i < a2.moves.size(); ++i) a2.moves[i] = rng.uniform_int(-2, 2);
  const Motif* form[] = {&a, &a2, &b, &a};
  int idx = static_cast<int>(pool.size()) / 2;

  for (int bar = first_bar; bar < first_bar + bars; ++bar) {
    const int in_phrase = (bar - first_bar) % phrase_bars;
    const Motif& m = *form[(bar - first_bar) % 4];
    const double bar_beat = double(bar) * Song::kBeatsPerBar;
    if (in_phrase == phrase_bars - 1) {
      // Phrase end: a held chord tone, the cadence a listener hears as a breath.
      const Chord& c = song.chord_at(bar_beat);
      idx = nearest_chord_tone(idx, c);
      out.push_back({bar_beat, rng.uniform(2.0, 3.5), pool[idx], rng.uniform(0.6, 0.8)});
      continue;
    }
    for (std::size_t i = 0; i < m.onsets.size(); ++i) {
      idx = std::clamp(idx + m.moves[i], 0, static_cast<int>(pool.size()) - 1);
      // Swing as in steps(): off-beat 8ths and 16ths move towards the triplet.
      const double pos = m.onsets[i];
      const double swing = std::fmod(pos, 1.0) == 0.5    ? song.plan.swing / 2
                           : std::fmod(pos, 0.5) == 0.25 ? song.plan.swing / 4
                                                         : 0.0;
      const double beat = bar_beat + pos + swing;
      const bool strong = std::fmod(m.onsets[i], 2.0) == 0.0;
      if (strong) idx = nearest_chord_tone(idx, song.chord_at(beat));
      // Drift back to the middle of the range so the line does not stick to an edge.
      if (idx <= 1 && rng.chance(0.5)) idx += 2;
      if (idx >= static_cast<int>(pool.size()) - 2 && rng.chance(0.5)) idx -= 2;
      out.push_back({beat, m.lengths[i], pool[idx], (strong ? 0.85 : 0.7) * rng.uniform(0.85, 1.0)});
    }
  }
  return out;
}

}  // namespace jaams::synth
