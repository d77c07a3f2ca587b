#include "jaams/audio/segmenter.hpp"

#include <gtest/gtest.h>
#include <sndfile.h>

#include <cmath>
#include <string>
#include <vector>

#include "jaams/util/error.hpp"
#include "test_support.hpp"

namespace jaams::audio {
namespace {

using jaams::test::TempDir;
using jaams::test::write_audio;

constexpr int kRate = 22050;

std::size_t samples(double seconds) { return static_cast<std::size_t>(std::llround(seconds * kRate)); }

// The pad policy (the default before end): the tests of padding thresholds use it.
SegmentConfig pad_config() {
  SegmentConfig config;
  config.remainder = RemainderPolicy::pad;
  return config;
}

std::size_t count(double seconds, const SegmentConfig& config = pad_config()) {
  return plan_segments(samples(seconds), kRate, config).size();
}

TEST(PlanSegments, DefaultScoresEverySecondOfAClip) {
  const SegmentConfig defaults;
  EXPECT_EQ(defaults.remainder, RemainderPolicy::end);
  // GTZAN's lengths keep their 3 segments; a short clip's end is covered by one more.
  EXPECT_EQ(count(30.01, defaults), 3u);
  EXPECT_EQ(count(30.0, defaults), 3u);
  EXPECT_EQ(count(10.0, defaults), 1u);
  EXPECT_EQ(count(9.0, defaults), 0u);
  const auto spans = plan_segments(samples(29.9), kRate, defaults);
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(spans[2].start, samples(19.9));
  EXPECT_EQ(spans[2].available, samples(10));
  const auto short_clip = plan_segments(samples(17.0), kRate, defaults);
  ASSERT_EQ(short_clip.size(), 2u);
  EXPECT_EQ(short_clip[1].start + short_clip[1].available, samples(17.0));
}

TEST(PlanSegments, PadOnGtzanLengths) {
  EXPECT_EQ(count(30.01), 3u);  // the 0.01-s tail is dropped
  EXPECT_EQ(count(29.9), 3u);   // the last segment is padded
  EXPECT_EQ(count(30.0), 3u);
  EXPECT_EQ(count(10.0), 1u);
  EXPECT_EQ(count(9.0), 0u);
  EXPECT_EQ(count(0.0), 0u);

  const auto spans = plan_segments(samples(29.9), kRate, pad_config());
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(spans[0].start, 0u);
  EXPECT_EQ(spans[1].start, samples(10));
  EXPECT_EQ(spans[2].start, samples(20));
  EXPECT_EQ(spans[0].available, samples(10));
  EXPECT_EQ(spans[2].available, samples(9.9));
}

TEST(PlanSegments, PadThresholdIsInclusive) {
  const std::size_t seg = samples(10);
  const std::size_t threshold = static_cast<std::size_t>(std::ceil(0.95 * seg));
  EXPECT_EQ(plan_segments(threshold, kRate, pad_config()).size(), 1u);  // a short clip is all remainder
  EXPECT_EQ(plan_segments(threshold - 1, kRate, pad_config()).size(), 0u);
  EXPECT_EQ(plan_segments(seg + threshold, kRate, pad_config()).size(), 2u);
  EXPECT_EQ(plan_segments(seg + threshold - 1, kRate, pad_config()).size(), 1u);
}

TEST(PlanSegments, DropPolicyKeepsOnlyFullSegments) {
  SegmentConfig drop;
  drop.remainder = RemainderPolicy::drop;
  EXPECT_EQ(count(29.9, drop), 2u);
  EXPECT_EQ(count(30.01, drop), 3u);
  EXPECT_EQ(count(9.99, drop), 0u);
}

TEST(PlanSegments, EndPolicyCoversTheWholeClipWithASegmentAlignedToItsEnd) {
  SegmentConfig end;
  end.remainder = RemainderPolicy::end;
  // A 17-s clip: 0-10 s and 7-17 s (pad would give only 0-10 s).
  auto spans = plan_segments(samples(17.0), kRate, end);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[1].start, samples(7.0));
  EXPECT_EQ(spans[1].available, samples(10.0));
  EXPECT_EQ(count(17.0, pad_config()), 1u);
  // 25 s: 0, 10 and 15 s; GTZAN's 30.01 s keeps 3 (0.01 s would only repeat the last segment).
  spans = plan_segments(samples(25.0), kRate, end);
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(spans[2].start, samples(15.0));
  EXPECT_EQ(count(30.01, end), 3u);
  EXPECT_EQ(count(30.6, end), 4u);
  // Shorter than a segment: zero-padded from 95 %, as with pad.
  EXPECT_EQ(count(9.6, end), 1u);
  EXPECT_EQ(count(9.0, end), 0u);
  EXPECT_EQ(parse_remainder_policy("end"), RemainderPolicy::end);
  EXPECT_THROW(parse_remainder_policy("wrap"), Error);
}

TEST(PlanSegments, OverlappingHop) {
  SegmentConfig hop5 = pad_config();
  hop5.hop_seconds = 5.0;
  EXPECT_EQ(count(30.0, hop5), 5u);  // starts 0, 5, 10, 15, 20
  EXPECT_EQ(count(27.0, hop5), 4u);  // the 7-s remainder at 20 s is too short
  EXPECT_EQ(count(29.6, hop5), 5u);  // the 9.6-s remainder at 20 s is padded
  EXPECT_EQ(count(15.0, hop5), 2u);
  EXPECT_EQ(count(9.7, hop5), 1u);
  const auto spans = plan_segments(samples(29.6), kRate, hop5);
  ASSERT_EQ(spans.size(), 5u);
  for (std::size_t i = 0; i < spans.size(); ++i) EXPECT_EQ(spans[i].start, i * samples(5));
  EXPECT_EQ(spans[4].available, samples(9.6));
}

TEST(PlanSegments, HopLongerThanSegmentSkipsAudio) {
  SegmentConfig sparse = pad_config();
  sparse.seconds = 3.0;
  sparse.hop_seconds = 10.0;
  EXPECT_EQ(count(30.0, sparse), 3u);  // 0-3, 10-13, 20-23
  EXPECT_EQ(count(22.9, sparse), 3u);  // 2.9 s at 20 s: >= 95 % of 3 s, padded
  EXPECT_EQ(count(20.5, sparse), 2u);
}

TEST(Validate, AcceptsDefaults) { EXPECT_NO_THROW(validate(SegmentConfig{})); }

void expect_rejected(const SegmentConfig& config, const std::string& field) {
  try {
    validate(config);
    ADD_FAILURE() << field << " was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
  }
  EXPECT_THROW(plan_segments(1000, kRate, config), Error);
}

TEST(Validate, RejectsBadValuesNamingTheField) {
  SegmentConfig c;
  c.seconds = 0.0;
  expect_rejected(c, "seconds");
  c.seconds = -10.0;
  expect_rejected(c, "seconds");
  c.seconds = std::nan("");
  expect_rejected(c, "seconds");
  c = {};
  c.hop_seconds = 0.0;
  expect_rejected(c, "hop_seconds");
  c.hop_seconds = INFINITY;
  expect_rejected(c, "hop_seconds");
  c = {};
  c.pad_min_fraction = 0.0;
  expect_rejected(c, "pad_min_fraction");
  c.pad_min_fraction = 1.5;
  expect_rejected(c, "pad_min_fraction");
}

TEST(Validate, StreamReportsBadConfigBeforeOpeningTheFile) {
  SegmentConfig c;
  c.hop_seconds = -1.0;
  try {
    SegmentStream stream("/nonexistent/clip.wav", kRate, c);
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("hop_seconds"), std::string::npos) << e.what();
  }
}

TEST(PlanSegments, RejectsSegmentsShorterThanOneSample) {
  SegmentConfig tiny;
  tiny.seconds = 1e-6;
  EXPECT_THROW(plan_segments(1000, kRate, tiny), Error);
  EXPECT_THROW(plan_segments(1000, 0, {}), Error);
}

// ---- SegmentStream ------------------------------------------------------------------------

// A signal that differs at every sample, so a misplaced copy shows.
std::vector<float> chirp(std::size_t n, int rate) {
  std::vector<float> y(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double t = double(i) / rate;
    y[i] = static_cast<float>(0.4 * std::sin(2 * M_PI * (200.0 + 30.0 * t) * t) + 0.1 * std::sin(2 * M_PI * 3.0 * t));
  }
  return y;
}

struct StreamCase {
  const char* name;
  int file_rate;
  std::size_t file_frames;
  double seconds;
  double hop_seconds;
  RemainderPolicy remainder;
};

class StreamMatchesPlan : public ::testing::TestWithParam<StreamCase> {};

// The stream yields exactly the segments plan_segments gives for the resampled length, with the
// same samples load_mono gives, zeros beyond the valid part.
TEST_P(StreamMatchesPlan, SpansAndSamples) {
  const StreamCase& c = GetParam();
  TempDir dir;
  const auto path = dir / "clip.wav";
  write_audio(path, chirp(c.file_frames, c.file_rate), c.file_rate, 1, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
  SegmentConfig config;
  config.seconds = c.seconds;
  config.hop_seconds = c.hop_seconds;
  config.remainder = c.remainder;

  const std::vector<float> whole = load_mono(path, kRate);
  EXPECT_EQ(whole.size(), static_cast<std::size_t>(std::ceil(c.file_frames * (double(kRate) / c.file_rate))));
  const auto plan = plan_segments(whole.size(), kRate, config);

  SegmentStream stream(path, kRate, config);
  EXPECT_EQ(stream.info().sample_rate, c.file_rate);
  Segment seg;
  std::size_t i = 0;
  while (stream.next(seg)) {
    ASSERT_LT(i, plan.size()) << "more segments than planned";
    EXPECT_EQ(seg.index, int(i));
    EXPECT_EQ(std::llround(seg.start_seconds * kRate), (long long)plan[i].start);
    EXPECT_EQ(seg.valid_samples, plan[i].available);
    ASSERT_EQ(seg.samples.size(), samples(c.seconds));
    for (std::size_t k = 0; k < seg.samples.size(); ++k) {
      const float expected = k < seg.valid_samples ? whole[plan[i].start + k] : 0.0f;
      ASSERT_EQ(seg.samples[k], expected) << "segment " << i << " sample " << k;
    }
    ++i;
  }
  EXPECT_EQ(i, plan.size());
  EXPECT_EQ(stream.samples_read(), whole.size());
  EXPECT_FALSE(stream.next(seg)) << "stays finished";
}

INSTANTIATE_TEST_SUITE_P(
    Lengths, StreamMatchesPlan,
    ::testing::Values(StreamCase{"exact10s_passthrough", kRate, 220500, 10, 10, RemainderPolicy::pad},
                      StreamCase{"one_short_of_10s", kRate, 220499, 10, 10, RemainderPolicy::pad},
                      StreamCase{"gtzan_30_01s_44k", 44100, 1323441, 10, 10, RemainderPolicy::pad},
                      StreamCase{"gtzan_29_9s_44k", 44100, 1318590, 10, 10, RemainderPolicy::pad},
                      StreamCase{"gtzan_29_9s_drop", 44100, 1318590, 10, 10, RemainderPolicy::drop},
                      StreamCase{"short_9_7s_48k", 48000, 465600, 10, 10, RemainderPolicy::pad},
                      StreamCase{"hop5_29_6s_48k", 48000, 1420800, 10, 5, RemainderPolicy::pad},
                      StreamCase{"hop5_27s_8k", 8000, 216000, 10, 5, RemainderPolicy::pad},
                      StreamCase{"hop1_5_seg4_13s", 44100, 573300, 4, 1.5, RemainderPolicy::pad},
                      StreamCase{"hop7_seg2_sparse", 32000, 640000, 2, 7, RemainderPolicy::pad},
                      StreamCase{"tiny_file", 44100, 100, 10, 10, RemainderPolicy::pad},
                      StreamCase{"header_only", 44100, 0, 10, 10, RemainderPolicy::pad},
                      StreamCase{"end_17s_44k", 44100, 749700, 10, 10, RemainderPolicy::end},
                      StreamCase{"end_hop5_18_3s", kRate, 403515, 10, 5, RemainderPolicy::end},
                      StreamCase{"end_62s_long", 44100, 2734200, 10, 10, RemainderPolicy::end},
                      StreamCase{"end_short_9_7s", 48000, 465600, 10, 10, RemainderPolicy::end}),
    [](const ::testing::TestParamInfo<StreamCase>& info) { return std::string(info.param.name); });

TEST(SegmentStream, PeakTellsSilenceApart) {
  TempDir dir;
  write_audio(dir / "silence.wav", std::vector<float>(samples(10.0), 0.0f), kRate);
  write_audio(dir / "tone.wav", jaams::test::sine(440, 10.0, kRate, 0.25f), kRate);
  Segment seg;
  SegmentStream quiet(dir / "silence.wav", kRate, {});
  ASSERT_TRUE(quiet.next(seg));
  EXPECT_EQ(quiet.peak(), 0.0f);
  SegmentStream loud(dir / "tone.wav", kRate, {});
  ASSERT_TRUE(loud.next(seg));
  EXPECT_NEAR(loud.peak(), 0.25f, 1e-3);
}

// Two minutes of audio at rates below and above the target: the buffer never holds more than a
// segment plus one decoded block (65536 frames) after resampling, however long the file is.
TEST(SegmentStream, BufferDoesNotGrowWithFileLength) {
  TempDir dir;
  for (int rate : {8000, 44100}) {
    const auto path = dir / ("long" + std::to_string(rate) + ".wav");
    write_audio(path, chirp(std::size_t(120) * rate, rate), rate);
    SegmentConfig hop5;
    hop5.hop_seconds = 5.0;
    SegmentStream stream(path, kRate, hop5);
    const std::size_t bound = samples(10) + std::size_t(std::ceil(65536.0 * kRate / rate)) + 4096;
    std::size_t max_buffered = 0;
    std::size_t n = 0;
    Segment seg;
    while (stream.next(seg)) {
      max_buffered = std::max(max_buffered, stream.buffered_samples());
      ++n;
    }
    EXPECT_EQ(n, 23u) << rate;  // starts 0, 5, ..., 110
    EXPECT_EQ(stream.samples_read(), std::size_t(120) * kRate);
    EXPECT_LE(max_buffered, bound) << rate << " Hz; the clip is " << stream.samples_read() << " samples";
  }
}

TEST(SegmentStream, RealGtzanClip) {
  JAAMS_REQUIRE_GTZAN_MINI();
  const auto path = jaams::test::gtzan_mini() / "blues" / "blues.00000.wav";
  for (double hop : {10.0, 5.0}) {
    SegmentConfig config;
    config.hop_seconds = hop;
    SegmentStream stream(path, kRate, config);
    EXPECT_EQ(stream.info().sample_rate, kRate);
    EXPECT_EQ(stream.info().channels, 1);
    std::size_t n = 0;
    Segment seg;
    while (stream.next(seg)) {
      EXPECT_EQ(seg.samples.size(), samples(10));
      ++n;
    }
    EXPECT_EQ(stream.samples_read(), std::size_t(stream.info().frames));
    EXPECT_EQ(n, plan_segments(stream.samples_read(), kRate, config).size());
    EXPECT_GE(n, hop == 10.0 ? 1u : 2u);  // 15-20 s clips
    EXPECT_GT(stream.peak(), 0.05f) << "music, not silence";
  }
}

}  // namespace
}  // namespace jaams::audio
