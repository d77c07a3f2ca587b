#include "jaams/audit/fingerprint.hpp"

#include <cmath>

#include "jaams/audio/decoder.hpp"
#include "jaams/audio/resampler.hpp"
#include "jaams/features/feature_extractor.hpp"

namespace jaams::audit {

namespace {

constexpr int kBands = 33;  // 32 band differences -> 32 bits

features::FeatureConfig fingerprint_features() {
  features::FeatureConfig c;
  c.sample_rate = kFingerprintRate;
  c.n_fft = 1024;
  c.hop_length = kFingerprintHop;
  c.n_mels = kBands;
  c.fmin = 300.0;
  c.fmax = 3000.0;
  c.top_db = 100.0;  // only near-silence is clipped, so gain changes move no bits
  c.estimate_tuning = false;
  return c;
}

}  // namespace

Fingerprint fingerprint_samples(const std::vector<float>& samples) {
  Fingerprint fp;
  fp.seconds = static_cast<double>(samples.size()) / kFingerprintRate;
  if (samples.empty()) return fp;
  // One extractor per thread: it keeps scratch buffers.
  thread_local features::FeatureExtractor extractor(fingerprint_features());
  const features::Matrix mel = extractor.compute(samples.data(), samples.size(), {features::FeatureKind::mel}).mel_db;
  fp.words.reserve(static_cast<std::size_t>(mel.cols));
  for (int t = 1; t < mel.cols; ++t) {
    std::uint32_t word = 0;
    for (int b = 0; b + 1 < kBands; ++b) {
      const float now = mel.at(b, t) - mel.at(b + 1, t);
      const float before = mel.at(b, t - 1) - mel.at(b + 1, t - 1);
      if (now - before > 0.0f) word |= 1u << b;
    }
    fp.words.push_back(word);
  }
  return fp;
}

Fingerprint fingerprint_file(const std::filesystem::path& path) {
  audio::Decoder decoder(path);
  const int rate = decoder.info().sample_rate;
  std::vector<float> samples;
  std::vector<float> block(1 << 16);
  for (std::size_t n; (n = decoder.read_mono(block.data(), block.size())) > 0;)
    samples.insert(samples.end(), block.begin(), block.begin() + static_cast<std::ptrdiff_t>(n));
  if (rate != kFingerprintRate) samples = audio::resample(samples, rate, kFingerprintRate);
  return fingerprint_samples(samples);
}

}  // namespace jaams::audit
