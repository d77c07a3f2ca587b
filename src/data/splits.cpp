#include "jaams/data/splits.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <random>
#include <set>
#include <tuple>
#include <utility>

#include "jaams/util/atomic_file.hpp"
#include "jaams/util/error.hpp"
#include "jaams/util/random.hpp"

namespace jaams::data {
namespace fs = std::filesystem;

namespace {

std::size_t index_of(Subset s) { return static_cast<std::size_t>(s); }

// One stream per (seed, genre): a genre's split does not move when another genre is added.
std::mt19937_64 genre_engine(std::uint64_t seed, std::string_view genre) {
  return std::mt19937_64(splitmix64(seed ^ fnv1a64(genre)));
}

// Subset of position `i` in a shuffled list cut by `counts` (train first, then val, then test).
Subset subset_at(std::size_t i, const std::array<std::size_t, 3>& counts) {
  if (i < counts[0]) return Subset::train;
  if (i < counts[0] + counts[1]) return Subset::val;
  return Subset::test;
}

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

// "blues/blues.00030.wav" -> "blues.00030". Only audio extensions are removed: the stem itself
// contains a dot, so std::filesystem::path::stem() would cut it.
std::string normalise_track_id(std::string_view entry) {
  std::string id = trim(entry);
  const auto slash = id.find_last_of("/\\");
  if (slash != std::string::npos) id.erase(0, slash + 1);
  const auto dot = id.find_last_of('.');
  if (dot != std::string::npos) {
    std::string ext = id.substr(dot + 1);
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    static const std::set<std::string> kAudio = {"wav", "au", "mp3", "flac", "ogg", "aiff", "aif"};
    if (kAudio.count(ext) != 0) id.erase(dot);
  }
  return id;
}

using SegmentKey = std::pair<std::string, int>;

}  // namespace

std::string_view to_string(Subset subset) {
  switch (subset) {
    case Subset::train: return "train";
    case Subset::val: return "val";
    case Subset::test: return "test";
  }
  return "?";
}

Subset parse_subset(std::string_view text) {
  if (text == "train") return Subset::train;
  if (text == "val" || text == "valid" || text == "validation") return Subset::val;
  if (text == "test") return Subset::test;
  throw Error("unknown subset '" + std::string(text) + "' (expected train, val or test)");
}

std::string_view to_string(SplitProtocol protocol) {
  switch (protocol) {
    case SplitProtocol::track: return "track";
    case SplitProtocol::paper: return "paper";
    case SplitProtocol::filtered: return "filtered";
    case SplitProtocol::folders: return "folders";
    case SplitProtocol::kfold: return "kfold";
  }
  return "?";
}

SplitProtocol parse_split_protocol(std::string_view text) {
  for (const auto p : {SplitProtocol::track, SplitProtocol::paper, SplitProtocol::filtered, SplitProtocol::folders,
                       SplitProtocol::kfold}) {
    if (text == to_string(p)) return p;
  }
  throw Error("unknown split protocol '" + std::string(text) + "' (expected track, paper, filtered, folders or kfold)");
}

void validate(const SplitConfig& config) {
  const std::array<std::pair<const char*, double>, 3> fractions = {
      {{"train", config.train}, {"val", config.val}, {"test", config.test}}};
  for (const auto& [name, f] : fractions) {
    if (!std::isfinite(f) || f < 0 || f > 1)
      throw Error(std::string("split fraction '") + name + "' is " + std::to_string(f) + " (expected 0..1)");
  }
  if (config.train <= 0) throw Error("split fraction 'train' must be > 0");
  const double sum = config.train + config.val + config.test;
  if (std::abs(sum - 1.0) > 1e-6)
    throw Error("split fractions train + val + test sum to " + std::to_string(sum) + " (expected 1)");
}

std::array<std::size_t, 3> split_counts(std::size_t n, const SplitConfig& config) {
  // floor(), with a little slack so that e.g. 0.2 * 300 = 60.000000001 or 59.9999999 both give 60.
  auto held_out = [n](double fraction, std::size_t available) -> std::size_t {
    auto k = static_cast<std::size_t>(std::floor(double(n) * fraction + 1e-9));
    if (fraction > 0 && k == 0) k = 1;  // a tiny genre still gets something to test on...
    return std::min(k, available > 0 ? available - 1 : 0);  // ...but never at the cost of training
  };
  const std::size_t test = held_out(config.test, n);
  const std::size_t val = held_out(config.val, n - test);
  return {n - val - test, val, test};
}

std::vector<TrackInfo> collect_tracks(const std::vector<ManifestRow>& rows) {
  std::map<std::string, TrackInfo> by_id;
  for (const auto& r : rows) {
    auto [it, inserted] = by_id.try_emplace(r.track_id);
    TrackInfo& t = it->second;
    if (inserted) {
      t.track_id = r.track_id;
      t.genre = r.genre;
    } else if (t.genre != r.genre) {
      throw Error("track '" + r.track_id + "' appears under two genres ('" + t.genre + "' and '" + r.genre +
                  "'); track ids must be unique within a dataset");
    }
    t.segments.push_back(r.segment);
  }
  std::vector<TrackInfo> tracks;
  tracks.reserve(by_id.size());
  for (auto& [id, t] : by_id) {
    std::sort(t.segments.begin(), t.segments.end());
    t.segments.erase(std::unique(t.segments.begin(), t.segments.end()), t.segments.end());
    tracks.push_back(std::move(t));
  }
  return tracks;
}

std::string filtered_list_name(Subset subset) {
  // The published lists call the validation set "valid".
  return std::string("gtzan_filtered_") + (subset == Subset::val ? "valid" : std::string(to_string(subset))) + ".txt";
}

std::map<std::string, Subset> read_filtered_lists(const fs::path& dir) {
  std::map<std::string, Subset> lists;
  std::map<std::string, std::string> where;  // id -> "file:line" of its first listing
  for (const Subset s : kSubsets) {
    const fs::path path = dir / filtered_list_name(s);
    std::ifstream in(path);
    if (!in) throw Error(path.string() + ": cannot open split list (filtered protocol)");
    std::string line;
    for (std::size_t n = 1; std::getline(in, line); ++n) {
      const std::string text = trim(line);
      if (text.empty() || text[0] == '#') continue;
      const std::string id = normalise_track_id(text);
      const std::string here = path.string() + ":" + std::to_string(n);
      const auto [it, inserted] = where.emplace(id, here);
      if (!inserted) throw Error(here + ": track '" + id + "' is already listed at " + it->second);
      lists.emplace(id, s);
    }
  }
  return lists;
}

SplitResult split_dataset(const std::vector<ManifestRow>& rows, const SplitConfig& config,
                          const std::map<std::string, Subset>& track_sources) {
  const std::vector<TrackInfo> tracks = collect_tracks(rows);
  SplitResult result;
  auto assign_track = [&](const TrackInfo& t, Subset s) {
    for (const int seg : t.segments) result.segments.push_back({t.track_id, seg, s});
  };

  switch (config.protocol) {
    case SplitProtocol::track: {
      validate(config);
      std::map<std::string, std::vector<const TrackInfo*>> by_genre;  // tracks already sorted by id
      for (const auto& t : tracks) by_genre[t.genre].push_back(&t);
      for (auto& [genre, list] : by_genre) {
        auto engine = genre_engine(config.seed, genre);
        jaams::shuffle(list, engine);
        const auto counts = split_counts(list.size(), config);
        for (std::size_t i = 0; i < list.size(); ++i) assign_track(*list[i], subset_at(i, counts));
      }
      break;
    }
    case SplitProtocol::kfold: {
      if (config.folds < 2 || config.fold < 1 || config.fold > config.folds) {
        throw Error("split protocol 'kfold': fold " + std::to_string(config.fold) + " of " + std::to_string(config.folds) +
                    " (need 2 <= folds and 1 <= fold <= folds)");
      }
      // Each genre's shuffled tracks are dealt round-robin, starting where the previous genre
      // stopped, so every fold holds each genre to within one track and the folds' sizes differ by
      // at most one track. The same seed gives the same folds for every `fold`.
      std::map<std::string, std::vector<const TrackInfo*>> by_genre;
      for (const auto& t : tracks) by_genre[t.genre].push_back(&t);
      std::size_t next = 0;
      for (auto& [genre, list] : by_genre) {
        auto engine = genre_engine(config.seed, genre);
        jaams::shuffle(list, engine);
        for (const auto* t : list) {
          const int fold = static_cast<int>(next++ % static_cast<std::size_t>(config.folds)) + 1;
          assign_track(*t, fold == config.fold ? Subset::test : Subset::train);
        }
      }
      break;
    }
    case SplitProtocol::paper: {
      validate(config);
      std::map<std::string, std::vector<SegmentKey>> by_genre;
      for (const auto& t : tracks) {
        for (const int seg : t.segments) by_genre[t.genre].emplace_back(t.track_id, seg);
      }
      for (auto& [genre, list] : by_genre) {
        auto engine = genre_engine(config.seed, genre);
        jaams::shuffle(list, engine);
        const auto counts = split_counts(list.size(), config);
        for (std::size_t i = 0; i < list.size(); ++i)
          result.segments.push_back({list[i].first, list[i].second, subset_at(i, counts)});
      }
      break;
    }
    case SplitProtocol::filtered: {
      if (config.filtered_lists_dir.empty())
        throw Error("split protocol 'filtered' needs the folder of the split lists (shipped in configs/splits)");
      const auto lists = read_filtered_lists(config.filtered_lists_dir);
      std::set<std::string> present;
      for (const auto& t : tracks) {
        present.insert(t.track_id);
        const auto it = lists.find(t.track_id);
        if (it == lists.end()) {
          result.excluded_tracks.push_back(t.track_id);
        } else {
          assign_track(t, it->second);
        }
      }
      for (const auto& entry : lists) result.ignored_list_entries += present.count(entry.first) == 0 ? 1 : 0;
      if (!result.excluded_tracks.empty()) {
        std::string sample;
        for (std::size_t i = 0; i < std::min<std::size_t>(5, result.excluded_tracks.size()); ++i)
          sample += (i ? ", " : "") + result.excluded_tracks[i];
        spdlog::warn("filtered split: {} track(s) of the dataset are in no list and are left out (e.g. {})",
                     result.excluded_tracks.size(), sample);
      }
      spdlog::info("filtered split: {} list entries are not in the dataset and were ignored",
                   result.ignored_list_entries);
      break;
    }
    case SplitProtocol::folders: {
      for (const auto& t : tracks) {
        const auto it = track_sources.find(t.track_id);
        if (it == track_sources.end())
          throw Error("split protocol 'folders': track '" + t.track_id +
                      "' did not come from a train, val or test root");
        assign_track(t, it->second);
      }
      break;
    }
  }

  std::sort(result.segments.begin(), result.segments.end(), [](const auto& a, const auto& b) {
    return std::tie(a.track_id, a.segment) < std::tie(b.track_id, b.segment);
  });
  std::array<std::set<std::string>, 3> tracks_in;
  for (const auto& a : result.segments) {
    ++result.segments_per_subset[index_of(a.subset)];
    tracks_in[index_of(a.subset)].insert(a.track_id);
  }
  for (const Subset s : kSubsets) result.tracks_per_subset[index_of(s)] = tracks_in[index_of(s)].size();
  spdlog::info("split '{}': train {} / val {} / test {} segments ({} / {} / {} tracks)", to_string(config.protocol),
               result.segments_per_subset[0], result.segments_per_subset[1], result.segments_per_subset[2],
               result.tracks_per_subset[0], result.tracks_per_subset[1], result.tracks_per_subset[2]);
  return result;
}

std::size_t keep_artists_together(std::vector<SegmentAssignment>& segments,
                                  const std::map<std::string, std::string>& artist_of_track) {
  // Tracks per artist and side (a track counts once however many segments it has).
  std::map<std::string, std::array<std::set<std::string>, 3>> sides;
  for (const auto& a : segments) {
    const auto it = artist_of_track.find(a.track_id);
    if (it != artist_of_track.end() && !it->second.empty()) sides[it->second][index_of(a.subset)].insert(a.track_id);
  }
  std::map<std::string, Subset> home;  // artist -> the side all of its tracks go to
  for (const auto& [artist, tracks] : sides) {
    int used = 0;
    std::size_t most = 0;
    for (std::size_t k = 0; k < 3; ++k) {
      used += tracks[k].empty() ? 0 : 1;
      most = std::max(most, tracks[k].size());
    }
    if (used < 2) continue;
    // Among equally large sides one picked by the artist's name: always preferring one side would
    // drain the others when most artists have two or three tracks.
    std::vector<std::size_t> tied;
    for (std::size_t k = 0; k < 3; ++k) {
      if (tracks[k].size() == most) tied.push_back(k);
    }
    home.emplace(artist, kSubsets[tied[fnv1a64(artist) % tied.size()]]);
  }
  for (auto& a : segments) {
    const auto it = artist_of_track.find(a.track_id);
    if (it == artist_of_track.end()) continue;
    const auto h = home.find(it->second);
    if (h != home.end()) a.subset = h->second;
  }
  return home.size();
}

std::vector<std::optional<Subset>> subsets_for_rows(const std::vector<ManifestRow>& rows,
                                                    const std::vector<SegmentAssignment>& assignment) {
  std::map<SegmentKey, Subset> lookup;
  for (const auto& a : assignment) lookup.emplace(SegmentKey{a.track_id, a.segment}, a.subset);
  std::vector<std::optional<Subset>> out;
  out.reserve(rows.size());
  for (const auto& r : rows) {
    const auto it = lookup.find(SegmentKey{r.track_id, r.segment});
    out.push_back(it == lookup.end() ? std::nullopt : std::optional<Subset>(it->second));
  }
  return out;
}

std::vector<std::optional<Subset>> assign_splits(const std::vector<ManifestRow>& rows, const SplitConfig& config,
                                                 const std::map<std::string, Subset>& track_sources) {
  return subsets_for_rows(rows, split_dataset(rows, config, track_sources).segments);
}

void write_splits(const fs::path& path, const std::vector<SegmentAssignment>& assignment) {
  write_file_atomic(path, [&](std::ostream& out) {
    out << "track_id,segment,subset\n";
    for (const auto& a : assignment) out << csv_field(a.track_id) << ',' << a.segment << ',' << to_string(a.subset) << '\n';
  });
}

std::vector<SegmentAssignment> read_splits(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path.string() + ": cannot open splits file");
  CsvReader reader(in, path.string());
  std::vector<std::string> fields;
  if (!reader.next(fields)) throw Error(path.string() + ": empty splits file (no header line)");
  std::array<std::size_t, 3> index{};
  const std::array<std::string_view, 3> columns = {"track_id", "segment", "subset"};
  for (std::size_t c = 0; c < columns.size(); ++c) {
    const auto it = std::find(fields.begin(), fields.end(), columns[c]);
    if (it == fields.end()) throw Error(reader.where() + "splits header has no column '" + std::string(columns[c]) + "'");
    index[c] = static_cast<std::size_t>(it - fields.begin());
  }
  const std::size_t width = fields.size();

  std::vector<SegmentAssignment> out;
  std::set<SegmentKey> seen;
  while (reader.next(fields)) {
    if (fields.size() != width)
      throw Error(reader.where() + "expected " + std::to_string(width) + " fields as in the header, found " +
                  std::to_string(fields.size()));
    SegmentAssignment a;
    a.track_id = fields[index[0]];
    if (a.track_id.empty()) throw Error(reader.where() + "empty track_id");
    const std::string& seg = fields[index[1]];
    const auto res = std::from_chars(seg.data(), seg.data() + seg.size(), a.segment);
    if (seg.empty() || res.ec != std::errc() || res.ptr != seg.data() + seg.size() || a.segment < 0)
      throw Error(reader.where() + "bad number in column 'segment': '" + seg + "'");
    try {
      a.subset = parse_subset(fields[index[2]]);
    } catch (const Error& e) {
      throw Error(reader.where() + e.what());
    }
    if (!seen.emplace(a.track_id, a.segment).second)
      throw Error(reader.where() + "segment " + std::to_string(a.segment) + " of '" + a.track_id + "' is listed twice");
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace jaams::data
