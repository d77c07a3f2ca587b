// Feature extraction speed on real music: the time to turn a 10-s segment into the mel (dB),
// spectral centroid and chroma matrices on one thread, and how many times faster than real time
// that is (10 s / median time). The thread's CPU time is shown too: on a busy machine the wall
// time includes waiting for the core. A last pass runs all three features on every core at once
// (one extractor per thread, as `jaams preprocess` does) and reports the combined x real time.
//
//   bench_features <folder with audio clips> [passes=5] [threads=all cores]
//
// Every clip found under the folder (wav, au, flac, ogg, mp3) is loaded at 22050 Hz and cut into
// non-overlapping 10-s segments (a shorter tail is dropped); each pass runs every segment once.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "jaams/audio/segmenter.hpp"
#include "jaams/features/feature_extractor.hpp"

namespace {

namespace fs = std::filesystem;
using jaams::features::FeatureKind;
using Clock = std::chrono::steady_clock;

struct Timing {
  double mean_ms = 0.0;
  double median_ms = 0.0;
  double min_ms = 0.0;
  double cpu_ms = 0.0;  // this thread's CPU time per segment: unaffected by other processes' load
};

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

Timing time_kinds(jaams::features::FeatureExtractor& extractor, const std::vector<std::vector<float>>& segments,
                  const std::vector<FeatureKind>& kinds, int passes, double* checksum) {
  std::vector<double> per_segment;
  double total = 0.0;
  const double cpu_start = thread_cpu_ms();
  for (int p = 0; p < passes; ++p) {
    for (const auto& s : segments) {
      const auto start = Clock::now();
      const auto f = extractor.compute(s.data(), s.size(), kinds);
      const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
      per_segment.push_back(ms);
      total += ms;
      // Keeps the work observable so nothing is optimised away.
      if (!f.mel_db.empty()) *checksum += f.mel_db.data[f.mel_db.data.size() / 2];
      if (!f.chroma.empty()) *checksum += f.chroma.data[f.chroma.data.size() / 2];
      if (!f.centroid.empty()) *checksum += f.centroid.data[f.centroid.data.size() / 2];
    }
  }
  const double cpu_total = thread_cpu_ms() - cpu_start;
  std::sort(per_segment.begin(), per_segment.end());
  Timing t;
  t.cpu_ms = cpu_total / static_cast<double>(per_segment.size());
  t.mean_ms = total / static_cast<double>(per_segment.size());
  t.median_ms = per_segment[per_segment.size() / 2];
  t.min_ms = per_segment.front();
  return t;
}

// All three features of every segment, `passes` times, spread over `threads` threads that each own
// an extractor and take every threads-th segment. Returns the wall time in seconds.
double time_all_threads(const jaams::features::FeatureConfig& config, const std::vector<std::vector<float>>& segments,
                        int passes, int threads, double* checksum) {
  std::vector<double> sums(static_cast<std::size_t>(threads), 0.0);
  std::vector<jaams::features::FeatureExtractor> extractors;
  for (int t = 0; t < threads; ++t) extractors.emplace_back(config);
  const auto start = Clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      auto& extractor = extractors[static_cast<std::size_t>(t)];
      for (int p = 0; p < passes; ++p)
        for (std::size_t i = static_cast<std::size_t>(t); i < segments.size(); i += static_cast<std::size_t>(threads)) {
          const auto f = extractor.compute(segments[i].data(), segments[i].size(), jaams::features::all_feature_kinds());
          sums[static_cast<std::size_t>(t)] += f.mel_db.data[f.mel_db.data.size() / 2];
        }
    });
  }
  for (auto& w : workers) w.join();
  for (double s : sums) *checksum += s;
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "-h" || std::string(argv[1]) == "--help") {
    std::fprintf(stderr, "usage: %s <folder with audio clips> [passes=5]\n", argv[0]);
    return argc < 2 ? 2 : 0;
  }
  const fs::path folder = argv[1];
  const int passes = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  const int threads =
      argc > 3 ? std::max(1, std::atoi(argv[3])) : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  try {
    const jaams::features::FeatureConfig config;
    const auto segment_samples = static_cast<std::size_t>(10 * config.sample_rate);

    std::vector<fs::path> clips;
    for (const auto& entry : fs::recursive_directory_iterator(folder)) {
      const std::string ext = entry.path().extension().string();
      if (entry.is_regular_file() &&
          (ext == ".wav" || ext == ".au" || ext == ".flac" || ext == ".ogg" || ext == ".mp3"))
        clips.push_back(entry.path());
    }
    std::sort(clips.begin(), clips.end());
    std::vector<std::vector<float>> segments;
    for (const auto& clip : clips) {
      const std::vector<float> y = jaams::audio::load_mono(clip, config.sample_rate);
      for (std::size_t start = 0; start + segment_samples <= y.size(); start += segment_samples)
        segments.emplace_back(y.begin() + static_cast<std::ptrdiff_t>(start),
                              y.begin() + static_cast<std::ptrdiff_t>(start + segment_samples));
    }
    if (segments.empty()) {
      std::fprintf(stderr, "%s: no audio clip of 10 s or more found\n", folder.c_str());
      return 2;
    }

    const auto setup_start = Clock::now();
    jaams::features::FeatureExtractor extractor(config);
    const double setup_ms = std::chrono::duration<double, std::milli>(Clock::now() - setup_start).count();

    std::printf("bench_features: %zu clips, %zu segments of 10 s (%zu samples), %d passes, one thread\n", clips.size(),
                segments.size(), segment_samples, passes);
    std::printf("extractor setup (FFT plan, mel filter bank): %.2f ms\n", setup_ms);
    double checksum = 0.0;
    // Warm-up: first-touch of buffers and the chroma filter banks of the tunings met.
    time_kinds(extractor, segments, jaams::features::all_feature_kinds(), 1, &checksum);

    const std::pair<const char*, std::vector<FeatureKind>> cases[] = {
        {"mel + centroid + chroma", jaams::features::all_feature_kinds()},
        {"mel", {FeatureKind::mel}},
        {"centroid", {FeatureKind::centroid}},
        {"chroma (with tuning)", {FeatureKind::chroma}},
    };
    for (const auto& [name, kinds] : cases) {
      const Timing t = time_kinds(extractor, segments, kinds, passes, &checksum);
      std::printf("%-24s %7.3f ms/segment wall (median %.3f, min %.3f), %.3f ms CPU  %6.0fx real time\n", name,
                  t.mean_ms, t.median_ms, t.min_ms, t.cpu_ms, 10000.0 / t.median_ms);
    }
    // Warm the per-thread extractors (filter banks, buffers) before timing, as above.
    time_all_threads(config, segments, 1, threads, &checksum);
    const double wall_s = time_all_threads(config, segments, passes, threads, &checksum);
    const double audio_s = 10.0 * static_cast<double>(segments.size()) * passes;
    std::printf("%-24s %7.3f ms/segment wall on %d threads (%d passes)  %6.0fx real time\n", "all three, all threads",
                1e3 * wall_s / (static_cast<double>(segments.size()) * passes), threads, passes, audio_s / wall_s);
    std::printf("(checksum %.6g)\n", checksum);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
