#include "jaams/eval/pooling.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "jaams/eval/metrics.hpp"
#include "jaams/util/error.hpp"

namespace jaams::eval {

namespace {

std::vector<double> mean_of(const std::vector<std::vector<float>>& rows) {
  std::vector<double> mean(rows.front().size(), 0.0);
  for (const auto& row : rows)
    for (std::size_t c = 0; c < row.size(); ++c) mean[c] += row[c];
  for (double& v : mean) v /= static_cast<double>(rows.size());
  return mean;
}

std::vector<float> vote(const std::vector<std::vector<float>>& rows) {
  const std::size_t n = rows.front().size();
  std::vector<long> votes(n, 0);
  for (const auto& row : rows) ++votes[argmax(row)];
  const std::vector<double> mean = mean_of(rows);

  std::vector<float> out(n);
  for (std::size_t c = 0; c < n; ++c) out[c] = static_cast<float>(votes[c]) / static_cast<float>(rows.size());

  // Equal shares: order the classes by mean probability and lift each one float step above the
  // previous, so argmax on the result picks the higher mean while the values stay the shares.
  // Zero shares are left alone: a class nobody voted for can never win.
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (votes[a] != votes[b]) return votes[a] < votes[b];
    return mean[a] < mean[b];
  });
  for (std::size_t i = 1; i < n; ++i) {
    const std::size_t prev = order[i - 1];
    const std::size_t cur = order[i];
    if (votes[cur] == 0 || votes[cur] != votes[prev]) continue;
    // Equal means stay equal, so argmax falls back to the first class as usual.
    if (mean[cur] > mean[prev])
      out[cur] = std::nextafter(out[prev], 2.0f);
    else
      out[cur] = out[prev];
  }
  return out;
}

std::vector<float> max_pool(const std::vector<std::vector<float>>& rows) {
  const std::size_t n = rows.front().size();
  std::vector<double> best(n, 0.0);
  for (const auto& row : rows)
    for (std::size_t c = 0; c < n; ++c) best[c] = std::max(best[c], static_cast<double>(row[c]));
  const double sum = std::accumulate(best.begin(), best.end(), 0.0);
  std::vector<float> out(n);
  for (std::size_t c = 0; c < n; ++c)
    out[c] = sum > 0.0 ? static_cast<float>(best[c] / sum) : 1.0f / static_cast<float>(n);
  return out;
}

}  // namespace

std::vector<float> pool(const std::vector<std::vector<float>>& segment_probs, Pooling pooling) {
  if (segment_probs.empty()) throw Error("pooling: a track has no segment probabilities");
  const std::size_t n = segment_probs.front().size();
  if (n == 0) throw Error("pooling: segment probabilities are empty");
  for (const auto& row : segment_probs)
    if (row.size() != n)
      throw Error("pooling: segments have different numbers of probabilities (" + std::to_string(n) + " and " +
                  std::to_string(row.size()) + ")");

  switch (pooling) {
    case Pooling::mean: {
      const std::vector<double> mean = mean_of(segment_probs);
      return std::vector<float>(mean.begin(), mean.end());
    }
    case Pooling::vote:
      return vote(segment_probs);
    case Pooling::max:
      return max_pool(segment_probs);
  }
  throw Error("pooling: unknown pooling");
}

Pooling parse_pooling(const std::string& name) {
  if (name == "mean") return Pooling::mean;
  if (name == "vote") return Pooling::vote;
  if (name == "max") return Pooling::max;
  throw Error("pooling: unknown pooling '" + name + "' (expected mean, vote or max)");
}

std::string to_string(Pooling pooling) {
  switch (pooling) {
    case Pooling::mean:
      return "mean";
    case Pooling::vote:
      return "vote";
    case Pooling::max:
      return "max";
  }
  return "unknown";
}

}  // namespace jaams::eval
