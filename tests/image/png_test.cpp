#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <random>
#include <string>

#include "jaams/image/png.hpp"
#include "jaams/util/error.hpp"
#include "test_support.hpp"

namespace jaams::image {
namespace {

Image random_image(int height, int width, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> byte(0, 255);
  Image img{height, width, {}};
  img.rgb.resize(static_cast<std::size_t>(height) * width * 3);
  for (auto& v : img.rgb) v = static_cast<std::uint8_t>(byte(rng));
  return img;
}

// A rendered mel image of a chirp-like mix: the smooth content preprocess really writes.
Image rendered_mel() {
  features::FeatureConfig fc;
  features::FeatureExtractor extractor(fc);
  auto y = test::sine(330.0, 10.0, fc.sample_rate);
  const auto low = test::sine(55.0, 10.0, fc.sample_rate);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = 0.5f * y[i] + 0.3f * low[i];
  const auto f = extractor.compute(y.data(), y.size(), {features::FeatureKind::mel});
  return render(features::FeatureKind::mel, f, fc, ImageConfig{});
}

TEST(Png, WriteThenReadGivesTheSamePixels) {
  test::TempDir dir;
  for (const Image& img : {rendered_mel(), random_image(37, 53, 7)}) {
    const auto path = dir / ("img" + std::to_string(img.width) + ".png");
    write_png(path, img);
    const Image back = read_png(path);
    EXPECT_EQ(back.height, img.height);
    EXPECT_EQ(back.width, img.width);
    EXPECT_EQ(back.rgb, img.rgb) << "PNG must be lossless, RGB order kept";
  }
}

TEST(Png, BytesAreDeterministicAndAPng) {
  const Image img = rendered_mel();
  const auto a = encode_png(img);
  const auto b = encode_png(img);
  EXPECT_EQ(a, b);
  ASSERT_GT(a.size(), 8u);
  const std::uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  EXPECT_TRUE(std::equal(signature, signature + 8, a.begin()));
  // Compressed: a rendered 288x432 spectrogram is far smaller than its 373,248 raw bytes.
  EXPECT_LT(a.size(), img.rgb.size() * 3 / 4);
}

TEST(Png, MismatchedPixelBufferIsRefused) {
  Image img = random_image(10, 10, 1);
  img.rgb.pop_back();
  EXPECT_THROW(encode_png(img), Error);
  EXPECT_THROW(encode_png(Image{}), Error);
}

TEST(Png, UnreadableFileIsNamedInTheError) {
  test::TempDir dir;
  const auto path = dir / "not_a.png";
  std::ofstream(path) << "plain text";
  try {
    read_png(path);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not_a.png"), std::string::npos) << e.what();
  }
}

// A PNG cut short inside its pixel data: the header reads, the rows do not.
TEST(Png, TruncatedFileIsNamedInTheError) {
  test::TempDir dir;
  const auto bytes = encode_png(random_image(40, 40, 3));
  const auto path = dir / "cut.png";
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                              static_cast<std::streamsize>(bytes.size() / 2));
  const std::string message = test::error_of([&] { read_png(path); });
  EXPECT_NE(message.find("cut.png"), std::string::npos) << message;
}

TEST(Png, MissingFileIsNamedInTheError) {
  test::TempDir dir;
  const std::string message = test::error_of([&] { read_png(dir / "absent.png"); });
  EXPECT_NE(message.find("absent.png"), std::string::npos) << message;
}

}  // namespace
}  // namespace jaams::image
