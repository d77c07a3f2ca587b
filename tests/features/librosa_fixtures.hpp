#pragma once
// The inputs and reference values under tests/fixtures/librosa (made by
// scripts/make_librosa_fixtures.py; see the README there).
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "jaams/features/matrix.hpp"
#include "npy.hpp"

namespace jaams::test {

constexpr std::size_t kSegment = 220500;  // 10 s at 22050 Hz
constexpr int kFrames = 431;

std::filesystem::path librosa_fixture(const std::string& name);

// <signal>_pcm16.npy as float32 samples (int16 / 32768, as libsndfile reads 16-bit PCM).
std::vector<float> pcm16_fixture(const std::string& signal);

// The first `samples` samples of a gtzan-mini clip (22050-Hz mono), read as librosa.load /
// soundfile read 16-bit PCM. Throws when the clip is shorter.
std::vector<float> gtzan_segment(const std::string& relative, std::size_t samples = kSegment);

// max |a - b| over all entries, and that maximum divided by max |b| (0 when b is all zeros).
struct Deviation {
  double max_abs = 0.0;
  double relative_to_max = 0.0;
};
// Fails the test (and returns zeros) when the shapes differ.
Deviation deviation(const features::Matrix& a, const NpyArray& b, const std::string& what);

}  // namespace jaams::test
