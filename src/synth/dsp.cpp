#include "jaams/synth/dsp.hpp"

#include <algorithm>
#include <array>

namespace jaams::synth {
namespace detail {
const float* sine_table() {
  static const std::array<float, kSineSize + 2> table = [] {
    std::array<float, kSineSize + 2> t{};
    for (int i = 0; i < kSineSize + 2; ++i) t[i] = static_cast<float>(std::sin(2.0 * M_PI * i / kSineSize));
    return t;
  }();
  return table.data();
}
}  // namespace detail

bool Track::empty_signal() const {
  return std::all_of(x.begin(), x.end(), [](float v) { return v == 0.0f; });
}

double Adsr::at(double t, double held) const {
  if (t < 0) return 0;
  auto level = [this](double u) {
    if (u < attack) return u / attack;
    if (u < attack + decay) return 1.0 - (1.0 - sustain) * (u - attack) / decay;
    return sustain;
  };
  if (t <= held) return level(t);
  const double r = (t - held) / std::max(release, 1e-4);
  return r >= 1.0 ? 0.0 : level(held) * (1.0 - r);
}

void OnePole::set(double cutoff_hz, int sr) {
  const double hz = std::clamp(cutoff_hz, 1.0, 0.49 * sr);
  a_ = static_cast<float>(1.0 - std::exp(-2.0 * M_PI * hz / sr));
}

Biquad Biquad::from(double b0, double b1, double b2, double a0, double a1, double a2) {
  Biquad bq;
  bq.b0_ = static_cast<float>(b0 / a0);
  bq.b1_ = static_cast<float>(b1 / a0);
  bq.b2_ = static_cast<float>(b2 / a0);
  bq.a1_ = static_cast<float>(a1 / a0);
  bq.a2_ = static_cast<float>(a2 / a0);
  return bq;
}

namespace {
struct Angle {
  double alpha, c;
  Angle(double hz, double q, int sr) {
    const double w = 2 * M_PI * std::clamp(hz, 10.0, 0.45 * sr) / sr;
    alpha = std::sin(w) / (2 * q);
    c = std::cos(w);
  }
};
}  // namespace

Biquad Biquad::lowpass(double hz, double q, int sr) {
  const Angle w(hz, q, sr);
  return from((1 - w.c) / 2, 1 - w.c, (1 - w.c) / 2, 1 + w.alpha, -2 * w.c, 1 - w.alpha);
}

Biquad Biquad::highpass(double hz, double q, int sr) {
  const Angle w(hz, q, sr);
  return from((1 + w.c) / 2, -(1 + w.c), (1 + w.c) / 2, 1 + w.alpha, -2 * w.c, 1 - w.alpha);
}

Biquad Biquad::bandpass(double hz, double q, int sr) {
  const Angle w(hz, q, sr);
  return from(w.alpha, 0, -w.alpha, 1 + w.alpha, -2 * w.c, 1 - w.alpha);
}

Biquad Biquad::peaking(double hz, double q, double gain_db, int sr) {
  const double a = std::pow(10.0, gain_db / 40.0);
  const Angle w(hz, q, sr);
  return from(1 + w.alpha * a, -2 * w.c, 1 - w.alpha * a, 1 + w.alpha / a, -2 * w.c, 1 - w.alpha / a);
}

void saturate(std::vector<float>& x, double drive, double hard) {
  const double p = peak(x);
  if (p <= 0) return;
  const float g = static_cast<float>(drive / p);
  const float lim = static_cast<float>(hard);
  for (float& v : x) {
    v = soft_clip(g * v);
    if (hard > 0) v = std::clamp(v * 1.5f, -lim, lim);
  }
}

namespace {
// Comb filter with a one-pole low-pass in its loop (Freeverb's "lowpass-feedback comb").
struct Comb {
  std::vector<float> buf;
  std::size_t pos = 0;
  float store = 0;
  float process(float in, float feedback, float damp) {
    const float out = buf[pos];
    store = out * (1 - damp) + store * damp;
    buf[pos] = in + store * feedback;
    if (++pos == buf.size()) pos = 0;
    return out;
  }
};

struct Allpass {
  std::vector<float> buf;
  std::size_t pos = 0;
  float process(float in) {
    const float b = buf[pos];
    buf[pos] = in + b * 0.5f;
    if (++pos == buf.size()) pos = 0;
    return b - in;
  }
};
}  // namespace

std::vector<float> reverb(const std::vector<float>& in, int sr, double room, double damping, double predelay_s) {
  // Freeverb's tunings at 44.1 kHz, scaled to the clip's rate.
  static constexpr int kCombs[] = {1116, 1188, 1277, 1356, 1422, 1491, 1557, 1617};
  static constexpr int kAllpasses[] = {556, 441, 341, 225};
  const double scale = sr / 44100.0;
  std::vector<Comb> combs;
  for (int c : kCombs) combs.push_back({std::vector<float>(std::max(1L, std::lround(c * scale)), 0.0f)});
  std::vector<Allpass> allpasses;
  for (int a : kAllpasses) allpasses.push_back({std::vector<float>(std::max(1L, std::lround(a * scale)), 0.0f)});
  const float feedback = static_cast<float>(0.7 + 0.28 * std::clamp(room, 0.0, 1.0));
  const float damp = static_cast<float>(0.4 * std::clamp(damping, 0.0, 1.0));
  const std::size_t pre = static_cast<std::size_t>(std::max(0.0, predelay_s) * sr);

  std::vector<float> out(in.size(), 0.0f);
  for (std::size_t i = 0; i < in.size(); ++i) {
    const float x = i >= pre ? in[i - pre] * 0.03f : 0.0f;
    float acc = 0;
    for (auto& c : combs) acc += c.process(x, feedback, damp);
    for (auto& a : allpasses) acc = a.process(acc);
    out[i] = acc;
  }
  return out;
}

std::vector<float> echo(const std::vector<float>& in, int sr, double delay_s, double feedback, double lowpass_hz) {
  const std::size_t d = std::max<std::size_t>(1, static_cast<std::size_t>(delay_s * sr));
  std::vector<float> line(d, 0.0f);
  std::vector<float> out(in.size(), 0.0f);
  OnePole tone(lowpass_hz, sr);
  const float fb = static_cast<float>(feedback);
  std::size_t pos = 0;
  for (std::size_t i = 0; i < in.size(); ++i) {
    const float delayed = line[pos];
    out[i] = delayed;
    line[pos] = tone.lowpass(in[i] + delayed * fb);
    if (++pos == d) pos = 0;
  }
  return out;
}

double peak(const std::vector<float>& x) {
  float p = 0;
  for (float v : x) p = std::max(p, std::fabs(v));
  return p;
}

double active_rms(const std::vector<float>& x) {
  constexpr std::size_t kBlock = 1024;
  std::vector<double> energies;
  double loudest = 0;
  for (std::size_t start = 0; start < x.size(); start += kBlock) {
    const std::size_t end = std::min(x.size(), start + kBlock);
    double e = 0;
    for (std::size_t i = start; i < end; ++i) e += double(x[i]) * x[i];
    e /= double(end - start);
    energies.push_back(e);
    loudest = std::max(loudest, e);
  }
  if (loudest <= 0) return 0;
  double sum = 0;
  std::size_t n = 0;
  for (double e : energies) {
    if (e > loudest * 1e-4) {  // within 40 dB of the loudest block
      sum += e;
      ++n;
    }
  }
  return std::sqrt(sum / double(n));
}

void normalize_peak(std::vector<float>& x, double dbfs) {
  const double p = peak(x);
  if (p <= 0) return;
  const float g = static_cast<float>(db_to_gain(dbfs) / p);
  for (float& v : x) v *= g;
}

}  // namespace jaams::synth
