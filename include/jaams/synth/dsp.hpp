#pragma once
// Signal-processing building blocks of the synthesizer: a track to add notes into, envelopes,
// oscillators, filters, saturation, echo and reverb. Audio is mono float at the track's sample
// rate; times are in seconds.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace jaams::synth {

inline double db_to_gain(double db) { return std::pow(10.0, db / 20.0); }
inline double midi_to_hz(double midi) { return 440.0 * std::pow(2.0, (midi - 69.0) / 12.0); }

namespace detail {
inline constexpr int kSineBits = 12;
inline constexpr int kSineSize = 1 << kSineBits;
// One period plus two guard points (a phase that rounds up to exactly 1.0 stays in bounds).
const float* sine_table();
inline const float* const kSine = sine_table();
}  // namespace detail

// sin(2*pi*phase), phase in cycles (any real value), from a table: oscillators call it millions
// of times per clip and std::sin would dominate the run time. Error below 1e-6.
inline float sin_cycles(double phase) {
  double frac = phase - static_cast<double>(static_cast<long long>(phase));
  if (frac < 0) frac += 1.0;
  const double pos = frac * detail::kSineSize;
  const int i = static_cast<int>(pos);
  const float f = static_cast<float>(pos - i);
  const float* t = detail::kSine;
  return t[i] + f * (t[i + 1] - t[i]);
}

// sin(2*pi*phase) for a phase already wrapped into [0, 1): the oscillators' fast path.
inline float sin_unit(float phase) {
  const float pos = phase * static_cast<float>(detail::kSineSize);
  const int i = static_cast<int>(pos);
  const float f = pos - static_cast<float>(i);
  const float* t = detail::kSine;
  return t[i] + f * (t[i + 1] - t[i]);
}

// Rational approximation of tanh, exact +-1 beyond |x| = 3: smooth saturation that costs a few
// multiplications and gives the same result everywhere (std::tanh may differ between libms).
inline float soft_clip(float x) {
  if (x >= 3.0f) return 1.0f;
  if (x <= -3.0f) return -1.0f;
  const float x2 = x * x;
  return x * (27.0f + x2) / (27.0f + 9.0f * x2);
}

// White noise in [-1, 1) from xorshift64*: a few operations per sample, where drawing from the
// clip's Rng per sample would dominate a drum hit's cost. Seed it from the clip's Rng.
class Noise {
 public:
  explicit Noise(std::uint64_t seed) : s_(seed | 1) {}
  float next() {
    s_ ^= s_ >> 12;
    s_ ^= s_ << 25;
    s_ ^= s_ >> 27;
    const std::uint64_t r = s_ * 0x2545F4914F6CDD1DULL;
    return static_cast<float>(r >> 40) * (2.0f / 16777216.0f) - 1.0f;  // 24 bits: exact in float
  }

 private:
  std::uint64_t s_;
};

// A mono signal notes are added into. Samples before 0 or past the end are dropped, so a note
// may start before the clip or ring past it.
struct Track {
  std::vector<float> x;
  int sr = 22050;
  Track() = default;
  Track(std::size_t n, int sample_rate) : x(n, 0.0f), sr(sample_rate) {}
  long long index(double seconds) const { return std::llround(seconds * sr); }
  bool empty_signal() const;
};

// Attack-decay-sustain-release with linear segments; `held` is how long the key is down.
struct Adsr {
  double attack = 0.005;
  double decay = 0.1;
  double sustain = 0.8;
  double release = 0.1;
  double at(double t, double held) const;
  double length(double held) const { return held + release; }
};

// One-pole low-pass (high-pass = input minus low-pass): cheap tone shaping.
class OnePole {
 public:
  OnePole() = default;
  OnePole(double cutoff_hz, int sr) { set(cutoff_hz, sr); }
  void set(double cutoff_hz, int sr);
  float lowpass(float x) {
    z_ += a_ * (x - z_);
    return z_;
  }
  float highpass(float x) { return x - lowpass(x); }

 private:
  float a_ = 1.0f;
  float z_ = 0.0f;
};

// RBJ-cookbook biquad, direct form I.
class Biquad {
 public:
  static Biquad lowpass(double hz, double q, int sr);
  static Biquad highpass(double hz, double q, int sr);
  static Biquad bandpass(double hz, double q, int sr);
  static Biquad peaking(double hz, double q, double gain_db, int sr);
  float process(float x) {
    const float y = b0_ * x + b1_ * x1_ + b2_ * x2_ - a1_ * y1_ - a2_ * y2_;
    x2_ = x1_;
    x1_ = x;
    y2_ = y1_;
    y1_ = y;
    return y;
  }
  void process(std::vector<float>& x) {
    for (float& v : x) v = process(v);
  }

 private:
  static Biquad from(double b0, double b1, double b2, double a0, double a1, double a2);
  float b0_ = 1, b1_ = 0, b2_ = 0, a1_ = 0, a2_ = 0;
  float x1_ = 0, x2_ = 0, y1_ = 0, y2_ = 0;
};

// Band-limited sawtooth (polyBLEP) in [-1, 1]; phase in cycles within [0, 1), dt the phase
// increment per sample.
inline float saw_blep(double t, double dt) {
  double v = 2.0 * t - 1.0;
  if (t < dt) {
    const double u = t / dt;
    v -= u + u - u * u - 1.0;
  } else if (t > 1.0 - dt) {
    const double u = (t - 1.0) / dt;
    v -= u * u + u + u + 1.0;
  }
  return static_cast<float>(v);
}

// Overdrive: scales `x` to peak 1, then y = soft_clip(drive * x). drive 2-4 is crunch, 10-30 is
// metal. hard in (0, 1) then boosts by 1.5 and clips at +-hard (a harsher, fizzier edge).
void saturate(std::vector<float>& x, double drive, double hard = 0.0);

// Schroeder/Freeverb-style mono reverb: 8 damped comb filters in parallel, 4 all-passes in series.
// room in [0, 1] sets the decay time, damping in [0, 1] darkens the tail. Returns the wet signal.
std::vector<float> reverb(const std::vector<float>& in, int sr, double room, double damping, double predelay_s);

// Feedback delay ("dub echo"): each repeat `feedback` times quieter and darker. Returns the wet signal.
std::vector<float> echo(const std::vector<float>& in, int sr, double delay_s, double feedback, double lowpass_hz);

double peak(const std::vector<float>& x);
// RMS over the blocks that are not silent, so a part that plays only now and then is judged by
// how loud it is when it plays.
double active_rms(const std::vector<float>& x);

// Scales x so its largest magnitude is `dbfs` decibels below full scale (no-op on silence).
void normalize_peak(std::vector<float>& x, double dbfs);

}  // namespace jaams::synth
