// A program using the installed jaams library.
//   mel_consumer           mel spectrogram of a 440 Hz tone: prints its shape and the mel band
//                          holding the most energy, which must be the one containing 440 Hz
//   mel_consumer NAME...   where jaams finds each shipped data file NAME (one line each)
#include <cmath>
#include <cstdio>
#include <vector>

#include "jaams/features/feature_extractor.hpp"
#include "jaams/util/data_files.hpp"
#include "jaams/version.hpp"

int main(int argc, char** argv) {
  if (argc > 1) {
    for (int i = 1; i < argc; ++i) std::printf("%s\n", jaams::find_data_file(argv[i]).c_str());
    return 0;
  }
  jaams::features::FeatureConfig config;
  const int n = config.sample_rate;  // one second
  std::vector<float> tone(n);
  for (int i = 0; i < n; ++i) tone[i] = 0.5f * static_cast<float>(std::sin(2.0 * M_PI * 440.0 * i / config.sample_rate));
  jaams::features::FeatureExtractor extractor(config);
  const auto features = extractor.compute(tone.data(), tone.size(), {jaams::features::FeatureKind::mel});
  const auto& mel = features.mel_db;
  const int middle = mel.cols / 2;
  int loudest = 0;
  for (int r = 1; r < mel.rows; ++r) {
    if (mel.at(r, middle) > mel.at(loudest, middle)) loudest = r;
  }
  // Slaney's mel scale is linear below 1 kHz (200/3 Hz per mel); band k is centred on mel
  // (k + 1) * top / (n_mels + 1).
  const double top = 15.0 + 27.0 * std::log(config.effective_fmax() / 1000.0) / std::log(6.4);
  const int expected = static_cast<int>(std::lround(440.0 / (200.0 / 3.0) / (top / (config.n_mels + 1)))) - 1;
  std::printf("jaams %s mel %dx%d loudest band %d (440 Hz: band %d)\n", jaams::kVersion, mel.rows, mel.cols, loudest,
              expected);
  const bool shape_ok = mel.rows == config.n_mels && mel.cols == 1 + n / config.hop_length;
  return shape_ok && std::abs(loudest - expected) <= 1 ? 0 : 1;
}
