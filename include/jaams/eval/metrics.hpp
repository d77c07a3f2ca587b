#pragma once
// Classification metrics from per-segment predictions, at segment level and at track level
// (a track's probabilities are the mean of its segments' probabilities, as predict reports them).
// Precision and recall follow the report's Table 3: recall = diagonal / row sum (row = actual
// class), precision = diagonal / column sum (column = predicted class).
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "jaams/eval/statistics.hpp"

namespace jaams::eval {

// One model output: the segment's track, its true class index and the model's class
// probabilities (one per class, in the order of the class list).
struct SegmentPrediction {
  std::string track_id;
  int label = 0;
  std::vector<float> probabilities;
};

// One track's verdict, the unit the confidence intervals resample and McNemar pairs up.
struct TrackOutcome {
  std::string track_id;
  int label = 0;      // true class
  int predicted = 0;  // top class of the pooled probabilities
  long segments = 0;
  long segments_correct = 0;
  bool operator==(const TrackOutcome& o) const {
    return track_id == o.track_id && label == o.label && predicted == o.predicted && segments == o.segments &&
           segments_correct == o.segments_correct;
  }
};

struct Metrics {
  std::vector<std::string> classes;
  std::size_t segments = 0;
  std::size_t tracks = 0;
  double segment_accuracy = 0.0;
  double track_accuracy = 0.0;
  std::vector<std::vector<long>> confusion;        // [actual][predicted], segment level
  std::vector<std::vector<long>> track_confusion;  // [actual][predicted], track level
  // Per class, segment level. A value whose denominator is zero (no segment of the class, or none
  // predicted as it) is 0 and its *_defined flag is false; F1 is 0 when precision + recall is 0.
  std::vector<double> precision;
  std::vector<double> recall;
  std::vector<double> f1;
  std::vector<bool> precision_defined;
  std::vector<bool> recall_defined;
  std::vector<long> support;  // segments per actual class (row sums)
  // Mean of per-class F1 over all classes (scikit-learn's macro average with zero_division=0).
  double macro_f1 = 0.0;
  // Mean loss over the split, when the caller measured one; NaN when absent.
  double mean_loss = std::numeric_limits<double>::quiet_NaN();
  // Per track in order of first appearance; empty for metrics read from files that predate it
  // (then no interval can be drawn and no pair tested).
  std::vector<TrackOutcome> per_track;
  // 95% bootstrap intervals over tracks (set_confidence_intervals); invalid when not drawn.
  int bootstrap_resamples = 0;
  std::uint64_t bootstrap_seed = kDefaultBootstrapSeed;
  Interval segment_accuracy_ci;
  Interval track_accuracy_ci;
  // Calibration of the segments' top-class probabilities (kCalibrationBins bins): as the model
  // gives them, and after the package's temperature (set_calibration; ece NaN when not measured).
  Calibration calibration;
  double temperature = 1.0;
  Calibration calibrated;
};

// Index of the largest value; the first one wins a tie (as torch.argmax and numpy.argmax).
std::size_t argmax(const std::vector<float>& values);

// Throws jaams::Error when a prediction has the wrong number of probabilities or a label
// outside the class list, or when one track's segments carry different labels.
Metrics compute_metrics(const std::vector<std::string>& classes, const std::vector<SegmentPrediction>& predictions);

// Draws the 95% intervals of segment and track accuracy from `per_track` (`resamples` draws of
// the tracks, seeded); resamples 0 or no per-track outcomes leave them invalid.
void set_confidence_intervals(Metrics& metrics, int resamples, std::uint64_t seed = kDefaultBootstrapSeed);

// Measures the calibration of `predictions` (those the metrics came from) before and after
// apply_temperature(`temperature`).
void set_calibration(Metrics& metrics, const std::vector<SegmentPrediction>& predictions, double temperature);

// Everything else derived from the two confusion matrices (used when reading metrics back and
// for matrices published elsewhere). `segments`/`tracks` become the matrices' totals.
Metrics metrics_from_confusion(const std::vector<std::string>& classes, std::vector<std::vector<long>> confusion,
                               std::vector<std::vector<long>> track_confusion);

}  // namespace jaams::eval
