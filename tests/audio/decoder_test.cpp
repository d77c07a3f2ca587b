#include "jaams/audio/decoder.hpp"

#include <gtest/gtest.h>
#include <sndfile.h>

#include <cmath>
#include <string>
#include <vector>

#include "jaams/audio/segmenter.hpp"
#include "jaams/util/error.hpp"
#include "signal_checks.hpp"
#include "test_support.hpp"

namespace jaams::audio {
namespace {

using jaams::test::dominant_frequency;
using jaams::test::sine;
using jaams::test::TempDir;
using jaams::test::tone_amplitude;
using jaams::test::write_audio;

std::vector<float> read_all(Decoder& d, std::size_t block) {
  std::vector<float> out;
  std::vector<float> buf(block);
  while (const std::size_t got = d.read_mono(buf.data(), buf.size()))
    out.insert(out.end(), buf.begin(), buf.begin() + got);
  return out;
}

struct FormatCase {
  const char* name;
  const char* file;
  int format;
  const char* expected_format;
  bool lossless;
};

class DecodeFormat : public ::testing::TestWithParam<FormatCase> {};

// Each format is written by libsndfile itself, then read back through Decoder.
TEST_P(DecodeFormat, ReadsRateLengthAndContent) {
  const FormatCase& c = GetParam();
  SF_INFO probe{};
  probe.samplerate = 44100;
  probe.channels = 1;
  probe.format = c.format;
  if (!sf_format_check(&probe)) GTEST_SKIP() << "this libsndfile cannot write " << c.name;

  TempDir dir;
  const int sr = 44100;
  const std::vector<float> src = sine(1000.0, 1.5, sr, 0.5f);
  const auto path = dir / c.file;
  write_audio(path, src, sr, 1, c.format);

  Decoder d(path);
  EXPECT_EQ(d.info().sample_rate, sr);
  EXPECT_EQ(d.info().channels, 1);
  EXPECT_EQ(d.info().format, c.expected_format);
  // An odd block size exercises reads that straddle libsndfile's internal blocks.
  const std::vector<float> y = read_all(d, 1001);
  EXPECT_EQ(d.read_mono(nullptr, 0), 0u);

  if (c.lossless) {
    ASSERT_EQ(y.size(), src.size());
    double max_err = 0.0;
    for (std::size_t i = 0; i < y.size(); ++i) max_err = std::max(max_err, double(std::abs(y[i] - src[i])));
    EXPECT_LT(max_err, 1e-4) << "16-bit quantisation is 3e-5";
  } else {
    // Lossy codecs add priming and padding; gapless-aware decoders keep the length close.
    EXPECT_NEAR(double(y.size()), double(src.size()), 2 * 1152.0);
  }
  ASSERT_GT(y.size(), std::size_t(sr));
  const std::size_t begin = y.size() / 2 - sr / 4;
  EXPECT_EQ(dominant_frequency(y, begin, sr / 2, sr, 900, 1100), 1000.0);
  EXPECT_NEAR(tone_amplitude(y, begin, sr / 2, 1000.0, sr), 0.5, 0.02);
}

INSTANTIATE_TEST_SUITE_P(
    Formats, DecodeFormat,
    ::testing::Values(FormatCase{"wav16", "a.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, "WAV", true},
                      FormatCase{"au16", "a.au", SF_FORMAT_AU | SF_FORMAT_PCM_16, "AU", true},
                      FormatCase{"flac", "a.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, "FLAC", true},
                      FormatCase{"vorbis", "a.ogg", SF_FORMAT_OGG | SF_FORMAT_VORBIS, "OGG", false},
                      FormatCase{"mp3", "a.mp3", SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III, "MPEG", false}),
    [](const ::testing::TestParamInfo<FormatCase>& info) { return std::string(info.param.name); });

// GTZAN's originals are 22050-Hz AU files: they pass through at the default rate untouched.
TEST(Decoder, AuAtTargetRateLoadsUnchanged) {
  TempDir dir;
  const std::vector<float> src = sine(440.0, 2.0, 22050, 0.3f);
  write_audio(dir / "g.au", src, 22050, 1, SF_FORMAT_AU | SF_FORMAT_PCM_16);
  AudioInfo info;
  const std::vector<float> y = load_mono(dir / "g.au", 22050, &info);
  EXPECT_EQ(info.format, "AU");
  EXPECT_EQ(info.frames, 44100);
  EXPECT_DOUBLE_EQ(info.duration_seconds(), 2.0);
  ASSERT_EQ(y.size(), src.size());
  for (std::size_t i = 0; i < y.size(); i += 97) EXPECT_NEAR(y[i], src[i], 1e-4) << i;
}

// Six channels at 96 kHz, each carrying its own tone: the mono mix holds every tone at 1/6 of
// its amplitude, so it is the mean of all channels, not one channel or their sum.
TEST(Decoder, MultiChannelIsAveragedAndResampled) {
  TempDir dir;
  const int in_sr = 96000;
  const int channels = 6;
  const double freqs[channels] = {500, 1000, 2000, 3000, 4000, 5000};
  const std::size_t frames = in_sr;  // 1 s
  std::vector<float> interleaved(frames * channels);
  for (int c = 0; c < channels; ++c) {
    const std::vector<float> s = sine(freqs[c], 1.0, in_sr, 0.9f);
    for (std::size_t i = 0; i < frames; ++i) interleaved[i * channels + c] = s[i];
  }
  const auto path = dir / "surround.wav";
  write_audio(path, interleaved, in_sr, channels);

  {
    Decoder d(path);
    EXPECT_EQ(d.info().channels, channels);
    EXPECT_EQ(d.info().sample_rate, in_sr);
    EXPECT_EQ(d.info().frames, std::int64_t(frames));
    const std::vector<float> mono = read_all(d, 5000);
    ASSERT_EQ(mono.size(), frames);
    for (std::size_t i = 0; i < frames; i += 131) {
      float sum = 0.0f;
      for (int c = 0; c < channels; ++c) sum += interleaved[i * channels + c];
      EXPECT_NEAR(mono[i], sum / channels, 1e-4) << i;
    }
  }

  AudioInfo info;
  const std::vector<float> y = load_mono(path, 22050, &info);
  EXPECT_EQ(info.channels, channels);
  EXPECT_EQ(y.size(), static_cast<std::size_t>(std::ceil(frames * 22050.0 / in_sr)));
  // Middle 0.5 s: 11025 samples hold a whole number of cycles of every tone.
  for (double f : freqs) EXPECT_NEAR(tone_amplitude(y, 5512, 11025, f, 22050), 0.15, 0.005) << f << " Hz";
  EXPECT_LT(tone_amplitude(y, 5512, 11025, 1500, 22050), 0.005);
}

TEST(Decoder, HeaderOnlyFileHasNoSamples) {
  TempDir dir;
  write_audio(dir / "none.wav", {}, 22050);
  Decoder d(dir / "none.wav");
  EXPECT_EQ(d.info().frames, 0);
  float x = 0.0f;
  EXPECT_EQ(d.read_mono(&x, 1), 0u);
  EXPECT_TRUE(load_mono(dir / "none.wav", 22050).empty());
}

}  // namespace
}  // namespace jaams::audio
