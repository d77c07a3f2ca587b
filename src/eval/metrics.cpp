#include "jaams/eval/metrics.hpp"

#include <unordered_map>
#include <utility>

#include "jaams/eval/pooling.hpp"
#include "jaams/util/error.hpp"

namespace jaams::eval {

namespace {

using Matrix = std::vector<std::vector<long>>;

void check_square(const Matrix& m, std::size_t n, const char* what) {
  bool ok = m.size() == n;
  for (const auto& row : m) ok = ok && row.size() == n;
  if (!ok) throw Error(std::string(what) + ": expected a " + std::to_string(n) + "x" + std::to_string(n) + " matrix");
  for (const auto& row : m)
    for (long v : row)
      if (v < 0) throw Error(std::string(what) + ": negative count " + std::to_string(v));
}

long total(const Matrix& m) {
  long sum = 0;
  for (const auto& row : m)
    for (long v : row) sum += v;
  return sum;
}

double accuracy(const Matrix& m) {
  long diag = 0;
  for (std::size_t i = 0; i < m.size(); ++i) diag += m[i][i];
  const long all = total(m);
  return all > 0 ? static_cast<double>(diag) / static_cast<double>(all) : 0.0;
}

}  // namespace

std::size_t argmax(const std::vector<float>& values) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < values.size(); ++i)
    if (values[i] > values[best]) best = i;
  return best;
}

Metrics metrics_from_confusion(const std::vector<std::string>& classes, Matrix confusion, Matrix track_confusion) {
  const std::size_t n = classes.size();
  if (n == 0) throw Error("metrics: the class list is empty");
  check_square(confusion, n, "confusion matrix");
  check_square(track_confusion, n, "track confusion matrix");

  Metrics m;
  m.classes = classes;
  m.segments = static_cast<std::size_t>(total(confusion));
  m.tracks = static_cast<std::size_t>(total(track_confusion));
  m.segment_accuracy = accuracy(confusion);
  m.track_accuracy = accuracy(track_confusion);
  m.precision.assign(n, 0.0);
  m.recall.assign(n, 0.0);
  m.f1.assign(n, 0.0);
  m.precision_defined.assign(n, false);
  m.recall_defined.assign(n, false);
  m.support.assign(n, 0);

  double f1_sum = 0.0;
  for (std::size_t c = 0; c < n; ++c) {
    long row = 0;
    long col = 0;
    for (std::size_t k = 0; k < n; ++k) {
      row += confusion[c][k];
      col += confusion[k][c];
    }
    const double diag = static_cast<double>(confusion[c][c]);
    m.support[c] = row;
    m.recall_defined[c] = row > 0;
    m.precision_defined[c] = col > 0;
    if (row > 0) m.recall[c] = diag / static_cast<double>(row);
    if (col > 0) m.precision[c] = diag / static_cast<double>(col);
    const double pr = m.precision[c] + m.recall[c];
    if (pr > 0.0) m.f1[c] = 2.0 * m.precision[c] * m.recall[c] / pr;
    f1_sum += m.f1[c];
  }
  m.macro_f1 = f1_sum / static_cast<double>(n);
  m.confusion = std::move(confusion);
  m.track_confusion = std::move(track_confusion);
  return m;
}

Metrics compute_metrics(const std::vector<std::string>& classes, const std::vector<SegmentPrediction>& predictions) {
  const std::size_t n = classes.size();
  if (n == 0) throw Error("metrics: the class list is empty");
  Matrix confusion(n, std::vector<long>(n, 0));
  Matrix track_confusion(n, std::vector<long>(n, 0));

  // Tracks in order of first appearance, so results never depend on hashing.
  std::unordered_map<std::string, std::size_t> track_index;
  std::vector<int> track_labels;
  std::vector<std::vector<std::vector<float>>> track_probs;

  for (const auto& p : predictions) {
    if (p.probabilities.size() != n)
      throw Error("metrics: track '" + p.track_id + "' has a segment with " + std::to_string(p.probabilities.size()) +
                  " probabilities for " + std::to_string(n) + " classes");
    if (p.label < 0 || static_cast<std::size_t>(p.label) >= n)
      throw Error("metrics: track '" + p.track_id + "' has label " + std::to_string(p.label) + " outside 0.." +
                  std::to_string(n - 1));
    ++confusion[static_cast<std::size_t>(p.label)][argmax(p.probabilities)];

    auto [it, inserted] = track_index.try_emplace(p.track_id, track_labels.size());
    if (inserted) {
      track_labels.push_back(p.label);
      track_probs.emplace_back();
    } else if (track_labels[it->second] != p.label) {
      throw Error("metrics: track '" + p.track_id + "' has segments labelled both " +
                  classes[static_cast<std::size_t>(track_labels[it->second])] + " and " +
                  classes[static_cast<std::size_t>(p.label)]);
    }
    track_probs[it->second].push_back(p.probabilities);
  }

  std::vector<TrackOutcome> per_track(track_labels.size());
  for (const auto& [id, t] : track_index) per_track[t].track_id = id;
  for (std::size_t t = 0; t < track_labels.size(); ++t) {
    const std::vector<float> pooled = pool(track_probs[t], Pooling::mean);
    const auto predicted = argmax(pooled);
    ++track_confusion[static_cast<std::size_t>(track_labels[t])][predicted];
    TrackOutcome& o = per_track[t];
    o.label = track_labels[t];
    o.predicted = static_cast<int>(predicted);
    o.segments = static_cast<long>(track_probs[t].size());
    for (const auto& seg : track_probs[t])
      if (argmax(seg) == static_cast<std::size_t>(o.label)) ++o.segments_correct;
  }
  Metrics m = metrics_from_confusion(classes, std::move(confusion), std::move(track_confusion));
  m.per_track = std::move(per_track);
  return m;
}

void set_calibration(Metrics& m, const std::vector<SegmentPrediction>& predictions, double temperature) {
  std::vector<std::vector<float>> raw, scaled;
  std::vector<int> labels;
  for (const auto& p : predictions) {
    raw.push_back(p.probabilities);
    scaled.push_back(apply_temperature(p.probabilities, temperature));
    labels.push_back(p.label);
  }
  m.calibration = calibration(raw, labels);
  m.temperature = temperature;
  m.calibrated = calibration(scaled, labels);
}

void set_confidence_intervals(Metrics& m, int resamples, std::uint64_t seed) {
  m.bootstrap_resamples = resamples;
  m.bootstrap_seed = seed;
  m.segment_accuracy_ci = {};
  m.track_accuracy_ci = {};
  if (resamples < 1 || m.per_track.empty()) return;
  std::vector<double> seg_correct, seg_total, track_correct, ones(m.per_track.size(), 1.0);
  for (const auto& t : m.per_track) {
    seg_correct.push_back(static_cast<double>(t.segments_correct));
    seg_total.push_back(static_cast<double>(t.segments));
    track_correct.push_back(t.predicted == t.label ? 1.0 : 0.0);
  }
  // The same seed for both levels: the same resampled track sets, so the two intervals agree.
  m.segment_accuracy_ci = bootstrap_interval(seg_correct, seg_total, resamples, seed);
  m.track_accuracy_ci = bootstrap_interval(track_correct, ones, resamples, seed);
}

}  // namespace jaams::eval
