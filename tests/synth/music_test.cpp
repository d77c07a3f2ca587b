// Listening to the clips: each drum genre's measured tempo matches its rules, and classical
// clips have no drum hits. The measurements are written here from first principles (radix-2 FFT,
// onset strength as spectral flux of mel-band log energies, autocorrelation tempo, broadband
// bursts above 5 kHz), independent of the code that makes the audio.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdint>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include "jaams/synth/composer.hpp"
#include "jaams/synth/genre_rules.hpp"

namespace {

constexpr int kFrame = 1024;
constexpr int kHop = 256;

void fft(std::vector<std::complex<double>>& a) {
  const std::size_t n = a.size();
  for (std::size_t i = 1, j = 0; i < n; ++i) {
    std::size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  for (std::size_t len = 2; len <= n; len <<= 1) {
    const double ang = -2 * M_PI / double(len);
    const std::complex<double> wl(std::cos(ang), std::sin(ang));
    for (std::size_t i = 0; i < n; i += len) {
      std::complex<double> w(1);
      for (std::size_t k = 0; k < len / 2; ++k) {
        const auto u = a[i + k], v = a[i + k + len / 2] * w;
        a[i + k] = u + v;
        a[i + k + len / 2] = u - v;
        w *= wl;
      }
    }
  }
}

std::vector<std::vector<double>> power_spectrogram(const std::vector<float>& x) {
  std::vector<double> window(kFrame);
  for (int i = 0; i < kFrame; ++i) window[i] = 0.5 - 0.5 * std::cos(2 * M_PI * i / kFrame);
  std::vector<std::vector<double>> frames;
  std::vector<std::complex<double>> buf(kFrame);
  for (std::size_t start = 0; start + kFrame <= x.size(); start += kHop) {
    for (int i = 0; i < kFrame; ++i) buf[i] = x[start + i] * window[i];
    fft(buf);
    std::vector<double> p(kFrame / 2 + 1);
    for (int k = 0; k <= kFrame / 2; ++k) p[k] = std::norm(buf[k]);
    frames.push_back(std::move(p));
  }
  return frames;
}

double frame_rate(int sample_rate) { return double(sample_rate) / kHop; }

// Onset strength as librosa computes it in spirit: spectral flux of log energies in mel-spaced
// bands (so a kick's few low bins weigh as much as a hat's hundreds of high ones).
std::vector<double> onset_strength(const std::vector<std::vector<double>>& spec, int sample_rate) {
  constexpr int kBands = 40;
  auto mel = [](double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); };
  const double top = mel(sample_rate / 2.0), bottom = mel(30.0);
  std::vector<int> band_of(kFrame / 2 + 1, -1);
  for (int k = 1; k <= kFrame / 2; ++k) {
    const double m = mel(double(k) * sample_rate / kFrame);
    if (m >= bottom) band_of[k] = std::min(kBands - 1, static_cast<int>((m - bottom) / (top - bottom) * kBands));
  }
  std::vector<double> env(spec.size(), 0.0), prev(kBands, -80.0), now(kBands);
  for (std::size_t t = 0; t < spec.size(); ++t) {
    std::fill(now.begin(), now.end(), 0.0);
    for (int k = 1; k <= kFrame / 2; ++k) {
      if (band_of[k] >= 0) now[band_of[k]] += spec[t][k];
    }
    double flux = 0;
    for (int b = 0; b < kBands; ++b) {
      now[b] = std::max(-80.0, 10 * std::log10(now[b] + 1e-10));
      if (t > 0) flux += std::max(0.0, now[b] - prev[b]);
    }
    prev = now;
    env[t] = flux;
  }
  // Remove the slowly varying part so the autocorrelation sees the pulses, not the loudness.
  std::vector<double> out(env.size());
  const int half = 20;
  for (std::size_t t = 0; t < env.size(); ++t) {
    const std::size_t a = t >= half ? t - half : 0, b = std::min(env.size(), t + half + 1);
    const double mean = std::accumulate(env.begin() + a, env.begin() + b, 0.0) / double(b - a);
    out[t] = std::max(0.0, env[t] - mean);
  }
  // Onsets are a frame or two wide and a beat is rarely a whole number of frames: smoothing
  // lets pulses a fraction of a frame apart still correlate.
  std::vector<double> smooth(out.size(), 0.0);
  static constexpr double kKernel[] = {1, 2, 3, 2, 1};
  for (std::size_t t = 0; t < out.size(); ++t) {
    for (int j = -2; j <= 2; ++j) {
      const long long u = static_cast<long long>(t) + j;
      if (u >= 0 && u < static_cast<long long>(out.size())) smooth[t] += kKernel[j + 2] / 9.0 * out[u];
    }
  }
  return smooth;
}

double estimate_tempo(const std::vector<float>& x, int sample_rate) {
  const std::vector<double> env = onset_strength(power_spectrogram(x), sample_rate);
  const double fps = frame_rate(sample_rate);
  const int min_lag = static_cast<int>(std::floor(fps * 60.0 / 220.0));
  const int max_lag = static_cast<int>(std::ceil(fps * 60.0 / 40.0));
  auto autocorr = [&](int lag) {
    if (lag >= static_cast<int>(env.size()) / 2) return 0.0;
    double acc = 0;
    for (std::size_t t = static_cast<std::size_t>(lag); t < env.size(); ++t) acc += env[t] * env[t - lag];
    return acc / double(env.size() - lag);
  };
  std::vector<double> score(max_lag + 2, 0.0);
  for (int lag = min_lag; lag <= max_lag + 1; ++lag) {
    // A beat period repeats again two beats later (backbeat, half bar); a dotted figure (a kick
    // 1.5 beats after the last) mostly does not, so the second term favours the pulse.
    const double acc = autocorr(lag) + 0.5 * autocorr(2 * lag);
    // A broad log-normal preference around 120 BPM, as in librosa's beat tracker, breaks ties
    // between a tempo and its octaves.
    const double bpm = 60.0 * fps / lag;
    const double z = std::log2(bpm / 120.0);
    score[lag] = acc * std::exp(-0.5 * z * z);
  }
  int best = min_lag;
  for (int lag = min_lag; lag <= max_lag; ++lag) {
    if (score[lag] > score[best]) best = lag;
  }
  // Parabolic interpolation around the peak for sub-frame precision.
  double lag = best;
  if (best > min_lag && best < max_lag) {
    const double a = score[best - 1], b = score[best], c = score[best + 1];
    const double denom = a - 2 * b + c;
    if (denom < 0) lag = best + 0.5 * (a - c) / denom;
  }
  return 60.0 * fps / lag;
}

// Broadband bursts per second: frames where the energy rises by more than
// 3 dB at once in at least 5 of the 6 one-kHz bands from 5 to 11 kHz. A hat, snare or cymbal
// hit does that; a bowed or blown note (a few partials, a slow attack) and steady hiss do not.
double high_band_bursts_per_second(const std::vector<float>& x, int sample_rate) {
  constexpr int kBands = 6;
  const auto spec = power_spectrogram(x);
  std::vector<std::vector<double>> db;
  for (const auto& frame : spec) {
    std::vector<double> bands(kBands);
    for (int b = 0; b < kBands; ++b) {
      const int lo = (5000 + 1000 * b) * kFrame / sample_rate, hi = (6000 + 1000 * b) * kFrame / sample_rate;
      double e = 0;
      for (int k = lo; k < hi && k < static_cast<int>(frame.size()); ++k) e += frame[k];
      bands[b] = 10 * std::log10(e + 1e-12);
    }
    db.push_back(bands);
  }
  int bursts = 0;
  for (std::size_t t = 1; t < db.size(); ++t) {
    int rising = 0;
    for (int b = 0; b < kBands; ++b) rising += db[t][b] - db[t - 1][b] > 3.0 ? 1 : 0;
    bursts += rising >= 5 ? 1 : 0;
  }
  return bursts / (double(x.size()) / sample_rate);
}

}  // namespace

namespace jaams::synth {
namespace {

constexpr int kRate = 22050;
constexpr double kSeconds = 8.0;
constexpr int kClipsPerGenre = 3;
constexpr std::uint64_t kSeed = 7;

// Both tests listen to the same clips; render each once.
const std::vector<float>& clip(const std::string& genre, int index) {
  static std::map<std::pair<std::string, int>, std::vector<float>> cache;
  auto& x = cache[{genre, index}];
  if (x.empty()) x = compose(genre, index, kSeed, kSeconds, kRate);
  return x;
}

// Tempo estimates from onsets are often off by an octave (a listener may tap the half or
// double tempo too), so the measured tempo, its double or its half may match.
bool octave_in_range(double measured, double lo, double hi) {
  for (double f : {1.0, 2.0, 0.5}) {
    const double t = measured * f;
    if (t >= lo * 0.97 && t <= hi * 1.03) return true;
  }
  return false;
}

bool octave_near(double measured, double bpm, double tolerance) {
  for (double f : {1.0, 2.0, 0.5}) {
    if (std::fabs(measured * f - bpm) <= tolerance * bpm) return true;
  }
  return false;
}

TEST(SynthMusic, DrumGenresPlayInTheirTempoRange) {
  // Onset-based tempo estimation has one more known ambiguity besides octaves: a groove of even
  // 8ths (thrash metal's beat) or a swung figure can read as a dotted-quarter pulse (2/3 or 3/2
  // of the tempo). Over hundreds of clips that happens to about 1 in 300, so one clip of the
  // 24 may miss; a wrong tempo would make most of them miss.
  std::vector<std::string> misses;
  int clips = 0;
  for (const auto& genre : genre_names()) {
    const GenreRules rules = rules_for(genre);
    if (!rules.has_drums) continue;
    for (int i = 0; i < kClipsPerGenre; ++i) {
      const ClipPlan plan = plan_clip(genre, i, kSeed);
      EXPECT_GE(plan.bpm, rules.bpm_min) << genre << " " << i;
      EXPECT_LE(plan.bpm, rules.bpm_max) << genre << " " << i;
      const double measured = estimate_tempo(clip(genre, i), kRate);
      ++clips;
      if (!octave_in_range(measured, rules.bpm_min, rules.bpm_max) || !octave_near(measured, plan.bpm, 0.04)) {
        misses.push_back(genre + " clip " + std::to_string(i) + " (" + plan.groove + "): measured " +
                         std::to_string(measured) + " BPM, planned " + std::to_string(plan.bpm) + ", range " +
                         std::to_string(rules.bpm_min) + "-" + std::to_string(rules.bpm_max));
      }
    }
  }
  std::string report;
  for (const auto& m : misses) report += "\n  " + m;
  EXPECT_EQ(clips, 8 * kClipsPerGenre);
  EXPECT_LE(misses.size(), 1u) << "tempo misses:" << report;
}

TEST(SynthMusic, ClassicalHasNoDrumOnsets) {
  double classical_max = 0, drums_min = 1e9;
  for (const auto& genre : genre_names()) {
    for (int i = 0; i < kClipsPerGenre; ++i) {
      const double bursts = high_band_bursts_per_second(clip(genre, i), kRate);
      if (rules_for(genre).has_drums) {
        drums_min = std::min(drums_min, bursts);
      } else {
        classical_max = std::max(classical_max, bursts);
      }
    }
  }
  EXPECT_LT(classical_max, 0.5) << "classical clips have broadband bursts above 5 kHz";
  EXPECT_LT(classical_max, drums_min) << "some clip with drums has no more bursts than a classical one";
}

}  // namespace
}  // namespace jaams::synth
