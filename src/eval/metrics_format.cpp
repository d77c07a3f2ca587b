#include "jaams/eval/metrics_format.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "jaams/eval/text_format.hpp"
#include "jaams/util/atomic_file.hpp"
#include "jaams/util/error.hpp"

namespace jaams::eval {

namespace {

using nlohmann::json;
using Matrix = std::vector<std::vector<long>>;

json number_or_null(double v) { return std::isnan(v) ? json(nullptr) : json(v); }

Matrix matrix_from_json(const json& j, const std::string& key, std::size_t n, const std::string& source) {
  const auto it = j.find(key);
  if (it == j.end()) throw Error(source + ": missing key '" + key + "'");
  const std::string where = source + ": '" + key + "'";
  if (!it->is_array() || it->size() != n)
    throw Error(where + " must be a list of " + std::to_string(n) + " rows (one per class)");
  Matrix m;
  for (const auto& row : *it) {
    if (!row.is_array() || row.size() != n)
      throw Error(where + " must have " + std::to_string(n) + " counts in every row");
    std::vector<long> r;
    for (const auto& v : row) {
      if (!v.is_number_integer() || v.get<long>() < 0) throw Error(where + " holds " + v.dump() + ", not a count");
      r.push_back(v.get<long>());
    }
    m.push_back(std::move(r));
  }
  return m;
}

// Recall per row and precision per column of any confusion matrix (NaN when undefined).
void recall_precision(const Matrix& m, std::vector<double>& recall, std::vector<double>& precision) {
  const std::size_t n = m.size();
  recall.assign(n, std::nan(""));
  precision.assign(n, std::nan(""));
  for (std::size_t c = 0; c < n; ++c) {
    long row = 0;
    long col = 0;
    for (std::size_t k = 0; k < n; ++k) {
      row += m[c][k];
      col += m[k][c];
    }
    if (row > 0) recall[c] = static_cast<double>(m[c][c]) / static_cast<double>(row);
    if (col > 0) precision[c] = static_cast<double>(m[c][c]) / static_cast<double>(col);
  }
}

// Table 3's layout: rows actual, columns predicted then Recall, last row Precision.
std::string confusion_markdown(const std::vector<std::string>& classes, const Matrix& m) {
  std::vector<double> recall;
  std::vector<double> precision;
  recall_precision(m, recall, precision);
  std::ostringstream out;
  out << "| Actual \\ Predicted |";
  for (const auto& c : classes) out << ' ' << text::markdown_cell(c) << " |";
  out << " Recall |\n|---|";
  for (std::size_t i = 0; i <= classes.size(); ++i) out << "---:|";
  out << '\n';
  for (std::size_t r = 0; r < classes.size(); ++r) {
    out << "| " << text::markdown_cell(classes[r]) << " |";
    for (long v : m[r]) out << ' ' << v << " |";
    out << ' ' << text::fixed(recall[r], 3) << " |\n";
  }
  out << "| Precision |";
  for (double p : precision) out << ' ' << text::fixed(p, 3) << " |";
  out << "  |\n";
  return out.str();
}

std::vector<TrackOutcome> per_track_from_json(const json& j, std::size_t classes, const std::string& source) {
  const std::string where = source + ": 'per_track'";
  if (!j.is_array()) throw Error(where + " must be a list of tracks");
  std::vector<TrackOutcome> out;
  for (const auto& t : j) {
    TrackOutcome o;
    try {
      o.track_id = t.at("track").get<std::string>();
      o.label = t.at("actual").get<int>();
      o.predicted = t.at("predicted").get<int>();
      o.segments = t.at("segments").get<long>();
      o.segments_correct = t.at("segments_correct").get<long>();
    } catch (const json::exception&) {
      throw Error(where + " holds " + t.dump() +
                  ", not {\"track\", \"actual\", \"predicted\", \"segments\", \"segments_correct\"}");
    }
    const auto n = static_cast<int>(classes);
    if (o.label < 0 || o.label >= n || o.predicted < 0 || o.predicted >= n || o.segments < 1 ||
        o.segments_correct < 0 || o.segments_correct > o.segments)
      throw Error(where + ": track '" + o.track_id + "' has a class index or segment count out of range");
    out.push_back(std::move(o));
  }
  return out;
}

json calibration_to_json(const Calibration& c) {
  json bins = json::array();
  for (const auto& b : c.bins) bins.push_back({b.low, b.high, b.count, b.mean_confidence, b.accuracy});
  return {{"ece", number_or_null(c.ece)}, {"bins", bins}};
}

Calibration calibration_from_json(const json& j, const std::string& where) {
  Calibration c;
  try {
    c.ece = j.at("ece").is_null() ? std::nan("") : j.at("ece").get<double>();
    for (const auto& b : j.at("bins")) {
      if (b.size() != 5) throw Error(where + ": a bin must be [low, high, count, mean_confidence, accuracy]");
      c.bins.push_back({b[0].get<double>(), b[1].get<double>(), b[2].get<long>(), b[3].get<double>(), b[4].get<double>()});
    }
  } catch (const json::exception&) {
    throw Error(where + " must be {\"ece\", \"bins\": [[low, high, count, mean_confidence, accuracy], ...]}");
  }
  return c;
}

std::string interval_text(const Interval& ci) {
  return ci.valid() ? " [95% CI " + text::fixed(ci.low, 4) + "-" + text::fixed(ci.high, 4) + "]" : "";
}

std::string summary_line(const Metrics& m) {
  std::ostringstream out;
  out << "Segments: " << m.segments << " (tracks: " << m.tracks
      << "). Segment accuracy: " << text::fixed(m.segment_accuracy, 4) << interval_text(m.segment_accuracy_ci)
      << ", track accuracy: " << text::fixed(m.track_accuracy, 4) << interval_text(m.track_accuracy_ci)
      << ", macro F1: " << text::fixed(m.macro_f1, 4);
  if (!std::isnan(m.mean_loss)) out << ", mean loss: " << text::fixed(m.mean_loss, 4);
  out << '.';
  if (!std::isnan(m.calibration.ece)) {
    out << "\nCalibration (" << m.calibration.bins.size() << " bins, segments): ECE " << text::fixed(m.calibration.ece, 4);
    if (m.temperature != 1.0)
      out << ", " << text::fixed(m.calibrated.ece, 4) << " after temperature " << text::fixed(m.temperature, 3);
    else
      out << " (no temperature fitted)";
    out << '.';
  }
  return out.str();
}

std::string pad_left(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}
std::string pad_right(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

}  // namespace

json to_json(const Metrics& m) {
  json per_class = json::array();
  for (std::size_t c = 0; c < m.classes.size(); ++c) {
    per_class.push_back({{"class", m.classes[c]},
                         {"precision", m.precision[c]},
                         {"recall", m.recall[c]},
                         {"f1", m.f1[c]},
                         {"support", m.support[c]},
                         {"precision_defined", static_cast<bool>(m.precision_defined[c])},
                         {"recall_defined", static_cast<bool>(m.recall_defined[c])}});
  }
  json out{{"classes", m.classes},
           {"segments", m.segments},
           {"tracks", m.tracks},
           {"segment_accuracy", m.segment_accuracy},
           {"track_accuracy", m.track_accuracy},
           {"macro_f1", m.macro_f1},
           {"mean_loss", number_or_null(m.mean_loss)},
           {"confusion", m.confusion},
           {"track_confusion", m.track_confusion},
           {"per_class", per_class}};
  if (m.bootstrap_resamples > 0) {
    const auto pair = [](const Interval& ci) { return json::array({number_or_null(ci.low), number_or_null(ci.high)}); };
    out["bootstrap"] = {{"resamples", m.bootstrap_resamples},
                        {"seed", m.bootstrap_seed},
                        {"level", 0.95},
                        {"segment_accuracy", pair(m.segment_accuracy_ci)},
                        {"track_accuracy", pair(m.track_accuracy_ci)}};
  }
  if (!std::isnan(m.calibration.ece)) {
    out["calibration"] = {{"temperature", m.temperature},
                          {"raw", calibration_to_json(m.calibration)},
                          {"calibrated", calibration_to_json(m.calibrated)}};
  }
  if (!m.per_track.empty()) {
    json tracks = json::array();
    for (const auto& t : m.per_track)
      tracks.push_back({{"track", t.track_id},
                        {"actual", t.label},
                        {"predicted", t.predicted},
                        {"segments", t.segments},
                        {"segments_correct", t.segments_correct}});
    out["per_track"] = std::move(tracks);
  }
  return out;
}

Metrics metrics_from_json(const json& j, const std::string& source) {
  if (!j.is_object()) throw Error(source + ": expected a JSON object of metrics");
  const auto classes_it = j.find("classes");
  if (classes_it == j.end()) throw Error(source + ": missing key 'classes'");
  if (!classes_it->is_array() || classes_it->empty())
    throw Error(source + ": 'classes' must be a non-empty list of class names");
  std::vector<std::string> classes;
  for (const auto& c : *classes_it) {
    if (!c.is_string()) throw Error(source + ": 'classes' holds " + c.dump() + ", not a class name");
    classes.push_back(c.get<std::string>());
  }
  const std::size_t n = classes.size();
  Metrics m = metrics_from_confusion(classes, matrix_from_json(j, "confusion", n, source),
                                     matrix_from_json(j, "track_confusion", n, source));
  if (const auto it = j.find("mean_loss"); it != j.end() && !it->is_null()) {
    if (!it->is_number()) throw Error(source + ": 'mean_loss' must be a number or null");
    m.mean_loss = it->get<double>();
  }
  if (const auto it = j.find("per_track"); it != j.end()) {
    m.per_track = per_track_from_json(*it, n, source);
    long segments = 0;
    for (const auto& t : m.per_track) segments += t.segments;
    if (m.per_track.size() != m.tracks || static_cast<std::size_t>(segments) != m.segments)
      throw Error(source + ": 'per_track' lists " + std::to_string(m.per_track.size()) + " tracks of " +
                  std::to_string(segments) + " segments, the confusion matrices " + std::to_string(m.tracks) +
                  " of " + std::to_string(m.segments));
  }
  // Calibration needs the probabilities, which the file does not keep: taken as written.
  if (const auto it = j.find("calibration"); it != j.end()) {
    const std::string where = source + ": 'calibration'";
    if (!it->is_object() || !it->contains("temperature") || !(*it)["temperature"].is_number() ||
        !it->contains("raw") || !it->contains("calibrated"))
      throw Error(where + " must hold 'temperature', 'raw' and 'calibrated'");
    m.temperature = (*it)["temperature"].get<double>();
    m.calibration = calibration_from_json((*it)["raw"], where + ".raw");
    m.calibrated = calibration_from_json((*it)["calibrated"], where + ".calibrated");
  }
  // The intervals are derived values too: drawn again with the stored resamples and seed.
  if (const auto it = j.find("bootstrap"); it != j.end()) {
    const auto r = it->find("resamples");
    const auto seed = it->find("seed");
    if (!it->is_object() || r == it->end() || !r->is_number_integer() || r->get<long>() < 0 || seed == it->end() ||
        !seed->is_number_unsigned())
      throw Error(source + ": 'bootstrap' must hold a count 'resamples' and a seed 'seed'");
    set_confidence_intervals(m, r->get<int>(), seed->get<std::uint64_t>());
  }
  return m;
}

std::string to_markdown(const Metrics& m, const std::string& title) {
  std::ostringstream out;
  if (!title.empty()) out << "## " << title << "\n\n";
  out << summary_line(m) << "\n\n";
  out << confusion_markdown(m.classes, m.confusion) << '\n';

  out << "| Class | Precision | Recall | F1 | Segments |\n|---|---:|---:|---:|---:|\n";
  bool undefined = false;
  for (std::size_t c = 0; c < m.classes.size(); ++c) {
    undefined = undefined || !m.precision_defined[c] || !m.recall_defined[c];
    out << "| " << text::markdown_cell(m.classes[c]) << " | "
        << (m.precision_defined[c] ? text::fixed(m.precision[c], 3) : "n/a") << " | "
        << (m.recall_defined[c] ? text::fixed(m.recall[c], 3) : "n/a") << " | " << text::fixed(m.f1[c], 3) << " | "
        << m.support[c] << " |\n";
  }
  out << "| **Macro F1** | | | " << text::fixed(m.macro_f1, 3) << " | " << m.segments << " |\n";
  if (undefined)
    out << "\nn/a: no segment of this class (recall) or none predicted as it (precision); counted as 0 in the F1.\n";

  out << "\nTrack level (mean of segment probabilities per track):\n\n";
  out << confusion_markdown(m.classes, m.track_confusion);
  return out.str();
}

std::string to_text(const Metrics& m) {
  std::vector<double> recall;
  std::vector<double> precision;
  recall_precision(m.confusion, recall, precision);

  std::size_t first = std::string("precision").size();
  std::size_t cell = 6;
  for (const auto& c : m.classes) {
    first = std::max(first, c.size());
    cell = std::max(cell, c.size());
  }
  for (const auto& row : m.confusion)
    for (long v : row) cell = std::max(cell, std::to_string(v).size());

  std::ostringstream out;
  out << summary_line(m) << '\n';
  out << pad_right("actual", first);
  for (const auto& c : m.classes) out << ' ' << pad_left(c, cell);
  out << ' ' << pad_left("recall", cell) << '\n';
  for (std::size_t r = 0; r < m.classes.size(); ++r) {
    out << pad_right(m.classes[r], first);
    for (long v : m.confusion[r]) out << ' ' << pad_left(std::to_string(v), cell);
    out << ' ' << pad_left(text::fixed(recall[r], 3), cell) << '\n';
  }
  out << pad_right("precision", first);
  for (double p : precision) out << ' ' << pad_left(text::fixed(p, 3), cell);
  out << '\n';
  return out.str();
}

void write_metrics_json(const std::filesystem::path& path, const Metrics& metrics) {
  write_file_atomic(path, to_json(metrics).dump(2) + "\n");
}

Metrics read_metrics_json(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path.string() + ": cannot open metrics file");
  json j;
  try {
    j = json::parse(in);
  } catch (const json::parse_error& e) {
    throw Error(path.string() + ": not valid JSON (" + e.what() + ")");
  }
  return metrics_from_json(j, path.string());
}

}  // namespace jaams::eval
