#pragma once
// Cutting a clip into fixed-length segments (the report: 30 s -> {0-10}, {10-20}, {20-30}).
//
// Segments start every `hop_seconds`; each is exactly `seconds` long in samples
// (round(seconds * sample_rate)). A trailing part shorter than a segment is the remainder:
//   - drop: discarded;
//   - pad:  kept and zero-padded when it is at least `pad_min_fraction` of a segment, else dropped.
//   - end:  covered by one more full segment aligned to the end of the clip (it overlaps the one
//           before), so no audio is left out: a 17-s clip gives 0-10 s and 7-17 s. A remainder
//           shorter than (1 - pad_min_fraction) of a segment (0.5 s by default) is left out, as it
//           would only repeat the last segment.
// A clip shorter than one segment is all remainder: pad and end zero-pad it when it is at least
// `pad_min_fraction` of a segment; drop drops it.
// Default: end with 0.95, so every second of a clip is scored at eval and predict: a 17-s clip
// gives 0-10 s and 7-17 s (pad would drop its last 7 s), GTZAN's 30.01-s clips give 3 segments
// (0.01 s left out), its slightly short 29.9-s clips still give 3 (the last one padded by 0.1 s),
// and 9-s clips give none. Packages keep the policy they were trained with.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "jaams/audio/decoder.hpp"

namespace jaams::audio {

enum class RemainderPolicy { drop, pad, end };

const char* to_string(RemainderPolicy policy);
// "drop" | "pad" | "end"; throws jaams::Error listing them otherwise.
RemainderPolicy parse_remainder_policy(const std::string& name);

struct SegmentConfig {
  double seconds = 10.0;
  double hop_seconds = 10.0;
  RemainderPolicy remainder = RemainderPolicy::end;
  double pad_min_fraction = 0.95;  // in (0, 1]
};

// The smallest hop accepted: 100 segments per 10 s of audio already.
inline constexpr double kMinHopSeconds = 0.1;

// Throws jaams::Error naming the offending field when a value is out of range (hop_seconds below
// kMinHopSeconds included).
void validate(const SegmentConfig& config);

struct SegmentSpan {
  std::size_t start = 0;      // first sample
  std::size_t available = 0;  // samples taken from the clip; the rest of the segment is zeros
};

// The segments of a clip of `total_samples` samples, in order.
std::vector<SegmentSpan> plan_segments(std::size_t total_samples, int sample_rate, const SegmentConfig& config);

struct Segment {
  int index = 0;  // 0, 1, 2, ... in time order
  double start_seconds = 0.0;
  std::size_t valid_samples = 0;  // samples from the clip; samples beyond are zero padding
  std::vector<float> samples;     // exactly segment length, mono, at the target rate
};

// Decodes, mixes to mono, resamples and cuts a file into segments, one at a time, holding no
// more than about two segments of audio in memory: a one-hour file costs what a 30-s one does.
// Yields exactly the segments plan_segments gives for the resampled length.
class SegmentStream {
 public:
  SegmentStream(const std::filesystem::path& path, int sample_rate, const SegmentConfig& config);
  ~SegmentStream();
  SegmentStream(SegmentStream&&) noexcept;
  SegmentStream& operator=(SegmentStream&&) noexcept;

  const AudioInfo& info() const;  // of the source file
  // Fills `out` with the next segment; false when there are no more. Throws jaams::Error on a
  // decode error mid-file.
  bool next(Segment& out);
  // Resampled samples read so far (the whole clip once next() has returned false).
  std::size_t samples_read() const;
  // Largest absolute sample value read so far (tells silent files apart).
  float peak() const;
  // Resampled samples held right now (at most about one segment plus one decoded block, whatever
  // the file's length); exposed so that tests can check the bound.
  std::size_t buffered_samples() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Whole file -> mono samples at `sample_rate` (decode + mix + resample). For short clips and tests.
std::vector<float> load_mono(const std::filesystem::path& path, int sample_rate, AudioInfo* info = nullptr);

}  // namespace jaams::audio
