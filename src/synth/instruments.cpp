#include "jaams/synth/instruments.hpp"

#include <algorithm>
#include <cmath>

namespace jaams::synth {
namespace {

// Calls body(k, i) for note sample k whose track sample i lies inside the track. Notes starting
// before the track still run their first samples (oscillator and string state) unseen.
template <class Body>
void render(Track& tr, double t, double seconds, Body&& body) {
  const long long start = tr.index(t);
  const long long len = static_cast<long long>(seconds * tr.sr);
  const long long n = static_cast<long long>(tr.x.size());
  for (long long k = 0; k < len; ++k) {
    const long long i = start + k;
    if (i >= n) break;
    body(k, i);
  }
}

// Per-sample factor of an exponential decay with time constant tau seconds.
float decay_factor(double tau, int sr) { return static_cast<float>(std::exp(-1.0 / (std::max(tau, 1e-4) * sr))); }

// Vibrato and glide as a frequency multiplier at note time tt.
double pitch_bend(double tt, double vib_hz, double vib_semis, double vib_delay, double glide_semis, double glide_time) {
  double semis = 0;
  if (vib_hz > 0 && vib_semis > 0 && tt > vib_delay) {
    const double fade = std::min(1.0, (tt - vib_delay) / 0.3);
    semis += vib_semis * fade * sin_cycles(vib_hz * tt);
  }
  if (glide_semis != 0 && tt < glide_time) semis -= glide_semis * (1.0 - tt / glide_time);
  // 2^(s/12) to second order: vibrato and glides stay within a few semitones.
  const double x = semis * (M_LN2 / 12.0);
  return semis < -1.5 || semis > 1.5 ? std::exp(x) : 1.0 + x + 0.5 * x * x;
}

}  // namespace

void kick(Track& tr, double t, double vel, const KickSound& s, Rng& rng) {
  Noise white(rng.bits());
  const int sr = tr.sr;
  const float body_k = decay_factor(s.decay, sr), sweep_k = decay_factor(s.sweep, sr);
  const float click_k = decay_factor(0.0015, sr);
  float body = static_cast<float>(vel), sweep = 1.0f, click = static_cast<float>(vel * s.click);
  float phase = 0;
  const float f_end = static_cast<float>(s.f_end / sr), f_span = static_cast<float>((s.f_start - s.f_end) / sr);
  OnePole click_tone(3000, sr);
  render(tr, t, 5 * s.decay + 0.01, [&](long long, long long i) {
    phase += f_end + f_span * sweep;
    if (phase >= 1.0f) phase -= 1.0f;
    float y = body * sin_unit(phase);
    if (click > 1e-4f) y += click * click_tone.highpass(white.next());
    if (i >= 0) tr.x[i] += y;
    body *= body_k;
    sweep *= sweep_k;
    click *= click_k;
  });
}

void snare(Track& tr, double t, double vel, const SnareSound& s, Rng& rng) {
  Noise white(rng.bits());
  const int sr = tr.sr;
  const float tone_k = decay_factor(s.tone_decay, sr), noise_k = decay_factor(s.noise_decay, sr);
  float tone = static_cast<float>(vel * 0.6), noise = static_cast<float>(vel * s.noise_level);
  OnePole hp(s.hp_hz, sr), lp(s.lp_hz, sr);
  double phase = 0;
  render(tr, t, 5 * std::max(s.tone_decay, s.noise_decay), [&](long long k, long long i) {
    phase += s.tone_hz * (1.0 + 0.5 * std::exp(-double(k) / (0.01 * sr))) / sr;
    const float y = tone * sin_cycles(phase) + noise * lp.lowpass(hp.highpass(white.next()));
    if (i >= 0) tr.x[i] += y;
    tone *= tone_k;
    noise *= noise_k;
  });
}

void hat(Track& tr, double t, double vel, double decay, const HatSound& s, Rng& rng) {
  Noise white(rng.bits());
  // The TR-808's six square-wave oscillator pitches give the metallic ring.
  static constexpr double kMetal[] = {205.3, 304.4, 369.6, 522.7, 540.0, 800.0};
  const int sr = tr.sr;
  Biquad hp = Biquad::highpass(s.hp_hz, 0.8, sr);
  Biquad hp2 = Biquad::highpass(s.hp_hz * 0.8, 0.7, sr);
  const float k_env = decay_factor(decay, sr);
  float env = static_cast<float>(vel);
  const float metal = static_cast<float>(s.metal / 6.0), noise_level = static_cast<float>(1.0 - s.metal);
  float phases[6] = {0, 0, 0, 0, 0, 0}, steps[6];
  for (int p = 0; p < 6; ++p) steps[p] = static_cast<float>(kMetal[p] * 1.7 / sr);
  render(tr, t, 5 * decay, [&](long long, long long i) {
    float m = 0;
    for (int p = 0; p < 6; ++p) {
      phases[p] += steps[p];
      if (phases[p] >= 1.0f) phases[p] -= 1.0f;
      m += phases[p] < 0.5f ? 1.0f : -1.0f;
    }
    const float y = env * hp2.process(hp.process(noise_level * white.next() + metal * m));
    if (i >= 0) tr.x[i] += y;
    env *= k_env;
  });
}

void rim(Track& tr, double t, double vel, double tone_hz, Rng& rng) {
  Noise white(rng.bits());
  const int sr = tr.sr;
  const float k_tone = decay_factor(0.025, sr), k_click = decay_factor(0.006, sr);
  float tone = static_cast<float>(vel * 0.8), click = static_cast<float>(vel * 0.7);
  Biquad band = Biquad::bandpass(2500, 1.5, sr);
  double phase = 0;
  render(tr, t, 0.15, [&](long long, long long i) {
    phase += tone_hz / sr;
    const float y = tone * sin_cycles(phase) + click * band.process(white.next());
    if (i >= 0) tr.x[i] += y;
    tone *= k_tone;
    click *= k_click;
  });
}

void clap(Track& tr, double t, double vel, Rng& rng) {
  Noise white(rng.bits());
  const int sr = tr.sr;
  Biquad band = Biquad::bandpass(1200, 0.9, sr);
  render(tr, t, 0.35, [&](long long k, long long i) {
    const double tt = double(k) / sr;
    // Three hands a few ms apart, then the room.
    double env = 0;
    for (int h = 0; h < 3; ++h) {
      const double u = tt - 0.011 * h;
      if (u >= 0 && u < 0.03) env = std::max(env, std::exp(-u / 0.004));
    }
    if (tt >= 0.022) env = std::max(env, 0.6 * std::exp(-(tt - 0.022) / 0.07));
    const float y = static_cast<float>(vel * env) * band.process(white.next()) * 2.0f;
    if (i >= 0) tr.x[i] += y;
  });
}

void brush(Track& tr, double t, double vel, double length, Rng& rng) {
  Noise white(rng.bits());
  const int sr = tr.sr;
  OnePole hp(700, sr), lp(5000, sr);
  const double attack = 0.3 * length;
  render(tr, t - attack, length * 2.5, [&](long long k, long long i) {
    const double tt = double(k) / sr;
    const double env = tt < attack ? tt / attack : std::exp(-(tt - attack) / (0.35 * length));
    const float y = static_cast<float>(vel * env) * lp.lowpass(hp.highpass(white.next()));
    if (i >= 0) tr.x[i] += y;
  });
}

void shaker(Track& tr, double t, double vel, Rng& rng) {
  Noise white(rng.bits());
  const int sr = tr.sr;
  Biquad hp = Biquad::highpass(5000, 0.7, sr);
  render(tr, t - 0.01, 0.09, [&](long long k, long long i) {
    const double tt = double(k) / sr;
    const double env = tt < 0.01 ? tt / 0.01 : std::exp(-(tt - 0.01) / 0.025);
    const float y = static_cast<float>(vel * env) * hp.process(white.next());
    if (i >= 0) tr.x[i] += y;
  });
}

void pluck(Track& tr, double t, double freq, double dur, double vel, const PluckSound& s, Rng& rng) {
  Noise white(rng.bits());
  const int sr = tr.sr;
  if (freq <= 0 || freq > 0.4 * sr) return;
  // Loop delay = line length + half a sample (two-point average) + the tuning all-pass.
  const double period = sr / freq;
  const int n = std::max(2, static_cast<int>(std::floor(period - 0.5)));
  const double frac = std::clamp(period - 0.5 - n, 0.05, 0.999);
  const float c = static_cast<float>((1.0 - frac) / (1.0 + frac));
  // Loss inside the loop is kept mild: a strong loss per period makes a step at every wrap of
  // the delay line (a buzz at all harmonics on short, low notes). The rest of the decay, and the
  // damping after `dur`, are a smooth envelope on the output.
  constexpr double kLoopT60 = 2.0;
  const float loop_gain = static_cast<float>(std::pow(10.0, -3.0 / (std::max(s.decay, kLoopT60) * freq)));
  const double env_t60 = s.decay < kLoopT60 ? 1.0 / (1.0 / s.decay - 1.0 / kLoopT60) : 0.0;
  const float env_k = env_t60 > 0 ? static_cast<float>(std::pow(10.0, -3.0 / (env_t60 * sr))) : 1.0f;
  const float release_k = env_k * static_cast<float>(std::pow(10.0, -3.0 / (std::max(s.release, 0.005) * sr)));

  // Excitation: noise, darkened by the brightness, combed by the pick position.
  std::vector<float> line(static_cast<std::size_t>(n));
  // Filtered circularly (the second pass starts with the state the first one ended with), so the
  // loop has no jump where it wraps: a jump would ring at every harmonic, like a saw wave.
  // Fourth order: a gentler slope leaves a dark pluck with a hiss of high partials.
  for (float& v : line) v = white.next();
  const double cutoff = 200.0 + 9000.0 * s.brightness * s.brightness;
  Biquad tone = Biquad::lowpass(cutoff, 0.54, sr), tone2 = Biquad::lowpass(cutoff, 1.31, sr);
  for (int pass = 0; pass < 2; ++pass) {
    for (float& v : line) {
      const float y = tone2.process(tone.process(v));
      if (pass == 1) v = y;
    }
  }
  const int comb = std::clamp(static_cast<int>(s.pick_position * n), 1, n - 1);
  std::vector<float> excited(line);
  for (int k = 0; k < n; ++k) excited[k] = line[k] - line[(k + n - comb) % n];
  double mean = 0;
  for (float v : excited) mean += v;
  mean /= n;
  float maxabs = 1e-6f;
  for (float& v : excited) {
    v -= static_cast<float>(mean);
    maxabs = std::max(maxabs, std::fabs(v));
  }
  const float scale = static_cast<float>(vel) / maxabs;
  for (float& v : excited) v *= scale;
  line.swap(excited);

  const long long held = static_cast<long long>(dur * sr);
  // A short fade-in: the string starts moving at once, but not with a step (a click at all
  // frequencies, which no plucked string makes).
  const long long fade = std::max(1LL, static_cast<long long>(s.attack * sr));
  std::size_t pos = 0;
  float prev = line[n - 1], env = 1.0f, ap_x = 0, ap_y = 0;
  auto step = [&]() {
    const float out = line[pos];
    const float avg = loop_gain * 0.5f * (out + prev);
    prev = out;
    const float ap = c * avg + ap_x - c * ap_y;
    ap_x = avg;
    ap_y = ap;
    line[pos] = ap;
    if (++pos == line.size()) pos = 0;
    return out;
  };
  // Two silent periods settle the filter states, so no start-up glitch is written into the loop
  // (it would circulate as a click every period).
  for (int k = 0; k < 2 * n; ++k) step();
  render(tr, t, dur + std::max(s.release, 0.005) * 1.5, [&](long long k, long long i) {
    const float y = env * step();
    env *= k < held ? env_k : release_k;
    if (i >= 0) tr.x[i] += k < fade ? y * (0.5f - 0.5f * static_cast<float>(std::cos(M_PI * double(k) / fade))) : y;
  });
}

void strum(Track& tr, double t, const std::vector<double>& freqs, double dur, double vel, double spread, bool up,
           const PluckSound& s, Rng& rng) {
  const std::size_t n = freqs.size();
  for (std::size_t j = 0; j < n; ++j) {
    const std::size_t string = up ? n - 1 - j : j;
    const double v = vel * (0.8 + 0.2 * rng.uniform()) / std::sqrt(double(n));
    pluck(tr, t + spread * double(j), freqs[string], dur - spread * double(j), v, s, rng);
  }
}

namespace {

// Envelope and pitch move slowly next to the audio: they are evaluated every kControl samples
// and interpolated linearly in between.
constexpr int kControl = 16;

struct ControlRamp {
  double from = 0, to = 0;
  double at(long long k) const { return from + (to - from) * double(k % kControl) / kControl; }
};

inline double wrap(double phase) { return phase >= 1.0 ? phase - std::floor(phase) : phase; }

}  // namespace

void fm_note(Track& tr, double t, double freq, double dur, double vel, const FmSound& s) {
  const int sr = tr.sr;
  const float k_index = decay_factor(s.index_decay, sr);
  float index_env = 1.0f;
  double pc = 0, pm = 0;
  const double dc = freq / sr, dm = freq * s.ratio / sr;
  ControlRamp env;
  render(tr, t, s.env.length(dur), [&](long long k, long long i) {
    if (k % kControl == 0) {
      env.from = vel * s.env.at(double(k) / sr, dur);
      env.to = vel * s.env.at(double(k + kControl) / sr, dur);
    }
    pc = wrap(pc + dc);
    pm = wrap(pm + dm);
    const double index = s.index_floor + (s.index - s.index_floor) * index_env;
    const float y = static_cast<float>(env.at(k)) * sin_cycles(pc + index * (0.5 / M_PI) * sin_cycles(pm));
    if (i >= 0) tr.x[i] += y;
    index_env *= k_index;
  });
}

void additive_note(Track& tr, double t, double freq, double dur, double vel, const AdditiveSound& s) {
  const int sr = tr.sr;
  struct Partial {
    float step;  // cycles per sample
    float amp;
    float k;
    float phase;
  };
  std::vector<Partial> partials;
  for (std::size_t p = 0; p < s.partials.size(); ++p) {
    const double h = double(p + 1);
    const double f = freq * h * std::sqrt(1.0 + s.inharmonicity * h * h);
    if (s.partials[p] <= 0 || f > 0.45 * sr || (s.max_hz > 0 && f > s.max_hz)) continue;
    const float k = s.decay > 0 ? decay_factor(s.decay / (1.0 + s.decay_tilt * double(p)), sr) : 1.0f;
    partials.push_back({static_cast<float>(f / sr), static_cast<float>(s.partials[p]), k, 0.0f});
  }
  if (partials.empty()) return;
  ControlRamp env, bend;
  auto bend_at = [&](double tt) {
    return pitch_bend(tt, s.vibrato_hz, s.vibrato_semitones, s.vibrato_delay, s.glide_semitones, s.glide_time);
  };
  render(tr, t, s.env.length(dur), [&](long long k, long long i) {
    if (k % kControl == 0) {
      const double t0 = double(k) / sr, t1 = double(k + kControl) / sr;
      env = {vel * s.env.at(t0, dur), vel * s.env.at(t1, dur)};
      bend = {bend_at(t0), bend_at(t1)};
    }
    const float b = static_cast<float>(bend.at(k));
    float y = 0;
    for (auto& p : partials) {
      p.phase += p.step * b;
      if (p.phase >= 1.0f) p.phase -= 1.0f;
      y += p.amp * sin_unit(p.phase);
      p.amp *= p.k;
    }
    if (i >= 0) tr.x[i] += static_cast<float>(env.at(k)) * y;
    // Partials of a decaying (piano-like) note that have died away stop costing time.
    if (s.decay > 0 && (k & 255) == 0) {
      partials.erase(std::remove_if(partials.begin(), partials.end(), [](const Partial& p) { return p.amp < 1e-5f; }),
                     partials.end());
    }
  });
}

void saw_note(Track& tr, double t, double freq, double dur, double vel, const SawSound& s, Rng& rng) {
  const int sr = tr.sr;
  const int voices = std::max(1, s.voices);
  std::vector<double> phases(voices), steps(voices);
  for (int v = 0; v < voices; ++v) {
    phases[v] = rng.uniform();
    const double spread = voices == 1 ? 0.0 : (2.0 * v / (voices - 1) - 1.0);
    steps[v] = freq * std::pow(2.0, spread * s.detune_cents / 1200.0) / sr;
  }
  OnePole lp1, lp2;
  const float k_cut = decay_factor(s.env_decay * kControl, sr);  // applied once per control block
  float cut_env = 1.0f;
  const float norm = 1.0f / std::sqrt(float(voices));
  ControlRamp env, bend;
  auto bend_at = [&](double tt) {
    return pitch_bend(tt, s.vibrato_hz, s.vibrato_semitones, s.vibrato_delay, s.glide_semitones, s.glide_time);
  };
  render(tr, t, s.env.length(dur), [&](long long k, long long i) {
    if (k % kControl == 0) {
      const double t0 = double(k) / sr, t1 = double(k + kControl) / sr;
      env = {vel * s.env.at(t0, dur), vel * s.env.at(t1, dur)};
      bend = {bend_at(t0), bend_at(t1)};
      const double cutoff = s.cutoff_hz * (1.0 + (s.cutoff_attack - 1.0) * cut_env);
      lp1.set(cutoff, sr);
      lp2.set(cutoff, sr);
      cut_env *= k_cut;
    }
    const double b = bend.at(k);
    float y = 0;
    for (int v = 0; v < voices; ++v) {
      const double dt = steps[v] * b;
      phases[v] = wrap(phases[v] + dt);
      y += saw_blep(phases[v], dt);
    }
    y = lp2.lowpass(lp1.lowpass(y * norm));
    if (i >= 0) tr.x[i] += static_cast<float>(env.at(k)) * y;
  });
}

}  // namespace jaams::synth
