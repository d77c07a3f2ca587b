#include "jaams/audio/resampler.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "jaams/util/error.hpp"
#include "signal_checks.hpp"
#include "test_support.hpp"

namespace jaams::audio {
namespace {

using jaams::test::dominant_frequency;
using jaams::test::sine;
using jaams::test::tone_amplitude;

class ResampleTo22050 : public ::testing::TestWithParam<int> {};

TEST_P(ResampleTo22050, KeepsLengthFrequencyAndLevel) {
  const int in_sr = GetParam();
  const std::vector<float> x = sine(1000.0, 2.0, in_sr, 0.5f);
  const std::vector<float> y = resample(x, in_sr, 22050);
  // librosa's length rule: ceil(n * out / in).
  EXPECT_EQ(y.size(), static_cast<std::size_t>(std::ceil(x.size() * (22050.0 / in_sr))));
  EXPECT_NEAR(double(y.size()), x.size() * 22050.0 / in_sr, 1.0);
  // Middle 0.5 s (a whole number of 1-kHz cycles): the tone is still at 1 kHz, at its level.
  EXPECT_EQ(dominant_frequency(y, 11025 - 5512, 11025, 22050, 800, 1200), 1000.0);
  EXPECT_NEAR(tone_amplitude(y, 11025 - 5512, 11025, 1000.0, 22050), 0.5, 0.005);
  // And the output starts in phase with the input: soxr's delay is compensated.
  const std::vector<float> ref = sine(1000.0, 2.0, 22050, 0.5f);
  double max_err = 0.0;
  for (std::size_t i = 2000; i < 40000; ++i) max_err = std::max(max_err, double(std::abs(y[i] - ref[i])));
  EXPECT_LT(max_err, 0.01);
}

INSTANTIATE_TEST_SUITE_P(Rates, ResampleTo22050, ::testing::Values(44100, 48000, 8000),
                         [](const ::testing::TestParamInfo<int>& info) { return std::to_string(info.param); });

// Feeding the input in small uneven pieces, as SegmentStream does, gives the one-shot result.
TEST(Resampler, StreamingMatchesOneShot) {
  const std::vector<float> x = sine(1234.5, 1.3, 48000, 0.7f);
  const std::vector<float> whole = resample(x, 48000, 22050);
  Resampler r(48000, 22050);
  std::vector<float> streamed;
  std::size_t pos = 0;
  for (std::size_t step = 1; pos < x.size(); step = step * 3 % 9973 + 17) {
    const std::size_t n = std::min(step, x.size() - pos);
    r.process(x.data() + pos, n, streamed);
    pos += n;
  }
  r.flush(streamed);
  ASSERT_EQ(streamed.size(), whole.size());
  for (std::size_t i = 0; i < whole.size(); ++i) ASSERT_NEAR(streamed[i], whole[i], 1e-5) << i;
}

TEST(Resampler, EqualRatesPassThroughUntouched) {
  const std::vector<float> x = sine(440.0, 0.25, 22050, 0.9f);
  EXPECT_EQ(resample(x, 22050, 22050), x);
}

TEST(Resampler, EmptyInputGivesEmptyOutput) { EXPECT_TRUE(resample({}, 44100, 22050).empty()); }

TEST(Resampler, RejectsNonPositiveRates) {
  EXPECT_THROW(Resampler(0, 22050), Error);
  EXPECT_THROW(Resampler(44100, -1), Error);
  EXPECT_THROW(Resampler(std::nan(""), 22050), Error);
}

TEST(Resampler, ProcessAfterFlushIsAnError) {
  Resampler r(44100, 22050);
  std::vector<float> out;
  const float x[4] = {0, 0, 0, 0};
  r.process(x, 4, out);
  r.flush(out);
  EXPECT_THROW(r.process(x, 4, out), Error);
}

}  // namespace
}  // namespace jaams::audio
