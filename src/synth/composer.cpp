#include "jaams/synth/composer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "jaams/synth/genre_rules.hpp"
#include "jaams/synth/styles.hpp"
#include "jaams/util/error.hpp"

namespace jaams::synth {
namespace {

struct Style {
  const char* genre;
  PlanFn plan;
  ArrangeFn arrange;
};

const Style& style_for(const std::string& genre) {
  static const Style styles[] = {
      {"blues", plan_blues, arrange_blues},
      {"classical", plan_classical, arrange_classical},
      {"country", plan_country, arrange_country},
      {"disco", plan_disco, arrange_disco},
      {"hiphop", plan_hiphop, arrange_hiphop},
      {"metal", plan_metal, arrange_metal},
      {"pop", plan_pop, arrange_pop},
      {"reggae", plan_reggae, arrange_reggae},
      {"rock", plan_rock, arrange_rock},
  };
  for (const auto& s : styles) {
    if (genre == s.genre) return s;
  }
  rules_for(genre);  // throws the error that lists the known genres
  throw Error("synth: no arranger for genre '" + genre + "'");
}

// Sums the parts through their drive, filters and levels, adds echo, reverb, the recording's
// colour and noise, and returns `length` samples from the end of the pre-roll.
std::vector<float> mixdown(Song& song, std::size_t length) {
  const int sr = song.sr;
  const std::size_t n = song.track(Part::Drums).x.size();
  std::vector<float> dry(n, 0.0f), verb_send(n, 0.0f), echo_send(n, 0.0f);
  bool any_echo = false;
  for (int p = 0; p < kPartCount; ++p) {
    const Part part = static_cast<Part>(p);
    if (!song.used(part)) continue;
    if (getenv("SOLO") && atoi(getenv("SOLO")) != p) continue;
    const PartMix& m = song.mix(part);
    std::vector<float>& x = song.track(part).x;
    if (m.highpass_hz > 0) Biquad::highpass(m.highpass_hz, 0.707, sr).process(x);
    if (m.drive > 0) saturate(x, m.drive, m.hard_clip);
    if (m.lowpass_hz > 0) {
      Biquad::lowpass(m.lowpass_hz, 0.707, sr).process(x);
      if (m.drive > 0) Biquad::lowpass(m.lowpass_hz * 1.2, 0.707, sr).process(x);  // steeper, like a cabinet
    }
    const double rms = active_rms(x);
    if (rms <= 0) continue;
    const float g = static_cast<float>(db_to_gain(m.level_db) / rms);
    const float rv = static_cast<float>(m.reverb), ec = static_cast<float>(m.echo);
    any_echo = any_echo || m.echo > 0;
    for (std::size_t i = 0; i < n; ++i) {
      const float v = x[i] * g;
      dry[i] += v;
      verb_send[i] += v * rv;
      echo_send[i] += v * ec;
    }
    std::vector<float>().swap(x);  // done with this part
  }
  const MasterMix& mm = song.master;
  if (any_echo) {
    const double delay = 60.0 / song.plan.bpm * mm.echo_beats;
    const std::vector<float> wet = echo(echo_send, sr, delay, mm.echo_feedback, 2500);
    for (std::size_t i = 0; i < n; ++i) {
      dry[i] += wet[i];
      verb_send[i] += 0.3f * wet[i];
    }
  }
  {
    std::vector<float> wet = reverb(verb_send, sr, mm.room, mm.damping, mm.predelay);
    // The reverb's gain depends on its decay; scale the tail to the energy that was sent.
    const double w = active_rms(wet), s = active_rms(verb_send);
    const float g = w > 0 ? static_cast<float>(s / w) : 0.0f;
    for (std::size_t i = 0; i < n; ++i) dry[i] += g * wet[i];
  }
  if (mm.highpass_hz > 0) Biquad::highpass(mm.highpass_hz, 0.707, sr).process(dry);
  if (mm.lowpass_hz > 0) Biquad::lowpass(mm.lowpass_hz, 0.707, sr).process(dry);
  if (mm.low_db != 0) Biquad::peaking(120, 0.6, mm.low_db, sr).process(dry);
  if (mm.high_db != 0) Biquad::peaking(6000, 0.6, mm.high_db, sr).process(dry);

  // Noise of the recording, relative to the music's loudness.
  const double rms = std::max(active_rms(dry), 1e-6);
  Rng& rng = song.rng;
  if (getenv("NOHISS")) song.master.hiss_db = -200;
  const float hiss = static_cast<float>(rms * db_to_gain(mm.hiss_db) * std::sqrt(3.0));
  const float hum = static_cast<float>(rms * db_to_gain(mm.hum_db));
  const double click_chance = mm.crackle / sr;
  OnePole hiss_tone(rng.uniform(4000, 10000), sr);
  Noise noise(rng.bits()), crackle_noise(rng.bits());
  float click = 0;
  const float click_decay = static_cast<float>(std::exp(-1.0 / (0.0004 * sr)));
  for (std::size_t i = 0; i < n; ++i) {
    float v = hiss * hiss_tone.lowpass(noise.next());
    if (hum > 0) {
      const double t = double(i) / sr;
      v += hum * (sin_cycles(mm.hum_hz * t) + 0.4f * sin_cycles(3 * mm.hum_hz * t));
    }
    if (click_chance > 0) {
      if ((crackle_noise.next() + 1.0f) * 0.5f < click_chance)
        click = static_cast<float>(rms * rng.uniform(1.0, 4.0) * (rng.chance(0.5) ? 1 : -1));
      v += click;
      click *= click_decay;
    }
    dry[i] += v;
  }

  const std::size_t start = static_cast<std::size_t>(std::llround(song.pre_roll * sr));
  std::vector<float> out(length, 0.0f);
  for (std::size_t i = 0; i < length && start + i < n; ++i) out[i] = dry[start + i];
  normalize_peak(out, -1.0);
  return out;
}

}  // namespace

PartMix level(Rng& r, double db, double reverb, double spread) {
  PartMix m;
  m.level_db = db + r.uniform(-spread, spread);
  m.reverb = reverb * r.uniform(0.7, 1.3);
  return m;
}

std::vector<double> to_hz(const std::vector<int>& midis) {
  std::vector<double> out;
  for (int m : midis) out.push_back(midi_to_hz(m));
  return out;
}

int random_tonic(Rng& r, int lo, int hi) { return r.uniform_int(lo, hi); }

ClipPlan plan_clip(const std::string& genre, int index, std::uint64_t seed) {
  const GenreRules rules = rules_for(genre);
  const Style& style = style_for(genre);
  Rng rng(clip_seed(seed, genre, index));
  ClipPlan p;
  p.genre = genre;
  p.index = index;
  p.bpm = rng.uniform(rules.bpm_min, rules.bpm_max);
  style.plan(rng, p);
  p.bpm = std::clamp(p.bpm, rules.bpm_min, rules.bpm_max);
  p.detail_seed = rng.fork();
  return p;
}

std::vector<float> render_clip(const ClipPlan& plan, double seconds, int sample_rate) {
  if (!(seconds > 0) || seconds > 3600) throw Error("synth: clip length must be in (0, 3600] seconds");
  if (sample_rate < 8000 || sample_rate > 192000) {
    throw Error("synth: sample rate must be in [8000, 192000] Hz (got " + std::to_string(sample_rate) + ")");
  }
  const std::size_t length = static_cast<std::size_t>(std::llround(seconds * sample_rate));
  Song song(plan, seconds, sample_rate);
  style_for(plan.genre).arrange(song);
  return mixdown(song, length);
}

std::vector<float> compose(const std::string& genre, int index, std::uint64_t seed, double seconds, int sample_rate) {
  return render_clip(plan_clip(genre, index, seed), seconds, sample_rate);
}

}  // namespace jaams::synth
