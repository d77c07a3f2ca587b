#pragma once
// An audio fingerprint made from jaams' own mel features, for finding the same recording twice in
// a dataset. Per frame (23 ms hop at 11025 Hz) one 32-bit word: bit b says whether the energy
// difference between mel bands b and b+1 (33 bands, 300-3000 Hz, in dB) grew since the previous
// frame. Differences of differences in dB ignore gain, and the band range sits below the cut-off
// of lossy encoders, so a louder, quieter or MP3/OGG re-encoded copy keeps most bits.
#include <cstdint>
#include <filesystem>
#include <vector>

namespace jaams::audit {

inline constexpr int kFingerprintRate = 11025;
inline constexpr int kFingerprintHop = 256;
inline constexpr double kFrameSeconds = static_cast<double>(kFingerprintHop) / kFingerprintRate;

struct Fingerprint {
  std::vector<std::uint32_t> words;  // one per frame
  double seconds = 0.0;              // audio decoded
};

// From mono samples at kFingerprintRate.
Fingerprint fingerprint_samples(const std::vector<float>& samples);

// Decodes `path` (any format the decoder reads), resamples and fingerprints it; throws
// jaams::Error naming the file when it cannot be decoded.
Fingerprint fingerprint_file(const std::filesystem::path& path);

}  // namespace jaams::audit
