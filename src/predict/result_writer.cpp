#include "jaams/predict/result_writer.hpp"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "jaams/eval/metrics.hpp"
#include "jaams/eval/text_format.hpp"
#include "jaams/util/error.hpp"

namespace jaams::predict {
namespace fs = std::filesystem;
using nlohmann::json;

OutputFormat parse_output_format(const std::string& name) {
  if (name == "csv") return OutputFormat::csv;
  if (name == "jsonl") return OutputFormat::jsonl;
  throw Error("--format '" + name + "': expected csv or jsonl");
}

OutputFormat format_for_path(const fs::path& path) {
  const std::string ext = path.extension().string();
  return ext == ".jsonl" || ext == ".ndjson" ? OutputFormat::jsonl : OutputFormat::csv;
}

namespace {

std::string fixed(double value, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return buf;
}

// Rounded the way the CSV prints it, so both formats carry the same numbers.
double rounded(double value, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}

constexpr int kProbDecimals = 6;
constexpr int kSecondsDecimals = 3;

std::string one_line(const std::string& text) {
  std::string out = text;
  for (char& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

std::size_t effective_k(const RowLayout& l) { return std::min(l.top_k, l.classes.size()); }

std::vector<std::string> header_fields(const RowLayout& l) {
  std::vector<std::string> h;
  if (l.segment_rows) h.insert(h.end(), {"row", "segment", "start_seconds"});
  h.insert(h.end(), {"path", "genre", "probability"});
  for (std::size_t k = 1; k <= effective_k(l); ++k) {
    h.push_back("top" + std::to_string(k));
    h.push_back("p" + std::to_string(k));
  }
  h.insert(h.end(), {"segments", "duration_seconds", "error"});
  if (l.class_columns) {
    for (const auto& c : l.classes) h.push_back("p_" + c);
  }
  if (!l.tag_names.empty()) h.push_back("tags");
  return h;
}

std::string join_csv(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) line += ',';
    line += eval::text::csv_field(fields[i]);
  }
  return line + "\n";
}

// One row's fields; `segment` is null for the track row.
struct RowData {
  const FileResult& file;
  const SegmentResult* segment;
  const std::vector<float>* probs;  // null for a failed file
};

constexpr std::size_t kTagsInCsv = 5;

// "rock 0.912; indie 0.551; ..." - the strongest tags of a track row; empty elsewhere.
std::string tag_summary(const RowLayout& l, const RowData& d) {
  if (d.segment || d.file.tags.size() != l.tag_names.size()) return "";
  std::string out;
  for (const auto t : top_classes(d.file.tags, kTagsInCsv)) {
    out += (out.empty() ? "" : "; ") + l.tag_names[t] + " " + fixed(d.file.tags[t], 3);
  }
  return out;
}

// The genre column: the top class, or "unknown" for a track whose model is not sure enough.
std::string genre_of(const RowLayout& l, const RowData& d, std::size_t top) {
  const bool unsure = !d.segment && static_cast<double>((*d.probs)[top]) < l.min_confidence;
  return unsure ? kUnknownGenre : l.classes[top];
}

std::string csv_row(const RowLayout& l, const RowData& d) {
  std::vector<std::string> f;
  if (l.segment_rows) {
    f.push_back(d.segment ? "segment" : "track");
    f.push_back(d.segment ? std::to_string(d.segment->index) : "");
    f.push_back(d.segment ? fixed(d.segment->start_seconds, kSecondsDecimals) : "");
  }
  f.push_back(d.file.path.string());
  const std::size_t k = effective_k(l);
  if (d.probs) {
    const auto top = top_classes(*d.probs, k);
    f.push_back(genre_of(l, d, top[0]));
    f.push_back(fixed((*d.probs)[top[0]], kProbDecimals));
    for (const auto c : top) {
      f.push_back(l.classes[c]);
      f.push_back(fixed((*d.probs)[c], kProbDecimals));
    }
  } else {
    f.insert(f.end(), 2 + 2 * k, "");
  }
  if (d.segment) {
    f.push_back("");
    f.push_back(fixed(d.segment->duration_seconds, kSecondsDecimals));
    f.push_back("");
  } else {
    f.push_back(d.file.ok() ? std::to_string(d.file.segments.size()) : "");
    f.push_back(d.file.ok() || d.file.length_seconds() > 0 ? fixed(d.file.length_seconds(), kSecondsDecimals) : "");
    f.push_back(one_line(d.file.error));
  }
  if (l.class_columns) {
    for (std::size_t c = 0; c < l.classes.size(); ++c) f.push_back(d.probs ? fixed((*d.probs)[c], kProbDecimals) : "");
  }
  if (!l.tag_names.empty()) f.push_back(tag_summary(l, d));
  return join_csv(f);
}

std::string json_row(const RowLayout& l, const RowData& d) {
  // Keys in the order of the CSV columns, for people reading the lines.
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["row"] = d.segment ? "segment" : "track";
  j["path"] = d.file.path.string();
  if (d.segment) {
    j["segment"] = d.segment->index;
    j["start_seconds"] = rounded(d.segment->start_seconds, kSecondsDecimals);
  }
  if (d.probs) {
    const auto top = top_classes(*d.probs, effective_k(l));
    j["genre"] = genre_of(l, d, top[0]);
    j["probability"] = rounded((*d.probs)[top[0]], kProbDecimals);
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto c : top)
      list.push_back({{"genre", l.classes[c]}, {"probability", rounded((*d.probs)[c], kProbDecimals)}});
    j["top"] = list;
  } else {
    j["genre"] = nullptr;
    j["probability"] = nullptr;
    j["top"] = nlohmann::ordered_json::array();
  }
  if (d.segment) {
    j["duration_seconds"] = rounded(d.segment->duration_seconds, kSecondsDecimals);
  } else {
    j["segments"] = d.file.segments.size();
    j["duration_seconds"] = rounded(d.file.length_seconds(), kSecondsDecimals);
    j["error"] = d.file.ok() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(d.file.error);
  }
  if (l.class_columns && d.probs) {
    nlohmann::ordered_json p = nlohmann::ordered_json::object();
    for (std::size_t c = 0; c < l.classes.size(); ++c) p[l.classes[c]] = rounded((*d.probs)[c], kProbDecimals);
    j["probabilities"] = p;
  }
  if (!l.tag_names.empty() && !d.segment && d.file.tags.size() == l.tag_names.size()) {
    nlohmann::ordered_json t = nlohmann::ordered_json::object();
    for (const auto i : top_classes(d.file.tags, l.tag_names.size())) t[l.tag_names[i]] = rounded(d.file.tags[i], kProbDecimals);
    j["tags"] = t;
  }
  // Invalid UTF-8 in a path must not abort the run: replace it.
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace

std::string header_line(const RowLayout& layout) {
  return layout.format == OutputFormat::csv ? join_csv(header_fields(layout)) : std::string();
}

std::string format_rows(const RowLayout& layout, const FileResult& result) {
  std::string out;
  auto row = [&](const RowData& d) {
    out += layout.format == OutputFormat::csv ? csv_row(layout, d) : json_row(layout, d);
  };
  if (layout.segment_rows && result.ok()) {
    for (const auto& s : result.segments) row({result, &s, &s.probabilities});
  }
  row({result, nullptr, result.ok() ? &result.probabilities : nullptr});
  return out;
}

ResultWriter::ResultWriter(RowLayout layout, const fs::path& path, bool append)
    : layout_(std::move(layout)), path_(path), out_(&std::cout) {
  if (!path_.empty()) {
    std::error_code ec;
    if (path_.has_parent_path()) fs::create_directories(path_.parent_path(), ec);
    file_ = std::make_unique<std::ofstream>(
        path_, append ? std::ios::binary | std::ios::app : std::ios::binary | std::ios::trunc);
    if (!*file_) throw Error(path_.string() + ": cannot open for writing");
    out_ = file_.get();
  }
  if (!append) {
    *out_ << header_line(layout_);
    out_->flush();
  }
  if (!*out_) throw Error((path_.empty() ? std::string("standard output") : path_.string()) + ": write failed");
}

void ResultWriter::write(const FileResult& result) {
  *out_ << format_rows(layout_, result);
  out_->flush();
  if (!*out_) throw Error((path_.empty() ? std::string("standard output") : path_.string()) + ": write failed");
}

namespace {

// RFC 4180 records with the byte offset just past each one's line break. A record without its
// line break (a torn last line) is not returned.
struct Record {
  std::vector<std::string> fields;
  std::size_t end = 0;
};

std::vector<Record> csv_records(const std::string& text) {
  std::vector<Record> records;
  Record cur;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cur.fields.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      if (!field.empty() && field.back() == '\r') field.pop_back();
      cur.fields.push_back(std::move(field));
      field.clear();
      cur.end = i + 1;
      records.push_back(std::move(cur));
      cur = Record{};
    } else {
      field += c;
    }
  }
  return records;
}

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path.string() + ": cannot read the earlier output to resume");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

ResumeState prepare_resume(const fs::path& path, const RowLayout& layout) {
  ResumeState state;
  std::error_code ec;
  if (!fs::exists(path, ec) || fs::file_size(path, ec) == 0) {
    state.fresh = true;
    return state;
  }
  const std::string text = read_all(path);
  std::size_t keep = 0;  // bytes to keep: up to the last complete track row

  if (layout.format == OutputFormat::csv) {
    const auto records = csv_records(text);
    if (records.empty()) {  // not even a complete header: start over
      state.fresh = true;
      state.dropped_bytes = text.size();
      fs::resize_file(path, 0);
      return state;
    }
    const auto expected = header_fields(layout);
    if (records[0].fields != expected) {
      throw Error(path.string() +
                  ": its columns differ from this run's (other --format, --top-k, --segments or model "
                  "classes); resume with the same options or choose another --output");
    }
    keep = records[0].end;
    const std::size_t path_col = layout.segment_rows ? 3 : 0;
    for (std::size_t r = 1; r < records.size(); ++r) {
      const auto& f = records[r].fields;
      if (f.size() != expected.size()) {
        // Only the last line can be damaged by an interruption.
        if (r + 1 == records.size()) break;
        throw Error(path.string() + ": row " + std::to_string(r + 1) + " has " + std::to_string(f.size()) +
                    " fields, expected " + std::to_string(expected.size()));
      }
      if (!layout.segment_rows || f[0] == "track") {
        state.done.insert(f[path_col]);
        keep = records[r].end;
      }
    }
  } else {
    std::size_t pos = 0;
    std::size_t line_no = 0;
    while (pos < text.size()) {
      const std::size_t nl = text.find('\n', pos);
      if (nl == std::string::npos) break;  // torn last line
      ++line_no;
      const std::string line = text.substr(pos, nl - pos);
      const std::size_t end = nl + 1;
      pos = end;
      if (line.empty()) continue;
      json j;
      try {
        j = json::parse(line);
      } catch (const json::exception&) {
        if (pos >= text.size()) break;  // a damaged last line
        throw Error(path.string() + ":" + std::to_string(line_no) +
                    ": not a JSON object (is this a jaams predict output?)");
      }
      if (!j.is_object() || !j.contains("row") || !j.contains("path") || !j["path"].is_string()) {
        throw Error(path.string() + ":" + std::to_string(line_no) +
                    ": not a jaams predict row (no \"row\" and \"path\")");
      }
      if (j.contains("probabilities") != layout.class_columns && j["row"] == "track" && j["error"].is_null()) {
        throw Error(path.string() +
                    ": written with other options (--segments differs); resume with the same options or "
                    "choose another --output");
      }
      if (j["row"] == "track") {
        state.done.insert(j["path"].get<std::string>());
        keep = end;
      }
    }
  }
  if (keep < text.size()) {
    state.dropped_bytes = text.size() - keep;
    fs::resize_file(path, keep, ec);
    if (ec) throw Error(path.string() + ": cannot truncate the unfinished end: " + ec.message());
  }
  return state;
}

}  // namespace jaams::predict
