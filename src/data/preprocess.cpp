#include "jaams/data/preprocess.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "jaams/data/image_cache.hpp"
#include "jaams/image/png.hpp"
#include "jaams/pipeline/audio_to_images.hpp"
#include "jaams/util/atomic_file.hpp"
#include "jaams/util/file_lock.hpp"
#include "jaams/util/error.hpp"
#include "jaams/util/logging.hpp"
#include "jaams/util/npy.hpp"
#include "jaams/util/progress.hpp"
#include "jaams/version.hpp"

namespace jaams::data {
namespace fs = std::filesystem;
using features::FeatureKind;
using nlohmann::json;

const std::vector<std::string>& default_genres() {
  static const std::vector<std::string> genres{"blues", "classical", "country", "disco", "hiphop",
                                               "metal", "pop",       "reggae",  "rock"};
  return genres;
}

std::vector<fs::path> list_audio_files(const fs::path& genre_dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (auto it = fs::directory_iterator(genre_dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const fs::path& p = it->path();
    if (!is_atomic_temp_name(p) && pipeline::has_audio_extension(p)) files.push_back(p);
  }
  if (ec) throw Error(genre_dir.string() + ": cannot list folder: " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

fs::path cache_path(const fs::path& dir, FeatureKind kind, const std::string& genre, const std::string& track_id) {
  return dir / "cache" / features::to_string(kind) / genre / (track_id + ".u8");
}

fs::path matrix_cache_path(const fs::path& dir, FeatureKind kind, const std::string& genre, const std::string& track_id) {
  return dir / "cache" / features::to_string(kind) / genre / (track_id + ".f32");
}

namespace {

struct Job {
  fs::path path;
  std::string genre;
  std::string track_id;
};

fs::path record_path(const fs::path& dir, const std::string& genre, const std::string& track_id) {
  return dir / "tracks" / genre / (track_id + ".json");
}
fs::path record_path(const fs::path& dir, const Job& job) { return record_path(dir, job.genre, job.track_id); }

// Kinds whose matrices a run caches: the matrix-only kinds always, the image kinds on request.
std::vector<FeatureKind> matrix_kinds_of(const PreprocessOptions& o) {
  std::vector<FeatureKind> out;
  for (auto k : o.kinds) {
    if (!features::has_image(k) || o.write_matrices) out.push_back(k);
  }
  return out;
}

bool contains_all(const std::vector<std::string>& have, const std::vector<FeatureKind>& kinds) {
  for (auto k : kinds) {
    if (std::find(have.begin(), have.end(), features::to_string(k)) == have.end()) return false;
  }
  return true;
}

// What an earlier run left for a track: the kinds (and matrix kinds) its record lists.
struct TrackRecord {
  bool exists = false;
  std::vector<std::string> kinds, matrix_kinds;
  bool raw = false;
};

TrackRecord read_record(const fs::path& record) {
  TrackRecord r;
  std::ifstream in(record);
  if (!in) return r;
  try {
    const json j = json::parse(in);
    r.kinds = j.at("kinds").get<std::vector<std::string>>();
    r.matrix_kinds = j.value("matrix_kinds", std::vector<std::string>{});
    r.raw = j.value("raw", false);
    r.exists = true;
  } catch (const std::exception&) {
    return {};  // a damaged record means the track is redone
  }
  return r;
}

// A track is complete when its record exists and covers every kind asked for now.
bool track_complete(const TrackRecord& r, const PreprocessOptions& o) {
  return r.exists && contains_all(r.kinds, o.kinds) && contains_all(r.matrix_kinds, matrix_kinds_of(o)) &&
         (!o.write_raw || r.raw);
}

// The settings an output folder was made with must match a re-run's; otherwise images made with
// different parameters would be mixed in one dataset.
void check_or_write_settings(const PreprocessOptions& o) {
  const fs::path settings = o.output / "preprocess.json";
  const json pipeline = pipeline::to_json(o.pipeline);
  std::error_code ec;
  if (fs::exists(settings, ec)) {
    std::ifstream in(settings);
    json old;
    try {
      old = json::parse(in);
    } catch (const std::exception&) {
      throw Error(settings.string() + ": unreadable settings file; remove it or choose another --output");
    }
    if (old.value("pipeline", json()) != pipeline) {
      throw Error(o.output.string() + ": this folder was preprocessed with other audio/feature/image settings (see " +
                  settings.string() + "); choose another --output");
    }
  }
  const json j = {{"jaams_version", kVersion}, {"pipeline", pipeline}, {"genres", o.genres}};
  write_file_atomic(settings, j.dump(2) + "\n");
}

std::vector<Job> find_jobs(const PreprocessOptions& o, std::vector<FileFailure>& failures) {
  std::vector<Job> jobs;
  if (!o.labelled.empty()) {
    for (const auto& f : o.labelled) {
      if (std::find(o.genres.begin(), o.genres.end(), f.genre) != o.genres.end()) jobs.push_back({f.path, f.genre, f.track_id});
    }
    return jobs;
  }
  std::error_code ec;
  if (!fs::is_directory(o.input, ec)) throw Error(o.input.string() + ": input folder not found");
  std::set<std::string> seen_ids;
  for (const auto& genre : o.genres) {
    const fs::path dir = o.input / genre;
    if (!fs::is_directory(dir, ec)) {
      spdlog::warn("{}: no folder for genre '{}'", dir.string(), genre);
      continue;
    }
    for (const auto& p : list_audio_files(dir)) {
      const std::string id = p.stem().string();
      if (!seen_ids.insert(id).second) {
        failures.push_back({p, "duplicate track id '" + id + "' (another file has the same name without extension)"});
        continue;
      }
      jobs.push_back({p, genre, id});
    }
  }
  for (auto it = fs::directory_iterator(o.input, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (it->is_directory() && std::find(o.genres.begin(), o.genres.end(), name) == o.genres.end()) {
      spdlog::info("{}: not among the configured genres, skipped", it->path().string());
    }
  }
  return jobs;
}

// Decodes one track and writes all its outputs as its segments come, so a long track costs no
// more memory than a short one; the caches are committed and the record written last. Kinds an
// earlier run made for the track stay listed (same settings, see check_or_write_settings), so a
// run with other --kinds adds to a folder instead of dropping what is there.
void process_track(pipeline::AudioToImages& converter, const PreprocessOptions& o, const Job& job, double& seconds) {
  const auto matrix_kinds_now = matrix_kinds_of(o);
  auto is_matrix_kind = [&](FeatureKind kind) {
    return std::find(matrix_kinds_now.begin(), matrix_kinds_now.end(), kind) != matrix_kinds_now.end();
  };
  // One cache writer per kind and form (image or matrix), in o.kinds order; absent ones stay empty.
  std::vector<std::optional<SegmentCacheWriter>> image_caches(o.kinds.size()), matrix_caches(o.kinds.size());
  for (std::size_t k = 0; k < o.kinds.size(); ++k) {
    if (features::has_image(o.kinds[k])) image_caches[k] = SegmentCacheWriter::images(cache_path(o.output, o.kinds[k], job.genre, job.track_id));
    if (is_matrix_kind(o.kinds[k])) matrix_caches[k] = SegmentCacheWriter::matrices(matrix_cache_path(o.output, o.kinds[k], job.genre, job.track_id));
  }
  json segs = json::array();
  const auto summary = converter.process(job.path, [&](pipeline::SegmentImages&& s) {
    segs.push_back({{"index", s.index}, {"start", s.start_seconds}, {"duration", s.duration_seconds}});
    const std::string stem = job.track_id + "." + std::to_string(s.index);
    for (std::size_t k = 0; k < o.kinds.size(); ++k) {
      const FeatureKind kind = o.kinds[k];
      const std::string kind_name = features::to_string(kind);
      const bool image = features::has_image(kind);
      if (image) {
        image_caches[k]->add(s.images[k]);
        if (o.write_png) image::write_png(o.output / "images" / kind_name / job.genre / (stem + ".png"), s.images[k]);
      }
      if (matrix_caches[k]) matrix_caches[k]->add(s.matrices[k]);
      if (o.write_raw) {
        const auto& f = s.features;
        const features::Matrix& m = !image                      ? s.matrices[k]
                                    : kind == FeatureKind::mel    ? f.mel_db
                                    : kind == FeatureKind::chroma ? f.chroma
                                                                  : f.centroid;
        write_npy(o.output / "raw" / kind_name / job.genre / (stem + ".npy"), m.data.data(), m.rows, m.cols);
      }
    }
    return true;
  });
  seconds = summary.seconds;
  for (auto& cache : image_caches)
    if (cache) cache->commit();
  for (auto& cache : matrix_caches)
    if (cache) cache->commit();

  const TrackRecord earlier = read_record(record_path(o.output, job));
  std::vector<std::string> kinds = earlier.kinds, matrix_kinds = earlier.matrix_kinds;
  auto add = [](std::vector<std::string>& list, FeatureKind k) {
    if (std::find(list.begin(), list.end(), features::to_string(k)) == list.end()) list.push_back(features::to_string(k));
  };
  for (auto k : o.kinds) add(kinds, k);
  for (auto k : matrix_kinds_now) add(matrix_kinds, k);
  json record = {{"track_id", job.track_id},
                 {"genre", job.genre},
                 {"source", job.path.string()},
                 {"kinds", kinds},
                 {"matrix_kinds", matrix_kinds},
                 {"raw", o.write_raw || earlier.raw},
                 {"audio_seconds", summary.seconds},
                 {"source_sample_rate", summary.info.sample_rate},
                 {"source_channels", summary.info.channels}};
  record["segments"] = segs;
  write_file_atomic(record_path(o.output, job), record.dump(1) + "\n");
}

std::vector<ManifestRow> rows_from_record(const fs::path& record_file) {
  std::ifstream in(record_file);
  const json j = json::parse(in);
  std::vector<ManifestRow> rows;
  const std::string id = j.at("track_id");
  const std::string genre = j.at("genre");
  for (const auto& kind : j.at("kinds")) {
    for (const auto& s : j.at("segments")) {
      ManifestRow row;
      const std::string kind_name = kind.get<std::string>();
      // Matrix-only kinds have no image: the row names the cache file that holds the segment.
      row.image = features::has_image(features::parse_feature_kind(kind_name))
                      ? (fs::path("images") / kind_name / genre / (id + "." + std::to_string(s.at("index").get<int>()) + ".png")).string()
                      : (fs::path("cache") / kind_name / genre / (id + ".f32")).string();
      row.track_id = id;
      row.genre = genre;
      row.segment = s.at("index");
      row.start_seconds = s.at("start");
      row.duration_seconds = s.at("duration");
      row.kind = kind;
      rows.push_back(row);
    }
  }
  return rows;
}

void write_failures(const fs::path& path, const std::vector<FileFailure>& failures) {
  write_file_atomic(path, [&](std::ostream& out) {
    out << "path,reason\n";
    auto quote = [](const std::string& s) {
      std::string q = "\"";
      for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
      return q + "\"";
    };
    for (const auto& f : failures) out << quote(f.path.string()) << "," << quote(f.reason) << "\n";
  });
}

}  // namespace

PreprocessSummary run_preprocess(const PreprocessOptions& o) {
  pipeline::validate(o.pipeline);
  if (o.kinds.empty()) throw Error("preprocess: no image kinds requested");
  PreprocessSummary summary;
  const auto jobs = find_jobs(o, summary.failures);
  summary.files = jobs.size() + summary.failures.size();
  fs::create_directories(o.output);
  // One preprocess per output folder: a second would remove the first's partial files.
  const FileLock folder_lock = lock_folder(o.output, "--output '" + o.output.string() + "'");
  if (const auto stale = remove_atomic_temps(o.output)) spdlog::info("removed {} partial file(s) left by an interrupted run", stale);
  check_or_write_settings(o);

  std::vector<const Job*> todo;
  for (const auto& job : jobs) {
    if (track_complete(read_record(record_path(o.output, job)), o)) {
      ++summary.skipped;
    } else {
      todo.push_back(&job);
    }
  }
  if (summary.skipped > 0) spdlog::info("{} track(s) already complete, {} to do", summary.skipped, todo.size());

  const int threads = std::max(1, o.threads > 0 ? o.threads : static_cast<int>(std::thread::hardware_concurrency()));
  Progress progress("preprocess", todo.size(), "files");
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex mutex;
  auto worker = [&] {
    pipeline::SegmentOutputs outputs;
    outputs.matrices = o.write_matrices;
    pipeline::AudioToImages converter(o.pipeline, o.kinds, o.write_raw, outputs);
    while (!stop) {
      const std::size_t i = next++;
      if (i >= todo.size()) break;
      const Job& job = *todo[i];
      try {
        double seconds = 0.0;
        process_track(converter, o, job, seconds);
        std::lock_guard<std::mutex> lock(mutex);
        ++summary.processed;
        summary.audio_seconds += seconds;
      } catch (const std::exception& e) {
        std::string reason = e.what();
        // The path is in its own column; keep the reason short.
        const std::string prefix = job.path.string() + ": ";
        if (reason.rfind(prefix, 0) == 0) reason = reason.substr(prefix.size());
        spdlog::warn("{}: {}", printable(job.path.string()), printable(reason));
        std::lock_guard<std::mutex> lock(mutex);
        summary.failures.push_back({job.path, reason});
        if (o.fail_fast) stop = true;
      }
      progress.advance();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < std::min<int>(threads, std::max<std::size_t>(1, todo.size())); ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  summary.stopped_early = stop;
  summary.wall_seconds = progress.elapsed_seconds();

  std::sort(summary.failures.begin(), summary.failures.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  write_failures(o.output / "failures.csv", summary.failures);

  // The manifest lists every complete track in the folder, this run's and earlier ones'.
  std::vector<ManifestRow> rows;
  for (const auto& job : jobs) {
    const fs::path record = record_path(o.output, job);
    if (!fs::exists(record)) continue;
    const auto track_rows = rows_from_record(record);
    std::set<int> segments;
    for (const auto& r : track_rows) segments.insert(r.segment);
    summary.segments += segments.size();
    rows.insert(rows.end(), track_rows.begin(), track_rows.end());
  }
  write_manifest(o.output / "manifest.csv", rows);
  return summary;
}

TrackSource read_track_source(const fs::path& dir, const std::string& genre, const std::string& track_id) {
  const fs::path path = record_path(dir, genre, track_id);
  std::ifstream in(path);
  if (!in) throw Error(path.string() + ": track record missing (was this folder made by jaams preprocess?)");
  TrackSource source;
  try {
    const json j = json::parse(in);
    source.audio = j.at("source").get<std::string>();
    for (const auto& s : j.at("segments")) {
      const auto index = s.at("index").get<std::size_t>();
      if (source.segment_starts.size() <= index) source.segment_starts.resize(index + 1, 0.0);
      source.segment_starts[index] = s.at("start").get<double>();
    }
  } catch (const json::exception& e) {
    throw Error(path.string() + ": unreadable track record (" + e.what() + ")");
  }
  return source;
}

std::vector<ManifestRow> load_preprocessed_manifest(const fs::path& dir) {
  const fs::path manifest = dir / "manifest.csv";
  std::error_code ec;
  if (!fs::exists(manifest, ec)) throw Error(dir.string() + ": no manifest.csv (is this a folder made by jaams preprocess?)");
  return read_manifest(manifest);
}

}  // namespace jaams::data
