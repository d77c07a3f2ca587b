#pragma once
// `jaams report`: compares training runs. From run folders (see run_files.hpp) it builds
//   - the accuracy table (train/val/test at segment and track level; the report's Table 2),
//   - the image-kind comparison (best validation accuracy per kind for each model; Figure 9),
//   - per run: training curves and the test confusion matrix with precision/recall (Table 3),
// and writes report.md, accuracy.csv and report.html (one self-contained page: inline CSS and
// SVG, no scripts, no external references, so it opens offline).
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "jaams/eval/audit_record.hpp"
#include "jaams/eval/metrics.hpp"
#include "jaams/eval/run_files.hpp"

namespace jaams::eval {

// A run folder as read for the report. history and split metrics are optional (an interrupted
// or still-running training may lack them); run.json is not.
struct RunData {
  std::filesystem::path dir;
  RunInfo info;
  std::vector<EpochRecord> history;
  std::map<std::string, Metrics> split_metrics;  // keyed by split name
  std::optional<AuditRecord> audit;              // audit.json, when `jaams audit --run` checked this run
};

// The per-run note on duplicate recordings (Markdown); empty without an audit record.
std::string audit_markdown(const RunData& run);

// Throws jaams::Error naming the folder when it is not a run folder, or the file when one is bad.
RunData load_run(const std::filesystem::path& run_dir);

// The model as shown in tables: "alexcnn (random backbone)" for an untrained AlexNet backbone.
std::string model_label(const RunInfo& info);

// Accuracy of a split at "segment" or "track" level: run.json's value, else the one in
// eval/<split>.json, else NaN.
double split_accuracy(const RunData& run, const std::string& split, bool track_level);

// The 95% bootstrap interval of that accuracy from eval/<split>.json; invalid when not drawn.
Interval split_interval(const RunData& run, const std::string& split, bool track_level);

// Figure 9: per model (as model_label shows it), the best validation accuracy (segment level) for
// each image kind. Entries follow kImageKinds; best_run indexes `runs`, -1 when no run has one.
struct KindComparison {
  std::string model;
  std::vector<double> best_val;
  std::vector<int> best_run;
};
std::vector<KindComparison> compare_kinds(const std::vector<RunData>& runs);

std::string accuracy_table_markdown(const std::vector<RunData>& runs);
std::string accuracy_csv(const std::vector<RunData>& runs);
std::string kind_comparison_markdown(const std::vector<RunData>& runs);
std::string report_markdown(const std::vector<RunData>& runs, const std::string& title);
std::string report_html(const std::vector<RunData>& runs, const std::string& title);

struct ReportFiles {
  std::filesystem::path markdown;
  std::filesystem::path csv;
  std::filesystem::path html;
};

// Writes report.md, accuracy.csv and report.html into `output_dir` (created when missing).
ReportFiles write_report(const std::vector<RunData>& runs, const std::filesystem::path& output_dir,
                         const std::string& title);

}  // namespace jaams::eval
