#pragma once
// The statistics behind honest evaluation: how sure an accuracy is (bootstrap confidence interval
// over tracks), whether two models really differ (exact McNemar test on the same tracks), and how
// far a model's probabilities can be trusted (expected calibration error, temperature scaling).
// Plain C++, no torch: the numbers come from metrics files as well as from live models.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace jaams::eval {

inline constexpr int kDefaultBootstrapResamples = 1000;
inline constexpr std::uint64_t kDefaultBootstrapSeed = 12;
inline constexpr int kCalibrationBins = 15;

struct Interval {
  double low = std::numeric_limits<double>::quiet_NaN();
  double high = std::numeric_limits<double>::quiet_NaN();
  bool valid() const { return low == low && high == high; }
};

// Percentile bootstrap interval of sum(correct) / sum(total) when whole units (tracks) are drawn
// with replacement: unit i contributes correct[i] of total[i] (total 1 for a track's own verdict,
// its segment count for segment accuracy, so a track's segments stay together). `resamples`
// draws from a generator seeded with `seed`, so the interval is reproducible. `level` is the
// coverage (0.95). Empty input or resamples < 1 gives an invalid (NaN) interval; sizes that
// differ or a total of 0 throw std::invalid_argument.
Interval bootstrap_interval(const std::vector<double>& correct, const std::vector<double>& total, int resamples,
                            std::uint64_t seed, double level = 0.95);

// Exact two-sided McNemar test: with `only_a` tracks right by model A alone and `only_b` right by
// model B alone, the probability under "both equally good" (each discordant track a fair coin)
// of a split at least this uneven: min(1, 2 * P[X <= min(only_a, only_b)]), X ~ Bin(n, 1/2),
// n = only_a + only_b. 1 when n is 0.
double mcnemar_exact_p(long only_a, long only_b);

// Reliability of the top-class probability: samples binned by confidence into `bins` equal
// widths of (0, 1] (a confidence of exactly k/bins falls in bin k-1).
struct ReliabilityBin {
  double low = 0.0;
  double high = 0.0;
  long count = 0;
  double mean_confidence = 0.0;  // 0 for an empty bin
  double accuracy = 0.0;         // share of correct top classes; 0 for an empty bin
};

struct Calibration {
  std::vector<ReliabilityBin> bins;
  // Expected calibration error: sum over bins of count/N * |accuracy - mean confidence|.
  double ece = std::numeric_limits<double>::quiet_NaN();
};

// `probabilities`: one row per sample (rows of equal length), `labels` their true class.
// Throws std::invalid_argument for mismatched sizes, a label outside the row or bins < 1.
Calibration calibration(const std::vector<std::vector<float>>& probabilities, const std::vector<int>& labels,
                        int bins = kCalibrationBins);

// Probabilities softened (T > 1) or sharpened (T < 1) by a temperature: softmax(log(p) / T),
// i.e. p^(1/T) renormalised. T = 1 returns the row unchanged; the order of the classes (and so
// the argmax) never changes. Zero probabilities stay zero.
std::vector<float> apply_temperature(const std::vector<float>& probabilities, double temperature);

// Mean negative log-likelihood of the true classes after apply_temperature.
double temperature_nll(const std::vector<std::vector<float>>& probabilities, const std::vector<int>& labels,
                       double temperature);

// The temperature in [1/100, 100] minimising temperature_nll (golden-section search on log T;
// the NLL is convex in 1/T). Returns 1 for no samples.
double fit_temperature(const std::vector<std::vector<float>>& probabilities, const std::vector<int>& labels);

}  // namespace jaams::eval
