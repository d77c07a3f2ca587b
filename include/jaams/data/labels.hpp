#pragma once
// Datasets labelled by a CSV instead of <genre>/<file> folders (data.labels), e.g. FMA through
// scripts/fma_to_csv.py. One row per audio file:
//
//   path,genre,track,artist,split
//   audio/000002.mp3,Hip-Hop,000002,1,train
//
// `path` and `genre` are required; `path` is relative to the CSV's folder (or absolute). `track`
// (default: the file's stem) must be unique. `artist` makes the track split artist-safe
// (splits.hpp, keep_artists_together), `split` (train | val | test) gives the split itself
// (data.split: csv). Columns are found by header name; others are ignored.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "jaams/data/splits.hpp"

namespace jaams::data {

struct LabelledFile {
  std::filesystem::path path;  // resolved against the CSV's folder
  std::string genre;
  std::string track_id;
  std::string artist;              // "" when the CSV has no artist column or leaves it empty
  std::optional<Subset> split;     // when the CSV has a split column
  std::size_t line = 0;            // where the row is in the CSV, for messages
};

struct LabelTable {
  std::filesystem::path csv;
  std::vector<LabelledFile> files;
  std::vector<std::string> genres;  // the classes: as given, or the CSV's in order of first appearance
  bool has_artist = false;
  bool has_split = false;
};

// Reads `csv`. `genres` empty: the classes are the CSV's genres; otherwise a row with another
// genre is an error. Throws jaams::Error naming the file and line for a missing column, a file
// that does not exist, an unknown genre, a track id given twice or a split value other than
// train/val/test.
LabelTable read_label_table(const std::filesystem::path& csv, const std::vector<std::string>& genres = {});

}  // namespace jaams::data
