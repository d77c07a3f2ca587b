#pragma once
// Decoding with libsndfile, streamed in blocks so memory does not grow with file length.
// Every format the installed libsndfile reads works: WAV, AU (GTZAN's original), AIFF, FLAC,
// OGG/Vorbis, Opus and MP3 (libsndfile >= 1.1). Channels are averaged to mono.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace jaams::audio {

// The sample rates a file may declare; others are refused as corrupt headers.
inline constexpr int kMinSampleRate = 1000;
inline constexpr int kMaxSampleRate = 768000;

struct AudioInfo {
  int sample_rate = 0;  // of the file, before resampling
  int channels = 0;
  std::int64_t frames = 0;  // per channel, as the file header says (may be approximate for MP3)
  std::string format;       // e.g. "WAV", "FLAC", "MPEG"
  double duration_seconds() const { return sample_rate > 0 ? double(frames) / sample_rate : 0.0; }
};

class Decoder {
 public:
  // Opens `path`. Throws jaams::Error "<path>: cannot decode: <libsndfile's reason>" for files
  // that do not exist, are folders, are unreadable, empty, or not audio. Anything that is not a
  // regular file (folder, FIFO, device, dangling link) is refused before libsndfile sees it, so
  // opening never blocks.
  explicit Decoder(const std::filesystem::path& path);
  ~Decoder();
  Decoder(Decoder&&) noexcept;
  Decoder& operator=(Decoder&&) noexcept;

  const AudioInfo& info() const;
  // Reads up to `max_frames` frames, averages their channels, writes them to `out`; returns the
  // number written, 0 at the end of the file. Throws jaams::Error on a read error mid-file.
  std::size_t read_mono(float* out, std::size_t max_frames);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace jaams::audio
