#include "jaams/synth/dataset.hpp"

#include <sndfile.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "jaams/synth/composer.hpp"
#include "jaams/util/atomic_file.hpp"
#include "jaams/util/error.hpp"
#include "jaams/util/progress.hpp"
#include "jaams/util/sndfile_lock.hpp"

namespace jaams::synth {
namespace fs = std::filesystem;

namespace {

constexpr const char* kStampName = "synth.json";
// Bumped whenever the composer changes what a (seed, genre, index) sounds like.
constexpr int kGeneratorVersion = 1;

// libsndfile virtual I/O over a std::string, so a clip is encoded in memory and then written
// atomically.
struct MemoryFile {
  std::string bytes;
  sf_count_t pos = 0;
};

sf_count_t mem_length(void* user) { return static_cast<sf_count_t>(static_cast<MemoryFile*>(user)->bytes.size()); }
sf_count_t mem_seek(sf_count_t offset, int whence, void* user) {
  auto* f = static_cast<MemoryFile*>(user);
  const sf_count_t base = whence == SEEK_CUR   ? f->pos
                          : whence == SEEK_END ? static_cast<sf_count_t>(f->bytes.size())
                                               : 0;
  f->pos = std::max<sf_count_t>(0, base + offset);
  return f->pos;
}
sf_count_t mem_read(void* ptr, sf_count_t count, void* user) {
  auto* f = static_cast<MemoryFile*>(user);
  const sf_count_t size = static_cast<sf_count_t>(f->bytes.size());
  const sf_count_t n = std::max<sf_count_t>(0, std::min(count, size - f->pos));
  if (n > 0) std::memcpy(ptr, f->bytes.data() + f->pos, static_cast<std::size_t>(n));
  f->pos += n;
  return n;
}
sf_count_t mem_write(const void* ptr, sf_count_t count, void* user) {
  auto* f = static_cast<MemoryFile*>(user);
  const std::size_t end = static_cast<std::size_t>(f->pos + count);
  if (f->bytes.size() < end) f->bytes.resize(end, '\0');
  std::memcpy(&f->bytes[static_cast<std::size_t>(f->pos)], ptr, static_cast<std::size_t>(count));
  f->pos += count;
  return count;
}
sf_count_t mem_tell(void* user) { return static_cast<MemoryFile*>(user)->pos; }

std::size_t samples_per_clip(const SynthOptions& o) {
  return static_cast<std::size_t>(std::llround(o.seconds * o.sample_rate));
}

// A clip already on disk counts as done when libsndfile reads it as the WAV this run would write.
bool is_complete(const fs::path& path, const SynthOptions& o) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return false;
  SF_INFO info{};
  std::string unreadable;
  SNDFILE* f = open_sndfile([&] { return sf_open(path.c_str(), SFM_READ, &info); }, unreadable);
  if (f == nullptr) return false;
  sf_close(f);
  return info.format == (SF_FORMAT_WAV | SF_FORMAT_PCM_16) && info.channels == 1 && info.samplerate == o.sample_rate &&
         info.frames == static_cast<sf_count_t>(samples_per_clip(o));
}

void validate(const SynthOptions& o) {
  if (o.out.empty()) throw Error("synth: no output folder given (--out)");
  if (o.per_genre < 1 || o.per_genre > 99999) {
    throw Error("synth: --per-genre must be between 1 and 99999 (got " + std::to_string(o.per_genre) + ")");
  }
  if (!(o.seconds >= 1.0 && o.seconds <= 600.0)) {
    throw Error("synth: --seconds must be between 1 and 600 (got " + std::to_string(o.seconds) + ")");
  }
  if (o.sample_rate < 8000 || o.sample_rate > 192000) {
    throw Error("synth: sample rate must be between 8000 and 192000 Hz (got " + std::to_string(o.sample_rate) + ")");
  }
  if (o.threads < 0)
    throw Error("synth: --threads must be 0 (all cores) or more (got " + std::to_string(o.threads) + ")");
  if (o.genres.empty()) throw Error("synth: --genres is empty");
  std::set<std::string> seen;
  for (const auto& g : o.genres) {
    rules_for(g);  // throws for an unknown genre, listing the known ones
    if (!seen.insert(g).second) throw Error("synth: genre '" + g + "' is listed twice in --genres");
  }
}

std::string describe(const nlohmann::json& stamp) {
  const double rate = stamp.value("sample_rate", 0.0), samples = stamp.value("samples_per_clip", 0.0);
  char text[160];
  std::snprintf(text, sizeof text, "seed %s, %g s clips at %g Hz (generator version %s)",
                stamp.value("seed", nlohmann::json()).dump().c_str(), rate > 0 ? samples / rate : 0.0, rate,
                stamp.value("version", nlohmann::json()).dump().c_str());
  return text;
}

// Refuses a folder made with other settings; records ours in a new one.
void check_stamp(const SynthOptions& o) {
  const fs::path stamp = o.out / kStampName;
  const nlohmann::json mine = {{"generator", "jaams synth"},
                               {"version", kGeneratorVersion},
                               {"seed", o.seed},
                               {"sample_rate", o.sample_rate},
                               {"samples_per_clip", samples_per_clip(o)}};
  std::error_code ec;
  if (fs::exists(stamp, ec)) {
    nlohmann::json theirs;
    try {
      std::ifstream in(stamp);
      theirs = nlohmann::json::parse(in);
    } catch (const std::exception& e) {
      throw Error(stamp.string() + ": cannot read (" + e.what() + "); remove it or choose another --out");
    }
    for (const char* key : {"version", "seed", "sample_rate", "samples_per_clip"}) {
      if (theirs.value(key, nlohmann::json()) != mine[key]) {
        throw Error(stamp.string() + ": this folder holds clips made with " + describe(theirs) +
                    "; this run asks for " + describe(mine) + ". Choose another --out or remove the folder");
      }
    }
    return;
  }
  write_file_atomic(stamp, mine.dump(2) + "\n");
}

}  // namespace

fs::path clip_path(const fs::path& out, const std::string& genre, int index) {
  char name[32];
  std::snprintf(name, sizeof name, ".%05d.wav", index);
  return out / genre / (genre + name);
}

std::string encode_wav(const std::vector<float>& samples, int sample_rate) {
  MemoryFile mem;
  SF_VIRTUAL_IO io{mem_length, mem_seek, mem_read, mem_write, mem_tell};
  SF_INFO info{};
  info.samplerate = sample_rate;
  info.channels = 1;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  std::string open_error;
  SNDFILE* f = open_sndfile([&] { return sf_open_virtual(&io, SFM_WRITE, &info, &mem); }, open_error);
  if (f == nullptr) throw Error("synth: cannot encode WAV: " + open_error);
  // Our own float -> int16 conversion (round to nearest), so the bytes do not depend on
  // libsndfile's scaling choices.
  std::vector<short> pcm(samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    pcm[i] = static_cast<short>(std::lrint(std::clamp(samples[i], -1.0f, 1.0f) * 32767.0f));
  }
  const sf_count_t n = sf_write_short(f, pcm.data(), static_cast<sf_count_t>(pcm.size()));
  const int close_err = sf_close(f);
  if (n != static_cast<sf_count_t>(pcm.size()) || close_err != 0) throw Error("synth: cannot encode WAV: short write");
  return mem.bytes;
}

SynthSummary write_dataset(const SynthOptions& o) {
  validate(o);
  const auto start = std::chrono::steady_clock::now();
  std::error_code ec;
  fs::create_directories(o.out, ec);
  if (ec) throw Error(o.out.string() + ": cannot create folder: " + ec.message());
  check_stamp(o);

  struct Job {
    std::string genre;
    int index;
    fs::path path;
  };
  std::vector<Job> jobs;
  SynthSummary summary;
  for (const auto& g : o.genres) {
    remove_atomic_temps(o.out / g);  // leftovers of an interrupted run
    for (int i = 0; i < o.per_genre; ++i) {
      jobs.push_back({g, i, clip_path(o.out, g, i)});
      summary.files.push_back(jobs.back().path);
    }
  }

  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t workers =
      std::min<std::size_t>(jobs.size(), o.threads > 0 ? static_cast<std::size_t>(o.threads) : cores);
  std::atomic<std::size_t> next{0};
  std::atomic<int> written{0}, skipped{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex error_mutex;
  Progress progress("synth", jobs.size(), "clips");

  auto work = [&] {
    for (std::size_t j = next++; j < jobs.size() && !failed; j = next++) {
      const Job& job = jobs[j];
      try {
        if (is_complete(job.path, o)) {
          ++skipped;
        } else {
          const std::vector<float> clip = compose(job.genre, job.index, o.seed, o.seconds, o.sample_rate);
          write_file_atomic(job.path, encode_wav(clip, o.sample_rate));
          spdlog::debug("synth: wrote {}", job.path.string());
          ++written;
        }
        progress.advance();
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        failed = true;
      }
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t w = 1; w < workers; ++w) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);

  summary.written = written;
  summary.skipped = skipped;
  summary.audio_seconds = double(summary.written) * double(samples_per_clip(o)) / o.sample_rate;
  summary.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace jaams::synth
