#include "jaams/eval/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <string>

namespace jaams::eval {

namespace {

// Linear interpolation between order statistics (the usual "type 7" quantile).
double quantile(const std::vector<double>& sorted, double q) {
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

// Smallest probability a true class is given credit for, so one zero cannot make the NLL infinite.
constexpr double kMinProbability = 1e-12;

}  // namespace

Interval bootstrap_interval(const std::vector<double>& correct, const std::vector<double>& total, int resamples,
                            std::uint64_t seed, double level) {
  if (correct.size() != total.size())
    throw std::invalid_argument("bootstrap_interval: " + std::to_string(correct.size()) + " counts for " +
                                std::to_string(total.size()) + " totals");
  if (!(level > 0.0 && level < 1.0)) throw std::invalid_argument("bootstrap_interval: level must lie in (0, 1)");
  Interval out;
  const std::size_t n = correct.size();
  if (n == 0 || resamples < 1) return out;
  std::mt19937_64 rng(seed);
  std::vector<double> values;
  values.reserve(static_cast<std::size_t>(resamples));
  for (int r = 0; r < resamples; ++r) {
    double hits = 0.0;
    double all = 0.0;
    for (std::size_t k = 0; k < n; ++k) {
      // Modulo bias is below n / 2^64: irrelevant, and it keeps the draws the same on every libstdc++.
      const std::size_t i = static_cast<std::size_t>(rng() % n);
      hits += correct[i];
      all += total[i];
    }
    if (all <= 0.0) throw std::invalid_argument("bootstrap_interval: units with a total of 0");
    values.push_back(hits / all);
  }
  std::sort(values.begin(), values.end());
  out.low = quantile(values, (1.0 - level) / 2.0);
  out.high = quantile(values, (1.0 + level) / 2.0);
  return out;
}

double mcnemar_exact_p(long only_a, long only_b) {
  if (only_a < 0 || only_b < 0) throw std::invalid_argument("mcnemar_exact_p: negative count");
  const long n = only_a + only_b;
  if (n == 0) return 1.0;
  const long k = std::min(only_a, only_b);
  // P[X <= k] for X ~ Bin(n, 1/2), summed in log space so n in the thousands stays exact enough.
  const double log_half_n = -static_cast<double>(n) * std::log(2.0);
  const double log_n_fact = std::lgamma(static_cast<double>(n) + 1.0);
  double tail = 0.0;
  for (long i = 0; i <= k; ++i) {
    tail += std::exp(log_n_fact - std::lgamma(static_cast<double>(i) + 1.0) -
                     std::lgamma(static_cast<double>(n - i) + 1.0) + log_half_n);
  }
  return std::min(1.0, 2.0 * tail);
}

Calibration calibration(const std::vector<std::vector<float>>& probabilities, const std::vector<int>& labels,
                        int bins) {
  if (bins < 1) throw std::invalid_argument("calibration: bins must be at least 1");
  if (probabilities.size() != labels.size())
    throw std::invalid_argument("calibration: " + std::to_string(probabilities.size()) + " rows for " +
                                std::to_string(labels.size()) + " labels");
  Calibration out;
  out.bins.resize(static_cast<std::size_t>(bins));
  std::vector<double> confidence_sum(out.bins.size(), 0.0);
  std::vector<long> hits(out.bins.size(), 0);
  for (std::size_t b = 0; b < out.bins.size(); ++b) {
    out.bins[b].low = static_cast<double>(b) / bins;
    out.bins[b].high = static_cast<double>(b + 1) / bins;
  }
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    const auto& row = probabilities[i];
    if (labels[i] < 0 || static_cast<std::size_t>(labels[i]) >= row.size())
      throw std::invalid_argument("calibration: label " + std::to_string(labels[i]) + " outside a row of " +
                                  std::to_string(row.size()) + " probabilities");
    const auto top = static_cast<std::size_t>(std::max_element(row.begin(), row.end()) - row.begin());
    const double conf = std::clamp(static_cast<double>(row[top]), 0.0, 1.0);
    auto b = static_cast<long>(std::ceil(conf * bins)) - 1;
    b = std::clamp(b, 0L, static_cast<long>(bins) - 1);
    ++out.bins[static_cast<std::size_t>(b)].count;
    confidence_sum[static_cast<std::size_t>(b)] += conf;
    if (top == static_cast<std::size_t>(labels[i])) ++hits[static_cast<std::size_t>(b)];
  }
  if (probabilities.empty()) return out;
  double ece = 0.0;
  for (std::size_t b = 0; b < out.bins.size(); ++b) {
    auto& bin = out.bins[b];
    if (bin.count == 0) continue;
    bin.mean_confidence = confidence_sum[b] / static_cast<double>(bin.count);
    bin.accuracy = static_cast<double>(hits[b]) / static_cast<double>(bin.count);
    ece += static_cast<double>(bin.count) / static_cast<double>(probabilities.size()) *
           std::abs(bin.accuracy - bin.mean_confidence);
  }
  out.ece = ece;
  return out;
}

std::vector<float> apply_temperature(const std::vector<float>& probabilities, double temperature) {
  if (!(temperature > 0.0) || !std::isfinite(temperature))
    throw std::invalid_argument("apply_temperature: the temperature must be a positive number");
  if (temperature == 1.0) return probabilities;
  std::vector<double> logits(probabilities.size(), -INFINITY);
  double top = -INFINITY;
  for (std::size_t c = 0; c < probabilities.size(); ++c) {
    if (probabilities[c] > 0.0f) logits[c] = std::log(static_cast<double>(probabilities[c])) / temperature;
    top = std::max(top, logits[c]);
  }
  std::vector<float> out(probabilities.size(), 0.0f);
  if (!std::isfinite(top)) return out;
  double sum = 0.0;
  for (double& l : logits) {
    l = std::isfinite(l) ? std::exp(l - top) : 0.0;
    sum += l;
  }
  for (std::size_t c = 0; c < out.size(); ++c) out[c] = static_cast<float>(logits[c] / sum);
  return out;
}

double temperature_nll(const std::vector<std::vector<float>>& probabilities, const std::vector<int>& labels,
                       double temperature) {
  if (probabilities.size() != labels.size())
    throw std::invalid_argument("temperature_nll: one label per row of probabilities");
  if (probabilities.empty()) return 0.0;
  double sum = 0.0;
  for (std::size_t i = 0; i < probabilities.size(); ++i) {
    const auto& row = probabilities[i];
    if (labels[i] < 0 || static_cast<std::size_t>(labels[i]) >= row.size())
      throw std::invalid_argument("temperature_nll: label " + std::to_string(labels[i]) + " outside a row of " +
                                  std::to_string(row.size()) + " probabilities");
    // log softmax(log p / T)[y] = log(p_y)/T - log sum_c p_c^(1/T), computed stably.
    std::vector<double> z;
    z.reserve(row.size());
    double top = -INFINITY;
    for (float p : row) {
      z.push_back(std::log(std::max(static_cast<double>(p), kMinProbability)) / temperature);
      top = std::max(top, z.back());
    }
    double norm = 0.0;
    for (double v : z) norm += std::exp(v - top);
    sum -= z[static_cast<std::size_t>(labels[i])] - top - std::log(norm);
  }
  return sum / static_cast<double>(probabilities.size());
}

double fit_temperature(const std::vector<std::vector<float>>& probabilities, const std::vector<int>& labels) {
  if (probabilities.empty()) return 1.0;
  // Golden-section search for the minimum over u = log T in [log 1/100, log 100]. The NLL is
  // convex in 1/T, hence unimodal in log T, so the search cannot be trapped.
  const double phi = (std::sqrt(5.0) - 1.0) / 2.0;
  double a = std::log(0.01);
  double b = std::log(100.0);
  double c = b - phi * (b - a);
  double d = a + phi * (b - a);
  double fc = temperature_nll(probabilities, labels, std::exp(c));
  double fd = temperature_nll(probabilities, labels, std::exp(d));
  while (b - a > 1e-6) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - phi * (b - a);
      fc = temperature_nll(probabilities, labels, std::exp(c));
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + phi * (b - a);
      fd = temperature_nll(probabilities, labels, std::exp(d));
    }
  }
  return std::exp((a + b) / 2.0);
}

}  // namespace jaams::eval
