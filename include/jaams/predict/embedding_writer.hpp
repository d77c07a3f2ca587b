#pragma once
// `jaams predict --embeddings FILE.npy`: each track's embedding (the mean over its segments of the
// model's penultimate activations, models/classifier.hpp; for `transfer`, the backbone features)
// written as the tracks finish, beside predict's rows:
//   FILE.npy            float32 [tracks, F]
//   FILE.csv            row,path,segments           (row: the track's row in FILE.npy)
// and with --segments, every segment's embedding too:
//   FILE.segments.npy   float32 [segments, F]
//   FILE.segments.csv   row,track_row,path,segment,start_seconds
// Files that could not be classified have no embedding (their reason is in predict's rows).
//
// Streamed like the rows: a track's vectors are written and flushed before its index line, and
// the .npy headers count only the rows already on disk (util/npy.hpp), so a killed run leaves
// files numpy reads, and memory holds one track at a time. --resume keeps the tracks that
// predict's output already has and drops anything written after them.
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>

#include "jaams/predict/predictor.hpp"
#include "jaams/util/npy.hpp"

namespace jaams::predict {

struct EmbeddingPaths {
  std::filesystem::path tracks, track_index, segments, segment_index;
};

// The four files for `npy` (FILE.npy or FILE: the index and segment names are made from FILE).
EmbeddingPaths embedding_paths(const std::filesystem::path& npy);

class EmbeddingWriter {
 public:
  // `size`: the embedding's length (Predictor::embedding_size()). `resume_done`: null for new
  // files (old ones are replaced); otherwise the paths predict's output already holds, whose
  // leading tracks are kept. Throws jaams::Error naming the file that cannot be opened or is not
  // an earlier run's with this embedding size.
  EmbeddingWriter(const std::filesystem::path& npy, std::size_t size, bool segments,
                  const std::set<std::string>* resume_done = nullptr);

  // Writes a classified file's embeddings (and its segments'); failed files are skipped.
  void write(const FileResult& result);

  std::size_t tracks() const { return tracks_->rows(); }
  const EmbeddingPaths& paths() const { return paths_; }

 private:
  EmbeddingPaths paths_;
  std::size_t size_;
  bool segments_;
  std::unique_ptr<NpyRowAppender> tracks_, segment_vectors_;
  std::ofstream track_index_, segment_index_;
};

}  // namespace jaams::predict
