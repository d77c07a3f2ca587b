#pragma once
// The dataset manifest: one CSV row per segment image that `preprocess` wrote, so training,
// evaluation and the split protocols work from a plain file instead of re-scanning folders.
//
//   image,track_id,genre,segment,start_seconds,duration_seconds,kind
//   blues/blues.00012_s0_mel.png,blues.00012,blues,0,0,10,mel
//
// CSV follows RFC 4180: fields holding a comma, a double quote or a line break are quoted and
// inner quotes doubled. Numbers are written and read independently of the C locale.
#include <cstddef>
#include <filesystem>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

namespace jaams::data {

struct ManifestRow {
  std::string image;     // path relative to the dataset root
  std::string track_id;  // the audio file's stem, e.g. "blues.00012"; unique per track in a dataset
  std::string genre;
  int segment = 0;       // index of the segment within its track, from 0
  double start_seconds = 0;
  double duration_seconds = 0;
  std::string kind;      // image kind, e.g. "mel", "centroid", "chroma"
};

// Writes `rows` (header first) atomically; throws jaams::Error naming `path` on failure.
void write_manifest(const std::filesystem::path& path, const std::vector<ManifestRow>& rows);

// Reads a manifest. Columns are found by header name (order free, extra columns ignored).
// Throws jaams::Error naming the file and line for a missing file or column, a row with the
// wrong number of fields, an empty image/track_id/genre, or a number that does not parse.
std::vector<ManifestRow> read_manifest(const std::filesystem::path& path);

// --- CSV primitives shared by the manifest and splits files ---------------------------------

// `field` quoted when it must be (comma, quote, CR or LF inside), as RFC 4180 asks.
std::string csv_field(std::string_view field);

// Reads RFC 4180 records from a stream; a quoted field may span lines. `name` (usually the file
// path) prefixes error messages, which also give the line number.
class CsvReader {
 public:
  CsvReader(std::istream& in, std::string name);

  // Fills `fields` with the next record; false at end of input. Blank lines are skipped.
  bool next(std::vector<std::string>& fields);

  // The line (from 1) on which the record last returned by next() starts.
  std::size_t line() const { return record_line_; }

  // "<name>:<line>: " for error messages about the current record.
  std::string where() const;

 private:
  std::istream& in_;
  std::string name_;
  std::size_t line_ = 0;  // physical lines consumed so far
  std::size_t record_line_ = 0;
};

}  // namespace jaams::data
