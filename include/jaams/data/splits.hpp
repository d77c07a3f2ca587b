#pragma once
// Train / validation / test assignment of a manifest's segments (see docs/splits.md).
//
// The unit assigned is a segment, (track_id, segment); every image of a segment (its mel,
// centroid and chroma rows) lands in the same subset. Protocols:
//   track     (default) seeded shuffle of TRACKS within each genre; all segments of a track
//             stay in one subset, so no song is heard in both training and testing.
//   paper     the report's protocol: seeded shuffle of SEGMENTS within each genre. Leaky: the
//             three segments of one song can land in train and test. Kept to reproduce the report.
//   filtered  the fault-filtered GTZAN split (Kereliuk, Sigtia & Sturm 2015) read from
//             configs/splits/gtzan_filtered_{train,valid,test}.txt; tracks in no list are left out.
//   folders   the subset is the root folder a track came from (explicit train/val/test roots).
//   kfold     stratified K-fold cross-validation by track: fold `fold` of `folds` is the test set,
//             the other folds train; no validation set (a run keeps its last epoch). Tracks of each
//             genre are shuffled and dealt to the folds in turn, so each fold holds every genre
//             to within one track.
//
// Splits are reproducible across platforms and standard libraries: shuffles use std::mt19937_64
// (fully specified) with jaams's own Fisher-Yates and bounded integers, tracks are sorted by id
// before shuffling, and each genre draws from its own stream (seed and genre name), so adding a
// genre leaves the others' assignment unchanged.
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jaams/data/manifest.hpp"

namespace jaams::data {

enum class Subset { train, val, test };
enum class SplitProtocol { track, paper, filtered, folders, kfold };

inline constexpr std::array<Subset, 3> kSubsets = {Subset::train, Subset::val, Subset::test};

// "train", "val", "test".
std::string_view to_string(Subset subset);
// Accepts "train", "val" (or "valid", "validation"), "test"; throws jaams::Error otherwise.
Subset parse_subset(std::string_view text);

std::string_view to_string(SplitProtocol protocol);
// "track", "paper", "filtered" or "folders"; throws jaams::Error listing the choices otherwise.
SplitProtocol parse_split_protocol(std::string_view text);

struct SplitConfig {
  SplitProtocol protocol = SplitProtocol::track;
  std::uint64_t seed = 42;
  // Fractions for `track` and `paper`; must be in [0, 1], sum to 1, train > 0. Held-out counts
  // per genre are floor(n * fraction), raised to 1 when the fraction is > 0 and that still leaves
  // a training item (test is served before val); train takes the rest. 100 -> 60/20/20,
  // 7 -> 5/1/1, 3 -> 1/1/1, 2 -> 1/0/1.
  double train = 0.6;
  double val = 0.2;
  double test = 0.2;
  // kfold: the number of folds and the test fold (1..folds).
  int folds = 5;
  int fold = 1;
  // Folder holding gtzan_filtered_{train,valid,test}.txt (the `filtered` protocol).
  std::filesystem::path filtered_lists_dir;
};

// Checks the fractions; throws jaams::Error naming the bad one.
void validate(const SplitConfig& config);

// How many of `n` items each subset gets under the fractions of `config` (rule above).
std::array<std::size_t, 3> split_counts(std::size_t n, const SplitConfig& config);

// A track as the manifest describes it.
struct TrackInfo {
  std::string track_id;
  std::string genre;
  std::vector<int> segments;  // distinct segment indices, ascending
};

// The tracks of a manifest, sorted by track_id. Throws jaams::Error if one track_id appears
// under two genres (track ids must be unique within a dataset).
std::vector<TrackInfo> collect_tracks(const std::vector<ManifestRow>& rows);

struct SegmentAssignment {
  std::string track_id;
  int segment = 0;
  Subset subset = Subset::train;
};

struct SplitResult {
  // One entry per assigned segment, sorted by (track_id, segment). Segments of excluded tracks
  // are absent.
  std::vector<SegmentAssignment> segments;
  std::array<std::size_t, 3> tracks_per_subset{};    // a track counts in each subset it touches
  std::array<std::size_t, 3> segments_per_subset{};
  std::vector<std::string> excluded_tracks;           // filtered: dataset tracks found in no list
  std::size_t ignored_list_entries = 0;               // filtered: list entries not in the dataset
};

// Assigns every segment of `rows` under `config`. `track_sources` gives, for the `folders`
// protocol, the subset of each track (the root it was found under); every track needs one.
// Throws jaams::Error for bad fractions, missing filtered lists, or a track without a source.
SplitResult split_dataset(const std::vector<ManifestRow>& rows, const SplitConfig& config,
                          const std::map<std::string, Subset>& track_sources = {});

// The subset of each row (same order as `rows`), or nullopt for a row whose segment is not in
// `assignment` (an excluded track).
std::vector<std::optional<Subset>> subsets_for_rows(const std::vector<ManifestRow>& rows,
                                                    const std::vector<SegmentAssignment>& assignment);

// split_dataset followed by subsets_for_rows.
std::vector<std::optional<Subset>> assign_splits(const std::vector<ManifestRow>& rows, const SplitConfig& config,
                                                 const std::map<std::string, Subset>& track_sources = {});

// Makes a split artist-safe: an artist whose tracks landed on more than one side gets all of them
// on the side that holds most (a tie is broken by a hash of the artist's name), so no artist is learnt in
// training and then recognised in the test. `artist_of_track` lists tracks with a known artist;
// others stay where they are. Returns how many artists had to be moved.
std::size_t keep_artists_together(std::vector<SegmentAssignment>& segments,
                                  const std::map<std::string, std::string>& artist_of_track);

// The filtered lists of `dir`: track id -> subset. Lines are GTZAN file stems ("blues.00030");
// folder prefixes and audio extensions ("blues/blues.00030.wav") are stripped, blank lines and
// '#' comments skipped. Throws jaams::Error for a missing file or an id listed twice.
std::map<std::string, Subset> read_filtered_lists(const std::filesystem::path& dir);

// File names of the filtered lists inside SplitConfig::filtered_lists_dir.
std::string filtered_list_name(Subset subset);

// splits.csv: `track_id,segment,subset`, so a run records exactly which segments it used.
void write_splits(const std::filesystem::path& path, const std::vector<SegmentAssignment>& assignment);
// Throws jaams::Error naming file and line for a missing column, a bad segment number, an
// unknown subset name or a segment listed twice.
std::vector<SegmentAssignment> read_splits(const std::filesystem::path& path);

}  // namespace jaams::data
