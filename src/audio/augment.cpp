#include "jaams/audio/augment.hpp"

#include <algorithm>
#include <cmath>

#include "jaams/audio/resampler.hpp"

namespace jaams::audio {

double signal_power(const std::vector<float>& samples) {
  if (samples.empty()) return 0.0;
  double sum = 0.0;
  for (const float s : samples) sum += double(s) * s;
  return sum / double(samples.size());
}

namespace {

// Paul Kellet's refined pink filter over white noise: within 0.05 dB of 1/f from 9 Hz at 44.1 kHz,
// and close enough at jaams' 22.05 kHz for augmentation (its level is set afterwards anyway).
std::vector<double> pink_noise(std::size_t n, Rng& rng) {
  std::vector<double> out(n);
  double b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double white = rng.normal();
    b0 = 0.99886 * b0 + white * 0.0555179;
    b1 = 0.99332 * b1 + white * 0.0750759;
    b2 = 0.96900 * b2 + white * 0.1538520;
    b3 = 0.86650 * b3 + white * 0.3104856;
    b4 = 0.55000 * b4 + white * 0.5329522;
    b5 = -0.7616 * b5 - white * 0.0168980;
    out[i] = b0 + b1 + b2 + b3 + b4 + b5 + b6 + white * 0.5362;
    b6 = white * 0.115926;
  }
  return out;
}

}  // namespace

void add_noise(std::vector<float>& samples, double snr_db, NoiseColor color, Rng& rng) {
  const double power = signal_power(samples);
  if (!(power > 0.0)) return;
  std::vector<double> noise;
  if (color == NoiseColor::pink) {
    noise = pink_noise(samples.size(), rng);
  } else {
    noise.resize(samples.size());
    for (auto& v : noise) v = rng.normal();
  }
  double noise_power = 0.0;
  for (const double v : noise) noise_power += v * v;
  noise_power /= double(noise.size());
  if (!(noise_power > 0.0)) return;
  // Scaled on the noise actually drawn, not its expected power: the SNR is exact for every segment.
  const double scale = std::sqrt(power / (noise_power * std::pow(10.0, snr_db / 10.0)));
  for (std::size_t i = 0; i < samples.size(); ++i) samples[i] = static_cast<float>(samples[i] + scale * noise[i]);
}

void apply_gain(std::vector<float>& samples, double gain_db) {
  const auto factor = static_cast<float>(std::pow(10.0, gain_db / 20.0));
  for (auto& s : samples) s *= factor;
}

std::vector<float> read_segment(const std::vector<float>& track, std::ptrdiff_t start, std::size_t length, double rate) {
  const auto span = rate == 1.0 ? length : static_cast<std::size_t>(std::llround(double(length) * rate));
  std::vector<float> out(std::max<std::size_t>(span, 1), 0.0f);
  const auto size = static_cast<std::ptrdiff_t>(track.size());
  const std::ptrdiff_t from = std::max<std::ptrdiff_t>(start, 0);
  const std::ptrdiff_t to = std::min<std::ptrdiff_t>(start + static_cast<std::ptrdiff_t>(span), size);
  if (to > from) std::copy(track.begin() + from, track.begin() + to, out.begin() + (from - start));
  if (span == length) return out;
  // Treating the span as if it had been recorded at `span` Hz and converting it to `length` Hz
  // gives exactly `length` samples (Resampler's length rule: ceil(n * out / in)).
  auto resampled = resample(out, double(span), double(length));
  resampled.resize(length, 0.0f);
  return resampled;
}

}  // namespace jaams::audio
