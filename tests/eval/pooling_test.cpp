#include "jaams/eval/pooling.hpp"

#include <gtest/gtest.h>

#include <numeric>

#include "jaams/eval/metrics.hpp"
#include "jaams/util/error.hpp"

namespace jaams::eval {
namespace {

TEST(Pooling, MeanAveragesEachClass) {
  const auto p = pool({{0.6f, 0.4f, 0.0f}, {0.2f, 0.4f, 0.4f}}, Pooling::mean);
  ASSERT_EQ(p.size(), 3u);
  EXPECT_FLOAT_EQ(p[0], 0.4f);
  EXPECT_FLOAT_EQ(p[1], 0.4f);
  EXPECT_FLOAT_EQ(p[2], 0.2f);
}

TEST(Pooling, VoteGivesTheShareOfSegmentsWonByEachClass) {
  // Top classes 0, 0, 1: a mean would pick class 1 (mean 0.5 vs 0.433), the vote picks class 0.
  const auto p = pool({{0.40f, 0.35f, 0.25f}, {0.40f, 0.30f, 0.30f}, {0.50f, 0.85f, 0.0f}}, Pooling::vote);
  EXPECT_FLOAT_EQ(p[0], 2.0f / 3.0f);
  EXPECT_FLOAT_EQ(p[1], 1.0f / 3.0f);
  EXPECT_EQ(p[2], 0.0f);
  EXPECT_EQ(argmax(p), 0u);
}

TEST(Pooling, VoteTieGoesToTheHigherMeanProbability) {
  // One vote each for classes 0 and 2; class 2 has the higher mean (0.65 vs 0.3), so it must win
  // even though plain argmax would take the first of two equal shares.
  const auto p = pool({{0.6f, 0.0f, 0.4f}, {0.0f, 0.1f, 0.9f}}, Pooling::vote);
  EXPECT_EQ(argmax(p), 2u);
  EXPECT_NEAR(p[0], 0.5f, 1e-6);
  EXPECT_NEAR(p[2], 0.5f, 1e-6);
  EXPECT_EQ(p[1], 0.0f);
  EXPECT_GT(p[2], p[0]);

  // Same question the other way round: class 0 has the higher mean.
  const auto q = pool({{0.9f, 0.0f, 0.1f}, {0.3f, 0.1f, 0.6f}}, Pooling::vote);
  EXPECT_EQ(argmax(q), 0u);
}

TEST(Pooling, VoteTieWithEqualMeansKeepsTheFirstClass) {
  const auto p = pool({{0.7f, 0.3f}, {0.3f, 0.7f}}, Pooling::vote);
  EXPECT_EQ(p[0], p[1]);
  EXPECT_EQ(argmax(p), 0u);
}

TEST(Pooling, VoteThreeWayTieFollowsMeanOrder) {
  // One vote each; means: class 0 0.40, class 1 0.3667, class 2 0.2333.
  const auto p = pool({{0.8f, 0.1f, 0.1f}, {0.2f, 0.7f, 0.1f}, {0.2f, 0.3f, 0.5f}}, Pooling::vote);
  EXPECT_GT(p[0], p[1]);
  EXPECT_GT(p[1], p[2]);
  for (float v : p) EXPECT_NEAR(v, 1.0f / 3.0f, 1e-6);
}

TEST(Pooling, MaxTakesPerClassMaximaAndRenormalises) {
  // Maxima 0.7, 0.6, 0.3 sum to 1.6.
  const auto p = pool({{0.7f, 0.2f, 0.1f}, {0.1f, 0.6f, 0.3f}}, Pooling::max);
  EXPECT_FLOAT_EQ(p[0], 0.4375f);
  EXPECT_FLOAT_EQ(p[1], 0.375f);
  EXPECT_FLOAT_EQ(p[2], 0.1875f);
  EXPECT_NEAR(std::accumulate(p.begin(), p.end(), 0.0), 1.0, 1e-6);
}

TEST(Pooling, SingleSegmentIsUnchangedByMean) {
  const std::vector<float> s = {0.1f, 0.7f, 0.2f};
  EXPECT_EQ(pool({s}, Pooling::mean), s);
}

TEST(Pooling, RejectsEmptyOrRaggedInput) {
  EXPECT_THROW(pool({}, Pooling::mean), Error);
  EXPECT_THROW(pool({{0.5f, 0.5f}, {1.0f}}, Pooling::vote), Error);
}

TEST(Pooling, ParsesNames) {
  EXPECT_EQ(parse_pooling("mean"), Pooling::mean);
  EXPECT_EQ(parse_pooling("vote"), Pooling::vote);
  EXPECT_EQ(parse_pooling("max"), Pooling::max);
  for (Pooling p : {Pooling::mean, Pooling::vote, Pooling::max}) EXPECT_EQ(parse_pooling(to_string(p)), p);
  try {
    parse_pooling("median");
    FAIL() << "unknown pooling accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("median"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("vote"), std::string::npos);
  }
}

}  // namespace
}  // namespace jaams::eval
