#include <gtest/gtest.h>

#include <cmath>

#include "jaams/pipeline/audio_to_images.hpp"
#include "jaams/util/error.hpp"
#include "test_support.hpp"

namespace jaams::pipeline {
namespace {
using features::FeatureKind;

// Mean brightness of a band of image rows (0 = top).
double row_band_mean(const image::Image& img, int first_row, int last_row) {
  double sum = 0;
  for (int r = first_row; r < last_row; ++r) {
    for (int c = 0; c < img.width * 3; ++c) sum += img.rgb[std::size_t(r) * img.width * 3 + c];
  }
  return sum / ((last_row - first_row) * img.width * 3.0);
}

TEST(AudioToImages, ThirtySecondClipGivesThreeSegmentsOfThreeImages) {
  test::TempDir dir;
  const auto wav = dir / "tone.wav";
  test::write_audio(wav, test::sine(220.0, 30.0, 22050), 22050);
  AudioToImages converter(PipelineConfig{}, features::all_feature_kinds());
  std::vector<SegmentImages> segments;
  const auto summary = converter.process(wav, [&](SegmentImages&& s) {
    segments.push_back(std::move(s));
    return true;
  });
  ASSERT_EQ(segments.size(), 3u);
  EXPECT_EQ(summary.segments, 3u);
  EXPECT_NEAR(summary.seconds, 30.0, 1e-3);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(segments[i].index, int(i));
    EXPECT_DOUBLE_EQ(segments[i].start_seconds, 10.0 * i);
    ASSERT_EQ(segments[i].images.size(), 3u);
    for (const auto& img : segments[i].images) {
      EXPECT_EQ(img.height, 288);
      EXPECT_EQ(img.width, 432);
      EXPECT_EQ(img.rgb.size(), 288u * 432u * 3u);
    }
  }
}

TEST(AudioToImages, LowFrequenciesAreAtTheBottomOfTheMelImage) {
  test::TempDir dir;
  const auto wav = dir / "low.wav";
  test::write_audio(wav, test::sine(100.0, 10.0, 22050), 22050);
  AudioToImages converter(PipelineConfig{}, {FeatureKind::mel, FeatureKind::centroid});
  std::vector<SegmentImages> segments;
  converter.process(wav, [&](SegmentImages&& s) {
    segments.push_back(std::move(s));
    return true;
  });
  ASSERT_EQ(segments.size(), 1u);
  const auto& mel = segments[0].images[0];
  EXPECT_GT(row_band_mean(mel, 250, 288), row_band_mean(mel, 0, 100) + 50);
  // The centroid line of a 100 Hz tone runs near the bottom of the 0..11025 Hz axis.
  const auto& centroid = segments[0].images[1];
  EXPECT_GT(row_band_mean(centroid, 270, 288), row_band_mean(centroid, 0, 250));
}

TEST(AudioToImages, SilentAndShortFilesAreRefusedWithTheirPath) {
  test::TempDir dir;
  const auto silent = dir / "silent.wav";
  test::write_audio(silent, std::vector<float>(22050 * 12, 0.0f), 22050);
  const auto short_clip = dir / "short.wav";
  test::write_audio(short_clip, test::sine(440.0, 0.5, 22050), 22050);
  AudioToImages converter(PipelineConfig{}, {FeatureKind::mel});
  auto message = [&](const std::filesystem::path& p) -> std::string {
    try {
      converter.process(p, [](SegmentImages&&) { return true; });
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  };
  const auto silent_msg = message(silent);
  EXPECT_NE(silent_msg.find(silent.string()), std::string::npos);
  EXPECT_NE(silent_msg.find("silent"), std::string::npos) << silent_msg;
  const auto short_msg = message(short_clip);
  EXPECT_NE(short_msg.find(short_clip.string()), std::string::npos);
  EXPECT_NE(short_msg.find("too short"), std::string::npos) << short_msg;
}

TEST(AudioToImages, MaxSegmentsStopsEarly) {
  test::TempDir dir;
  const auto wav = dir / "long.wav";
  test::write_audio(wav, test::sine(330.0, 40.0, 22050), 22050);
  AudioToImages converter(PipelineConfig{}, {FeatureKind::chroma});
  std::size_t seen = 0;
  converter.process(wav, [&](SegmentImages&&) { return ++seen > 0; }, 2);
  EXPECT_EQ(seen, 2u);
}

TEST(AudioToImages, GrayscaleImagesHaveEqualChannels) {
  test::TempDir dir;
  const auto wav = dir / "tone.wav";
  test::write_audio(wav, test::sine(440.0, 10.0, 22050), 22050);
  PipelineConfig config;
  config.image.colormap = image::Colormap::gray;
  config.image.height = 64;
  config.image.width = 96;
  AudioToImages converter(config, {FeatureKind::mel});
  converter.process(wav, [&](SegmentImages&& s) {
    const auto& img = s.images[0];
    EXPECT_EQ(img.height, 64);
    for (std::size_t i = 0; i < img.rgb.size(); i += 3) {
      EXPECT_EQ(img.rgb[i], img.rgb[i + 1]);
      EXPECT_EQ(img.rgb[i], img.rgb[i + 2]);
    }
    return true;
  });
}

}  // namespace
}  // namespace jaams::pipeline
