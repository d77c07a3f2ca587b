#pragma once
// Writes a labelled data set laid out like GTZAN: <out>/<genre>/<genre>.000NN.wav, mono 16-bit
// PCM WAV. Files are written atomically (temporary file + rename), so an interrupted run leaves
// only complete clips, and a re-run skips them and makes the rest. <out>/synth.json records the
// seed, clip length and sample rate; a re-run with other values is refused rather than mixing
// two data sets in one folder (adding genres or raising --per-genre is fine: every clip depends
// only on seed, genre and index).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "jaams/synth/genre_rules.hpp"

namespace jaams::synth {

struct SynthOptions {
  std::filesystem::path out;
  int per_genre = 20;
  double seconds = 30;
  std::uint64_t seed = 1;
  int sample_rate = 22050;
  std::vector<std::string> genres = genre_names();
  int threads = 0;  // 0: one per core. The output does not depend on it.
};

struct SynthSummary {
  int written = 0;
  int skipped = 0;           // complete clips already there
  double audio_seconds = 0;  // of the clips written
  double elapsed_seconds = 0;
  std::vector<std::filesystem::path> files;  // every clip of the set, in genre and index order
};

// Throws jaams::Error for bad options (naming the option and the accepted range), for a folder
// made with other settings, and when a clip cannot be written.
SynthSummary write_dataset(const SynthOptions& options);

// <out>/<genre>/<genre>.<index, 5 digits>.wav
std::filesystem::path clip_path(const std::filesystem::path& out, const std::string& genre, int index);

// The bytes of a mono 16-bit PCM WAV file holding `samples` (clipped to [-1, 1]), via libsndfile.
std::string encode_wav(const std::vector<float>& samples, int sample_rate);

}  // namespace jaams::synth
