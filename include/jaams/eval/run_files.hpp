#pragma once
// The files a training run leaves in its run folder. The trainer writes them, `jaams report`
// reads them:
//   run.json           RunInfo: what was trained, on what, and the accuracies per split
//   history.csv        one EpochRecord per line: epoch,train_loss,train_accuracy,val_loss,val_accuracy,seconds
//                      (val columns empty when the run had no validation split)
//   eval/<split>.json  metrics_format.hpp's to_json(Metrics) for split in train, val, test
#include <array>
#include <filesystem>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "jaams/eval/metrics.hpp"

namespace jaams::eval {

inline constexpr const char* kRunInfoFile = "run.json";
inline constexpr const char* kHistoryFile = "history.csv";
inline constexpr const char* kEvalFolder = "eval";
inline constexpr const char* kHistoryHeader = "epoch,train_loss,train_accuracy,val_loss,val_accuracy,seconds";

inline constexpr std::array<const char*, 3> kSplitNames = {"train", "val", "test"};
inline constexpr std::array<const char*, 7> kModelNames = {"ann", "cnn", "alexcnn", "stats", "transfer", "pcnn", "crnn"};
inline constexpr std::array<const char*, 3> kImageKinds = {"mel", "centroid", "chroma"};
inline constexpr std::array<const char*, 5> kSplitMethods = {"track", "paper", "filtered", "folders", "kfold"};

inline constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

struct SplitAccuracy {
  double segment = kMissing;
  double track = kMissing;
};

struct RunInfo {
  std::string name;
  std::string model;             // one of kModelNames
  std::string kind;              // one of kImageKinds, or a matrix model's kinds ("stats", "compact_mel+stats")
  std::string split;             // one of kSplitMethods
  bool random_backbone = false;  // alexcnn whose AlexNet features were never pretrained
  std::string jaams_version;
  std::vector<std::string> classes;
  int epochs_run = 0;
  int best_epoch = 0;
  double train_seconds = kMissing;
  std::map<std::string, SplitAccuracy> accuracy;  // keyed by split name; a split may be absent
};

// One line of history.csv; NaN for a value not measured (val_* without a validation split).
struct EpochRecord {
  int epoch = 0;
  double train_loss = kMissing;
  double train_accuracy = kMissing;
  double val_loss = kMissing;
  double val_accuracy = kMissing;
  double seconds = kMissing;
};

std::filesystem::path run_info_path(const std::filesystem::path& run_dir);
std::filesystem::path history_path(const std::filesystem::path& run_dir);
std::filesystem::path split_metrics_path(const std::filesystem::path& run_dir, const std::string& split);

// Missing accuracies are written as null.
nlohmann::json to_json(const RunInfo& info);
// Checks types and the enumerated values; errors name `source` and the key.
RunInfo run_info_from_json(const nlohmann::json& json, const std::string& source);

void write_run_info(const std::filesystem::path& run_dir, const RunInfo& info);
// Throws jaams::Error naming the folder when run.json is missing (the folder is not a run), or
// naming the file and key when it is malformed.
RunInfo read_run_info(const std::filesystem::path& run_dir);

std::string history_csv(const std::vector<EpochRecord>& history);
void write_history(const std::filesystem::path& run_dir, const std::vector<EpochRecord>& history);
// Throws jaams::Error naming the file and line for a bad header, field count or number.
std::vector<EpochRecord> parse_history_csv(const std::string& text, const std::string& source);
std::vector<EpochRecord> read_history(const std::filesystem::path& run_dir);

void write_split_metrics(const std::filesystem::path& run_dir, const std::string& split, const Metrics& metrics);
Metrics read_split_metrics(const std::filesystem::path& run_dir, const std::string& split);

}  // namespace jaams::eval
