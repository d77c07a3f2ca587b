#include "jaams/eval/run_files.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "jaams/eval/metrics_format.hpp"
#include "jaams/eval/text_format.hpp"
#include "jaams/util/atomic_file.hpp"
#include "jaams/util/error.hpp"

namespace jaams::eval {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

template <std::size_t N>
bool is_one_of(const std::string& value, const std::array<const char*, N>& choices) {
  return std::any_of(choices.begin(), choices.end(), [&](const char* c) { return value == c; });
}

template <std::size_t N>
std::string join(const std::array<const char*, N>& choices) {
  std::string out;
  for (const char* c : choices) out += (out.empty() ? "" : ", ") + std::string(c);
  return out;
}

json number_or_null(double v) { return std::isnan(v) ? json(nullptr) : json(v); }

// Typed access to run.json with errors that name the file and the key.
class Reader {
 public:
  Reader(const json& j, std::string source) : j_(j), source_(std::move(source)) {}

  const json* find(const std::string& key) const {
    const auto it = j_.find(key);
    return it == j_.end() ? nullptr : &*it;
  }
  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw Error(source_ + ": '" + key + "' " + what);
  }
  std::string string(const std::string& key, bool required) const {
    const json* v = find(key);
    if (v == nullptr) {
      if (required) throw Error(source_ + ": missing key '" + key + "'");
      return "";
    }
    if (!v->is_string()) fail(key, "must be a string, not " + v->dump());
    return v->get<std::string>();
  }
  template <std::size_t N>
  std::string choice(const std::string& key, const std::array<const char*, N>& choices, bool required) const {
    std::string value = string(key, required);
    if (!value.empty() && !is_one_of(value, choices)) fail(key, "is '" + value + "'; expected one of " + join(choices));
    return value;
  }
  int integer(const std::string& key, int fallback) const {
    const json* v = find(key);
    if (v == nullptr) return fallback;
    if (!v->is_number_integer()) fail(key, "must be a whole number, not " + v->dump());
    return v->get<int>();
  }
  double number(const json* v, const std::string& key) const {
    if (v == nullptr || v->is_null()) return kMissing;
    if (!v->is_number()) fail(key, "must be a number or null, not " + v->dump());
    return v->get<double>();
  }
  bool boolean(const std::string& key) const {
    const json* v = find(key);
    if (v == nullptr) return false;
    if (!v->is_boolean()) fail(key, "must be true or false, not " + v->dump());
    return v->get<bool>();
  }
  const std::string& source() const { return source_; }

 private:
  const json& j_;
  std::string source_;
};

double parse_number(const std::string& field, const std::string& where) {
  if (field.empty() || field == "nan" || field == "NaN") return kMissing;
  double v = 0.0;
  const char* end = field.data() + field.size();
  const auto result = std::from_chars(field.data(), end, v);
  if (result.ec != std::errc() || result.ptr != end) throw Error(where + ": '" + field + "' is not a number");
  return v;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && (s[start] == ' ' || s[start] == '\t')) ++start;
  return s.substr(start);
}

std::string read_text(const fs::path& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path.string() + ": cannot open " + what);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

fs::path run_info_path(const fs::path& run_dir) { return run_dir / kRunInfoFile; }
fs::path history_path(const fs::path& run_dir) { return run_dir / kHistoryFile; }
fs::path split_metrics_path(const fs::path& run_dir, const std::string& split) {
  return run_dir / kEvalFolder / (split + ".json");
}

json to_json(const RunInfo& info) {
  json accuracy = json::object();
  for (const auto& [split, acc] : info.accuracy)
    accuracy[split] = {{"segment", number_or_null(acc.segment)}, {"track", number_or_null(acc.track)}};
  return json{{"name", info.name},
              {"model", info.model},
              {"kind", info.kind},
              {"split", info.split},
              {"random_backbone", info.random_backbone},
              {"jaams_version", info.jaams_version},
              {"classes", info.classes},
              {"epochs_run", info.epochs_run},
              {"best_epoch", info.best_epoch},
              {"train_seconds", number_or_null(info.train_seconds)},
              {"accuracy", accuracy}};
}

RunInfo run_info_from_json(const json& j, const std::string& source) {
  if (!j.is_object()) throw Error(source + ": expected a JSON object describing the run");
  const Reader r(j, source);
  RunInfo info;
  info.name = r.string("name", true);
  info.model = r.choice("model", kModelNames, true);
  // An image kind, or the feature kinds a matrix model reads ("stats", "compact_mel+stats").
  info.kind = r.string("kind", true);
  info.split = r.choice("split", kSplitMethods, false);
  info.random_backbone = r.boolean("random_backbone");
  info.jaams_version = r.string("jaams_version", false);
  info.epochs_run = r.integer("epochs_run", 0);
  info.best_epoch = r.integer("best_epoch", 0);
  info.train_seconds = r.number(r.find("train_seconds"), "train_seconds");

  const json* classes = r.find("classes");
  if (classes == nullptr) throw Error(source + ": missing key 'classes'");
  if (!classes->is_array() || classes->empty()) r.fail("classes", "must be a non-empty list of class names");
  for (const auto& c : *classes) {
    if (!c.is_string()) r.fail("classes", "holds " + c.dump() + ", not a class name");
    info.classes.push_back(c.get<std::string>());
  }

  if (const json* acc = r.find("accuracy"); acc != nullptr && !acc->is_null()) {
    if (!acc->is_object()) r.fail("accuracy", "must be an object keyed by split (train, val, test)");
    for (const auto& [split, value] : acc->items()) {
      const std::string key = "accuracy." + split;
      if (!is_one_of(split, kSplitNames)) r.fail(key, "is not a split; expected one of " + join(kSplitNames));
      if (value.is_null()) continue;
      if (!value.is_object()) r.fail(key, "must be an object with 'segment' and 'track'");
      SplitAccuracy sa;
      const auto seg = value.find("segment");
      const auto trk = value.find("track");
      sa.segment = r.number(seg == value.end() ? nullptr : &*seg, key + ".segment");
      sa.track = r.number(trk == value.end() ? nullptr : &*trk, key + ".track");
      info.accuracy[split] = sa;
    }
  }
  return info;
}

void write_run_info(const fs::path& run_dir, const RunInfo& info) {
  write_file_atomic(run_info_path(run_dir), to_json(info).dump(2) + "\n");
}

RunInfo read_run_info(const fs::path& run_dir) {
  std::error_code ec;
  if (!fs::is_directory(run_dir, ec)) throw Error(run_dir.string() + ": no such run folder");
  const fs::path path = run_info_path(run_dir);
  if (!fs::exists(path, ec))
    throw Error(run_dir.string() + ": not a run folder (" + kRunInfoFile +
                " is missing; give the folder that `jaams train` wrote)");
  json j;
  try {
    j = json::parse(read_text(path, "run description"));
  } catch (const json::parse_error& e) {
    throw Error(path.string() + ": not valid JSON (" + e.what() + ")");
  }
  return run_info_from_json(j, path.string());
}

std::string history_csv(const std::vector<EpochRecord>& history) {
  std::ostringstream out;
  out << kHistoryHeader << '\n';
  for (const auto& e : history) {
    out << e.epoch << ',' << text::exact(e.train_loss) << ',' << text::exact(e.train_accuracy) << ','
        << text::exact(e.val_loss) << ',' << text::exact(e.val_accuracy) << ',' << text::exact(e.seconds) << '\n';
  }
  return out.str();
}

void write_history(const fs::path& run_dir, const std::vector<EpochRecord>& history) {
  write_file_atomic(history_path(run_dir), history_csv(history));
}

std::vector<EpochRecord> parse_history_csv(const std::string& content, const std::string& source) {
  std::istringstream in(content);
  std::string line;
  if (!std::getline(in, line) || trim(line) != kHistoryHeader)
    throw Error(source + ": line 1 must be the header '" + std::string(kHistoryHeader) + "'");
  std::vector<EpochRecord> rows;
  for (int line_no = 2; std::getline(in, line); ++line_no) {
    line = trim(line);
    if (line.empty()) continue;
    std::vector<std::string> fields;
    std::stringstream ss(line);
    for (std::string f; std::getline(ss, f, ',');) fields.push_back(trim(f));
    if (line.back() == ',') fields.emplace_back();
    const std::string where = source + ":" + std::to_string(line_no);
    if (fields.size() != 6)
      throw Error(where + ": expected 6 comma-separated fields, found " + std::to_string(fields.size()));
    EpochRecord e;
    const double epoch = parse_number(fields[0], where);
    if (std::isnan(epoch) || epoch != std::floor(epoch))
      throw Error(where + ": epoch '" + fields[0] + "' is not a whole number");
    e.epoch = static_cast<int>(epoch);
    e.train_loss = parse_number(fields[1], where);
    e.train_accuracy = parse_number(fields[2], where);
    e.val_loss = parse_number(fields[3], where);
    e.val_accuracy = parse_number(fields[4], where);
    e.seconds = parse_number(fields[5], where);
    rows.push_back(e);
  }
  return rows;
}

std::vector<EpochRecord> read_history(const fs::path& run_dir) {
  const fs::path path = history_path(run_dir);
  return parse_history_csv(read_text(path, "training history"), path.string());
}

void write_split_metrics(const fs::path& run_dir, const std::string& split, const Metrics& metrics) {
  write_metrics_json(split_metrics_path(run_dir, split), metrics);
}

Metrics read_split_metrics(const fs::path& run_dir, const std::string& split) {
  return read_metrics_json(split_metrics_path(run_dir, split));
}

}  // namespace jaams::eval
