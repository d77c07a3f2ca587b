#pragma once
// What the hostile-input suite needs beyond test_support: runs of the binary with their peak
// memory, and inputs too large to keep in the repository, made on the spot.
#include <cstdint>
#include <filesystem>
#include <string>

namespace jaams::hostile {

struct MeasuredRun {
  int status = -1;
  std::string output;  // stdout + stderr
  long max_rss_mb = 0;  // the peak resident memory of the jaams process
};

// Runs `jaams ARGS` (a shell command line after the binary) in a child process and reads its peak
// resident set size from wait4(2).
MeasuredRun run_jaams_measured(const std::string& args);

// Runs `jaams ARGS` with the file size limit (RLIMIT_FSIZE) at `max_file_bytes` and SIGXFSZ
// ignored, so a write past the limit fails with EFBIG as writes on a full disk fail with ENOSPC.
MeasuredRun run_jaams_with_file_size_limit(const std::string& args, std::uint64_t max_file_bytes);

// A mono 16-bit WAV of `seconds` of a slowly changing chord at `sample_rate` Hz, written in
// blocks (a two-hour file costs no memory to make).
void write_long_wav(const std::filesystem::path& path, double seconds, int sample_rate);

// predict::fixtures::music as a 22050-Hz WAV (folders created).
void write_music(const std::filesystem::path& path, double seconds, int variant);

// A 16-bit mono WAV of `seconds` at 22050 Hz whose header claims `claimed_rate` Hz.
void write_wav_with_claimed_rate(const std::filesystem::path& path, double seconds, int claimed_rate);

// Rewrites the model package `package` to `damaged` with its largest weight record (a zip entry
// `*/data/N`) cut to 1000 bytes ("cut") or with its first byte flipped ("flip"), using Python's
// zipfile so the archive itself stays readable.
void damage_package(const std::filesystem::path& package, const std::filesystem::path& damaged, const std::string& how);

}  // namespace jaams::hostile
