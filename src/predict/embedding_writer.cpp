#include "jaams/predict/embedding_writer.hpp"

#include <cerrno>
#include <cstring>
#include <sstream>
#include <vector>

#include "jaams/data/manifest.hpp"
#include "jaams/util/error.hpp"

namespace jaams::predict {
namespace fs = std::filesystem;

namespace {

constexpr const char* kTrackHeader = "row,path,segments\n";
constexpr const char* kSegmentHeader = "row,track_row,path,segment,start_seconds\n";

// The index lines of an earlier run, each with its byte offset, up to the first torn or
// malformed one; empty when the file does not exist.
struct IndexLine {
  std::vector<std::string> fields;
  std::streamoff end = 0;  // byte offset just past the line
};

std::vector<IndexLine> read_index(const fs::path& path, const std::string& header) {
  std::vector<IndexLine> lines;
  std::ifstream in(path, std::ios::binary);
  if (!in) return lines;
  std::string first;
  if (!std::getline(in, first) || first + "\n" != header)
    throw Error(path.string() + ": not an embeddings index (expected the header " + header.substr(0, header.size() - 1) + ")");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto base = static_cast<std::streamoff>(first.size() + 1);
  // Records end at a newline outside quotes; a last record without its newline is torn.
  std::size_t start = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '"') quoted = !quoted;
    if (text[i] != '\n' || quoted) continue;
    std::istringstream record(text.substr(start, i + 1 - start));
    data::CsvReader reader(record, path.string());
    IndexLine line;
    if (!reader.next(line.fields)) break;
    line.end = base + static_cast<std::streamoff>(i + 1);
    lines.push_back(std::move(line));
    start = i + 1;
  }
  return lines;
}

std::ofstream open_index(const fs::path& path, const std::string& header, std::streamoff keep_bytes) {
  std::ofstream out;
  if (keep_bytes > 0) {
    std::error_code ec;
    fs::resize_file(path, static_cast<std::uintmax_t>(keep_bytes), ec);
    if (ec) throw Error(path.string() + ": cannot truncate it: " + ec.message());
    out.open(path, std::ios::binary | std::ios::app);
  } else {
    out.open(path, std::ios::binary | std::ios::trunc);
    out << header;
    out.flush();
  }
  if (!out) throw Error(path.string() + ": cannot open it for writing: " + std::strerror(errno));
  return out;
}

// True when `field` is a row number below `limit`.
bool below(const std::string& field, long long limit) {
  if (field.empty() || field.find_first_not_of("0123456789") != std::string::npos || field.size() > 18) return false;
  return std::stoll(field) < limit;
}

std::string number(double v) {
  std::ostringstream s;
  s.imbue(std::locale::classic());
  s << v;
  return s.str();
}

void flush_or_throw(std::ofstream& out, const fs::path& path) {
  out.flush();
  if (!out) throw RuntimeFailure(path.string() + ": writing failed: " + std::strerror(errno));
}

}  // namespace

EmbeddingPaths embedding_paths(const fs::path& npy) {
  fs::path stem = npy;
  if (stem.extension() == ".npy") stem.replace_extension();
  const std::string s = stem.string();
  return {npy, s + ".csv", s + ".segments.npy", s + ".segments.csv"};
}

EmbeddingWriter::EmbeddingWriter(const fs::path& npy, std::size_t size, bool segments,
                                 const std::set<std::string>* resume_done)
    : paths_(embedding_paths(npy)), size_(size), segments_(segments) {
  long long keep_tracks = -1, keep_segments = -1;
  std::streamoff track_bytes = 0, segment_bytes = 0;
  if (resume_done) {
    // The tracks to keep: the leading index lines whose path predict's output holds and whose
    // vector is on disk (at most the last track can lack either, when a run was killed).
    const std::size_t vectors = NpyRowAppender::complete_rows(paths_.tracks, size_);
    const auto lines = read_index(paths_.track_index, kTrackHeader);
    keep_tracks = 0;
    for (const auto& line : lines) {
      if (line.fields.size() != 3 || line.fields[0] != std::to_string(keep_tracks) ||
          static_cast<std::size_t>(keep_tracks) >= vectors || !resume_done->count(line.fields[1]))
        break;
      ++keep_tracks;
      track_bytes = line.end;
    }
    if (segments_ && keep_tracks > 0) {
      const std::size_t seg_vectors = NpyRowAppender::complete_rows(paths_.segments, size_);
      keep_segments = 0;
      for (const auto& line : read_index(paths_.segment_index, kSegmentHeader)) {
        if (line.fields.size() != 5 || line.fields[0] != std::to_string(keep_segments) ||
            static_cast<std::size_t>(keep_segments) >= seg_vectors || !below(line.fields[1], keep_tracks))
          break;
        ++keep_segments;
        segment_bytes = line.end;
      }
    }
    // Nothing to keep: the files start anew.
    if (keep_tracks == 0) keep_tracks = -1;
    if (keep_segments == 0) keep_segments = -1;
  }
  tracks_ = std::make_unique<NpyRowAppender>(paths_.tracks, size_, keep_tracks);
  track_index_ = open_index(paths_.track_index, kTrackHeader, track_bytes);
  if (segments_) {
    segment_vectors_ = std::make_unique<NpyRowAppender>(paths_.segments, size_, keep_segments);
    segment_index_ = open_index(paths_.segment_index, kSegmentHeader, segment_bytes);
  }
}

void EmbeddingWriter::write(const FileResult& result) {
  if (!result.ok()) return;
  if (result.embedding.size() != size_)
    throw std::logic_error("embeddings: a vector of " + std::to_string(result.embedding.size()) + " values, expected " +
                           std::to_string(size_));
  const std::string path = data::csv_field(result.path.string());
  const std::size_t track_row = tracks_->rows();
  if (segments_) {
    std::string lines;
    for (const auto& s : result.segments) {
      lines += std::to_string(segment_vectors_->rows()) + "," + std::to_string(track_row) + "," + path + "," +
               std::to_string(s.index) + "," + number(s.start_seconds) + "\n";
      segment_vectors_->append(s.embedding.data());
    }
    segment_index_ << lines;
    flush_or_throw(segment_index_, paths_.segment_index);
  }
  tracks_->append(result.embedding.data());
  track_index_ << track_row << ',' << path << ',' << result.segments.size() << '\n';
  flush_or_throw(track_index_, paths_.track_index);
}

}  // namespace jaams::predict
