#pragma once
// Writing prediction rows as files finish, and picking an interrupted output up again.
//
// CSV (RFC 4180, header first), columns in this order:
//   row,segment,start_seconds           only with segment rows: "track" | "segment", the segment
//                                       index and its start time (empty on track rows)
//   path                                the input as it was found or given
//   genre,probability                   the top class and its probability ("unknown" as the
//                                       genre of a track row whose top probability is below
//                                       RowLayout::min_confidence)
//   top1,p1 ... topK,pK                 the K most probable classes (K = --top-k)
//   segments                            segments scored (track rows)
//   duration_seconds                    the file's length (track rows; with --max-segments the length
//                                       its header gives, though only the scored part was decoded)
//                                       or the audio in the segment
//   error                               why the file could not be classified (empty when it was)
//   p_<class> ...                       every class's probability, in the package's class order
//                                       (with per-class columns, e.g. --segments)
//   tags                                with --tags: the 5 strongest tags of the track
//                                       ("rock 0.912; indie 0.551; ..."), empty on segment rows
// JSON lines: one object per row with the same fields ("top": [{"genre", "probability"}...],
// "probabilities": {class: p} with per-class columns, "error": null when classified); "row" is
// always present.
//
// A file's rows are written together, segment rows first and its track row last, and flushed at
// once, so a killed run leaves whole files behind plus at most one torn block at the end.
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "jaams/predict/predictor.hpp"

namespace jaams::predict {

enum class OutputFormat { csv, jsonl };

// "csv" | "jsonl"; throws jaams::Error otherwise.
OutputFormat parse_output_format(const std::string& name);
// jsonl for a name ending in .jsonl or .ndjson, csv otherwise.
OutputFormat format_for_path(const std::filesystem::path& path);

struct RowLayout {
  OutputFormat format = OutputFormat::csv;
  std::vector<std::string> classes;
  std::size_t top_k = 3;       // clamped to the number of classes
  bool segment_rows = false;   // a row per segment besides the track row
  bool class_columns = false;  // every class's probability on each row
  std::vector<std::string> tag_names;  // with --tags: the model's tag names (a `tags` column)
  double min_confidence = 0.0;  // track rows whose pooled top probability is below it: genre "unknown"
};

inline constexpr const char* kUnknownGenre = "unknown";

// The CSV header line (with its newline); empty for JSON lines.
std::string header_line(const RowLayout& layout);

// All rows of one file, each ending in a newline: segment rows (when asked) then the track row.
std::string format_rows(const RowLayout& layout, const FileResult& result);

class ResultWriter {
 public:
  // Writes to `path`, or to standard output when it is empty. `append` continues a file prepared
  // by prepare_resume (no header is written); otherwise the file is replaced. Throws jaams::Error
  // naming the file when it cannot be opened.
  ResultWriter(RowLayout layout, const std::filesystem::path& path, bool append);

  // Writes and flushes the rows of one file; throws jaams::Error when the write fails.
  void write(const FileResult& result);

  const RowLayout& layout() const { return layout_; }

 private:
  RowLayout layout_;
  std::filesystem::path path_;
  std::unique_ptr<std::ofstream> file_;
  std::ostream* out_;
};

struct ResumeState {
  std::set<std::string> done;     // paths that already have their track row
  std::size_t dropped_bytes = 0;  // a torn last line or rows of an unfinished file, removed
  bool fresh = false;             // no usable earlier output: start it anew (header included)
};

// Prepares `path` for --resume: reads the rows already there, checks that they were written
// with the same layout (CSV: same header; JSON lines: every line an object with "row" and
// "path"), and truncates the file after its last complete track row, so that a torn last line
// or a file's segment rows without their track row are dropped. Missing or empty file: fresh.
// Throws jaams::Error naming the file when its layout differs or a complete line is corrupt.
ResumeState prepare_resume(const std::filesystem::path& path, const RowLayout& layout);

}  // namespace jaams::predict
