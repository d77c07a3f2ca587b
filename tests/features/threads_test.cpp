// Extractors made and used on several threads at once (FFTW's planner is not thread-safe;
// jaams serialises plan creation) give the same features as one made alone.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "jaams/features/feature_extractor.hpp"
#include "test_support.hpp"

namespace jaams::features {
namespace {

TEST(FeatureExtractorThreads, ConcurrentExtractorsAgreeWithASerialOne) {
  std::vector<std::vector<float>> signals;
  for (double hz : {220.0, 330.0, 440.0, 550.0, 660.0, 770.0}) signals.push_back(test::sine(hz, 3.0, 22050));

  std::vector<Features> expected;
  {
    FeatureExtractor serial(FeatureConfig{});
    for (const auto& y : signals) expected.push_back(serial.compute(y.data(), y.size(), all_feature_kinds()));
  }

  std::vector<Features> got(signals.size());
  std::vector<std::thread> workers;
  for (std::size_t i = 0; i < signals.size(); ++i) {
    workers.emplace_back([&, i] {
      // Several construct / destroy cycles per thread so planner calls overlap.
      for (int round = 0; round < 3; ++round) {
        FeatureExtractor extractor(FeatureConfig{});
        got[i] = extractor.compute(signals[i].data(), signals[i].size(), all_feature_kinds());
      }
    });
  }
  for (auto& w : workers) w.join();

  for (std::size_t i = 0; i < signals.size(); ++i) {
    EXPECT_EQ(got[i].mel_db.data, expected[i].mel_db.data) << i;
    EXPECT_EQ(got[i].centroid.data, expected[i].centroid.data) << i;
    EXPECT_EQ(got[i].chroma.data, expected[i].chroma.data) << i;
    EXPECT_EQ(got[i].tuning, expected[i].tuning) << i;
  }
}

}  // namespace
}  // namespace jaams::features
