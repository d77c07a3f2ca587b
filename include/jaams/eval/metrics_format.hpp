#pragma once
// Metrics as JSON (for files and other programs), Markdown (for reports) and plain text (for the
// terminal).
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "jaams/eval/metrics.hpp"

namespace jaams::eval {

// {"classes", "segments", "tracks", "segment_accuracy", "track_accuracy", "macro_f1",
//  "mean_loss" (null when absent), "confusion", "track_confusion",
//  "per_class": [{"class", "precision", "recall", "f1", "support", "precision_defined",
//                 "recall_defined"}],
//  "bootstrap": {"resamples", "seed", "level", "segment_accuracy": [low, high], "track_accuracy": [low, high]}
//               (when intervals were drawn),
//  "per_track": [{"track", "actual", "predicted", "segments", "segments_correct"}] (class indices)}
nlohmann::json to_json(const Metrics& metrics);

// Reads what to_json wrote. Derived values are recomputed from the confusion matrices (and the
// intervals from per_track with the stored resamples and seed), so a hand-edited file cannot
// disagree with itself. Files without per_track or bootstrap read back without intervals. `source` names the file in error messages.
Metrics metrics_from_json(const nlohmann::json& json, const std::string& source = "metrics");

// The segment-level confusion matrix laid out like the report's Table 3 (rows: actual class,
// columns: predicted class then Recall, last row: Precision), preceded by the accuracies and macro
// F1 and followed by the per-class F1 and the track-level matrix. `title` becomes a "##" heading
// (none when empty).
std::string to_markdown(const Metrics& metrics, const std::string& title);

// A compact aligned summary for the terminal.
std::string to_text(const Metrics& metrics);

// Atomic write / checked read of a to_json file; errors name the file.
void write_metrics_json(const std::filesystem::path& path, const Metrics& metrics);
Metrics read_metrics_json(const std::filesystem::path& path);

}  // namespace jaams::eval
