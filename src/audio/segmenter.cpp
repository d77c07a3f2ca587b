#include "jaams/audio/segmenter.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "jaams/audio/resampler.hpp"
#include "jaams/util/error.hpp"

namespace jaams::audio {

namespace {

// Decoded frames per step. Large enough that libsndfile and soxr run efficiently, small next to
// a 10-s segment at any common rate.
constexpr std::size_t kBlockFrames = 1 << 16;

std::string num(double v) {
  std::string s = std::to_string(v);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

std::size_t to_samples(double seconds, int sample_rate, const char* field) {
  const double n = std::round(seconds * sample_rate);
  if (!(n >= 1.0)) {
    throw Error(std::string("segment config: ") + field + " = " + num(seconds) + " s is less than one sample at " +
                std::to_string(sample_rate) + " Hz");
  }
  return static_cast<std::size_t>(n);
}

}  // namespace

const char* to_string(RemainderPolicy policy) {
  switch (policy) {
    case RemainderPolicy::drop:
      return "drop";
    case RemainderPolicy::pad:
      return "pad";
    case RemainderPolicy::end:
      return "end";
  }
  return "?";
}

RemainderPolicy parse_remainder_policy(const std::string& name) {
  for (auto p : {RemainderPolicy::drop, RemainderPolicy::pad, RemainderPolicy::end}) {
    if (name == to_string(p)) return p;
  }
  throw Error("unknown remainder policy '" + name + "' (expected pad, drop or end)");
}

void validate(const SegmentConfig& config) {
  auto require = [](bool ok, const char* field, double value, const char* expected) {
    if (!ok) throw Error(std::string("segment config: ") + field + " = " + num(value) + ", expected " + expected);
  };
  require(std::isfinite(config.seconds) && config.seconds > 0.0, "seconds", config.seconds,
          "a positive number of seconds");
  // A tiny hop multiplies the segments of every file (0.0001 s: 100,000 per 10 s of audio).
  require(std::isfinite(config.hop_seconds) && config.hop_seconds >= kMinHopSeconds, "hop_seconds", config.hop_seconds,
          "at least 0.1 seconds");
  require(std::isfinite(config.pad_min_fraction) && config.pad_min_fraction > 0.0 && config.pad_min_fraction <= 1.0,
          "pad_min_fraction", config.pad_min_fraction, "a fraction in (0, 1]");
  if (config.remainder != RemainderPolicy::drop && config.remainder != RemainderPolicy::pad &&
      config.remainder != RemainderPolicy::end) {
    throw Error("segment config: remainder has an unknown value, expected drop, pad or end");
  }
}

std::vector<SegmentSpan> plan_segments(std::size_t total_samples, int sample_rate, const SegmentConfig& config) {
  validate(config);
  if (sample_rate <= 0) throw Error("segment config: sample rate must be positive, got " + std::to_string(sample_rate));
  const std::size_t length = to_samples(config.seconds, sample_rate, "seconds");
  const std::size_t hop = to_samples(config.hop_seconds, sample_rate, "hop_seconds");

  std::vector<SegmentSpan> spans;
  std::size_t start = 0;
  for (; start + length <= total_samples; start += hop) spans.push_back({start, length});
  if (start >= total_samples || config.remainder == RemainderPolicy::drop) return spans;
  const std::size_t available = total_samples - start;
  if (config.remainder == RemainderPolicy::end && !spans.empty()) {
    // The uncovered audio ends the clip: a full segment ending there covers it.
    const std::size_t covered = spans.back().start + length;
    const std::size_t uncovered = total_samples > covered ? total_samples - covered : 0;
    if (double(uncovered) >= (1.0 - config.pad_min_fraction) * double(length) && uncovered > 0) {
      spans.push_back({total_samples - length, length});
    }
    return spans;
  }
  // Only the first partial segment is the remainder: later ones would be shorter copies of it.
  if (double(available) >= config.pad_min_fraction * double(length)) spans.push_back({start, available});
  return spans;
}

struct SegmentStream::Impl {
  Decoder decoder;
  Resampler resampler;
  int sample_rate;
  SegmentConfig config;
  std::size_t length;
  std::size_t hop;

  std::vector<float> block;      // decoded mono frames, kBlockFrames
  std::vector<float> buffer;     // resampled samples from buffer_start on
  std::size_t buffer_start = 0;  // absolute index of buffer[0]
  std::size_t next_start = 0;    // absolute start of the next segment
  std::size_t peak_scanned = 0;  // buffer entries already folded into peak
  int emitted = 0;
  float peak = 0.0f;
  bool at_end = false;
  std::vector<SegmentSpan> tail;  // the plan's segments still due once the file has ended
  std::size_t tail_pos = 0;

  Impl(const std::filesystem::path& path, int rate, const SegmentConfig& cfg)
      : decoder(path),
        resampler(decoder.info().sample_rate, check_rate(rate)),
        sample_rate(rate),
        config(cfg),
        length(0),
        hop(0) {
    length = to_samples(config.seconds, rate, "seconds");
    hop = to_samples(config.hop_seconds, rate, "hop_seconds");
    block.resize(kBlockFrames);
  }

  static int check_rate(int rate) {
    if (rate <= 0) throw Error("segment stream: sample rate must be positive, got " + std::to_string(rate));
    return rate;
  }

  std::size_t end() const { return buffer_start + buffer.size(); }

  // Drops samples no future segment needs (with hop > seconds, also the gaps between segments).
  // The `end` policy may still need the last segment's worth of audio for a segment aligned to
  // the end of the clip, so it keeps that much.
  void discard_before_next() {
    std::size_t keep_from = next_start;
    if (config.remainder == RemainderPolicy::end) keep_from = std::min(keep_from, end() > length ? end() - length : 0);
    const std::size_t drop = std::min(keep_from > buffer_start ? keep_from - buffer_start : 0, buffer.size());
    if (drop == 0) return;
    buffer.erase(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(drop));
    buffer_start += drop;
    peak_scanned -= std::min(peak_scanned, drop);
  }

  void update_peak() {
    for (std::size_t i = peak_scanned; i < buffer.size(); ++i) peak = std::max(peak, std::abs(buffer[i]));
    peak_scanned = buffer.size();
  }

  // Decodes and resamples one more block; at the end of the file flushes soxr and plans the tail.
  void refill() {
    const std::size_t got = decoder.read_mono(block.data(), block.size());
    if (got > 0) {
      resampler.process(block.data(), got, buffer);
    } else {
      resampler.flush(buffer);
      at_end = true;
    }
    update_peak();
    discard_before_next();
    if (at_end) {
      // Every segment emitted so far is a full one at a hop position, the plan's first entries
      // for any final length; the rest of the plan is the tail.
      const auto plan = plan_segments(end(), sample_rate, config);
      for (std::size_t i = static_cast<std::size_t>(emitted); i < plan.size(); ++i) tail.push_back(plan[i]);
    }
  }

  void emit(std::size_t start, std::size_t available, Segment& out) {
    out.index = emitted++;
    out.start_seconds = double(start) / sample_rate;
    out.valid_samples = available;
    out.samples.assign(length, 0.0f);
    const auto first = buffer.begin() + static_cast<std::ptrdiff_t>(start - buffer_start);
    std::copy(first, first + static_cast<std::ptrdiff_t>(available), out.samples.begin());
    next_start = start + hop;
    discard_before_next();
  }

  bool next(Segment& out) {
    while (!at_end) {
      // A full segment is in every plan whatever the final length, so it can go out at once.
      if (end() >= next_start + length) {
        emit(next_start, length, out);
        return true;
      }
      refill();
    }
    // The file has ended: what is left follows plan_segments for the total length exactly.
    if (tail_pos < tail.size()) {
      const SegmentSpan s = tail[tail_pos++];
      emit(s.start, s.available, out);
      return true;
    }
    return false;
  }
};

namespace {
// A bad config is reported before the file is touched, so its message is not masked by a file error.
template <typename Impl>
std::unique_ptr<Impl> open_stream(const std::filesystem::path& path, int sample_rate, const SegmentConfig& config) {
  validate(config);
  return std::make_unique<Impl>(path, sample_rate, config);
}
}  // namespace

SegmentStream::SegmentStream(const std::filesystem::path& path, int sample_rate, const SegmentConfig& config)
    : impl_(open_stream<Impl>(path, sample_rate, config)) {}

SegmentStream::~SegmentStream() = default;
SegmentStream::SegmentStream(SegmentStream&&) noexcept = default;
SegmentStream& SegmentStream::operator=(SegmentStream&&) noexcept = default;

const AudioInfo& SegmentStream::info() const { return impl_->decoder.info(); }
bool SegmentStream::next(Segment& out) { return impl_->next(out); }
std::size_t SegmentStream::samples_read() const { return impl_->end(); }
float SegmentStream::peak() const { return impl_->peak; }
std::size_t SegmentStream::buffered_samples() const { return impl_->buffer.size(); }

std::vector<float> load_mono(const std::filesystem::path& path, int sample_rate, AudioInfo* info) {
  if (sample_rate <= 0)
    throw Error(path.string() + ": target sample rate must be positive, got " + std::to_string(sample_rate));
  Decoder decoder(path);
  if (info != nullptr) *info = decoder.info();
  Resampler resampler(decoder.info().sample_rate, sample_rate);
  std::vector<float> out;
  if (decoder.info().frames > 0) {
    out.reserve(
        static_cast<std::size_t>(std::ceil(double(decoder.info().frames) * sample_rate / decoder.info().sample_rate)) +
        16);
  }
  std::vector<float> block(kBlockFrames);
  while (const std::size_t got = decoder.read_mono(block.data(), block.size())) {
    resampler.process(block.data(), got, out);
  }
  resampler.flush(out);
  return out;
}

}  // namespace jaams::audio
