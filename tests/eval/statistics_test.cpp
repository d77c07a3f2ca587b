#include "jaams/eval/statistics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "jaams/eval/metrics.hpp"

namespace jaams::eval {
namespace {

// `n` tracks, each right with probability `accuracy` (a seeded draw, so the test is fixed).
std::vector<double> bernoulli_tracks(std::size_t n, double accuracy, unsigned seed) {
  std::mt19937 rng(seed);
  std::bernoulli_distribution right(accuracy);
  std::vector<double> out(n);
  for (auto& v : out) v = right(rng) ? 1.0 : 0.0;
  return out;
}

TEST(Bootstrap, IntervalContainsTheTrueAccuracyAndNarrowsWithMoreTracks) {
  const double truth = 0.8;
  double previous_width = 1.0;
  for (std::size_t n : {50u, 200u, 1000u}) {
    const auto correct = bernoulli_tracks(n, truth, 7);
    const Interval ci = bootstrap_interval(correct, std::vector<double>(n, 1.0), 1000, 3);
    ASSERT_TRUE(ci.valid());
    EXPECT_LE(ci.low, truth) << n << " tracks";
    EXPECT_GE(ci.high, truth) << n << " tracks";
    const double width = ci.high - ci.low;
    // The normal approximation's width, 2 * 1.96 * sqrt(p(1-p)/n), to within a quarter.
    const double expected = 2.0 * 1.96 * std::sqrt(truth * (1.0 - truth) / static_cast<double>(n));
    EXPECT_NEAR(width, expected, 0.25 * expected) << n << " tracks";
    EXPECT_LT(width, previous_width) << n << " tracks";
    previous_width = width;
  }
}

TEST(Bootstrap, SameSeedSameIntervalAndTracksKeepTheirSegmentsTogether) {
  // Segment accuracy: track i has total[i] segments of which correct[i] are right.
  const std::vector<double> correct = {3, 0, 5, 2, 4, 1, 6, 0};
  const std::vector<double> total = {4, 3, 5, 2, 6, 2, 6, 1};
  const Interval a = bootstrap_interval(correct, total, 500, 11);
  const Interval b = bootstrap_interval(correct, total, 500, 11);
  EXPECT_EQ(a.low, b.low);
  EXPECT_EQ(a.high, b.high);
  const double point = 21.0 / 29.0;
  EXPECT_LT(a.low, point);
  EXPECT_GT(a.high, point);
  // All tracks alike: every resample gives the same ratio, so the interval is a point.
  const Interval flat = bootstrap_interval({1, 1, 1}, {2, 2, 2}, 200, 5);
  EXPECT_DOUBLE_EQ(flat.low, 0.5);
  EXPECT_DOUBLE_EQ(flat.high, 0.5);
  EXPECT_FALSE(bootstrap_interval({}, {}, 100, 1).valid());
  EXPECT_THROW(bootstrap_interval({1}, {1, 1}, 100, 1), std::invalid_argument);
}

TEST(McNemar, EqualsTheHandComputedBinomialTail) {
  // 2 vs 8 discordant tracks: P[X <= 2], X ~ Bin(10, 1/2) = (1 + 10 + 45) / 1024; two-sided doubles it.
  EXPECT_NEAR(mcnemar_exact_p(2, 8), 112.0 / 1024.0, 1e-12);
  EXPECT_NEAR(mcnemar_exact_p(8, 2), 112.0 / 1024.0, 1e-12);
  // 0 vs 6: 2 * (1/64).
  EXPECT_NEAR(mcnemar_exact_p(0, 6), 2.0 / 64.0, 1e-12);
  EXPECT_DOUBLE_EQ(mcnemar_exact_p(5, 5), 1.0);
  EXPECT_DOUBLE_EQ(mcnemar_exact_p(0, 0), 1.0);
  // Large n stays a probability and agrees with the normal approximation's order of magnitude.
  const double p = mcnemar_exact_p(400, 520);
  EXPECT_GT(p, 1e-5);
  EXPECT_LT(p, 1e-3);
}

TEST(Calibration, HandComputedEce) {
  // Two samples at confidence .9 (one right) and one at .7 (right):
  // ECE = 2/3 * |0.5 - 0.9| + 1/3 * |1 - 0.7| = 0.26667 + 0.1.
  const Calibration c = calibration({{0.9f, 0.1f}, {0.9f, 0.1f}, {0.7f, 0.3f}}, {0, 1, 0});
  ASSERT_EQ(c.bins.size(), 15u);
  EXPECT_NEAR(c.ece, 2.0 / 3.0 * 0.4 + 1.0 / 3.0 * 0.3, 1e-6);
  EXPECT_EQ(c.bins[13].count, 2);  // (13/15, 14/15] holds 0.9
  EXPECT_NEAR(c.bins[13].accuracy, 0.5, 1e-12);
  EXPECT_EQ(c.bins[10].count, 1);  // (10/15, 11/15] holds 0.7
  long total = 0;
  for (const auto& b : c.bins) total += b.count;
  EXPECT_EQ(total, 3);
}

// An over-confident model: right 70% of the time but always 97% sure of its answer.
void overconfident(std::vector<std::vector<float>>& probs, std::vector<int>& labels) {
  std::mt19937 rng(21);
  std::uniform_int_distribution<int> cls(0, 3);
  std::bernoulli_distribution right(0.7);
  for (int i = 0; i < 600; ++i) {
    const int y = cls(rng);
    int guess = y;
    if (!right(rng)) guess = (y + 1 + cls(rng) % 3) % 4;
    std::vector<float> row(4, 0.01f);
    row[static_cast<std::size_t>(guess)] = 0.97f;
    probs.push_back(row);
    labels.push_back(y);
  }
}

TEST(Temperature, LowersTheNllOfAnOverconfidentModelAndKeepsTheArgmax) {
  std::vector<std::vector<float>> probs;
  std::vector<int> labels;
  overconfident(probs, labels);
  const double t = fit_temperature(probs, labels);
  EXPECT_GT(t, 1.0);  // over-confident -> softened
  const double before = temperature_nll(probs, labels, 1.0);
  const double after = temperature_nll(probs, labels, t);
  EXPECT_LT(after, before - 0.1);
  // A minimum: both neighbours are worse.
  EXPECT_LE(after, temperature_nll(probs, labels, t * 1.05));
  EXPECT_LE(after, temperature_nll(probs, labels, t / 1.05));
  std::vector<std::vector<float>> scaled;
  for (const auto& row : probs) {
    scaled.push_back(apply_temperature(row, t));
    EXPECT_EQ(argmax(scaled.back()), argmax(row));
    double sum = 0.0;
    for (float v : scaled.back()) sum += v;
    EXPECT_NEAR(sum, 1.0, 1e-5);
  }
  EXPECT_LT(calibration(scaled, labels).ece, calibration(probs, labels).ece);
}

TEST(Temperature, IdentityAndEdgeCases) {
  const std::vector<float> row = {0.5f, 0.3f, 0.2f, 0.0f};
  EXPECT_EQ(apply_temperature(row, 1.0), row);
  const auto sharp = apply_temperature(row, 0.5);  // p^2 renormalised
  EXPECT_NEAR(sharp[0], 0.25 / 0.38, 1e-6);
  EXPECT_EQ(sharp[3], 0.0f);
  EXPECT_THROW(apply_temperature(row, 0.0), std::invalid_argument);
  EXPECT_DOUBLE_EQ(fit_temperature({}, {}), 1.0);
}

}  // namespace
}  // namespace jaams::eval
