#include "librosa_fixtures.hpp"

#include <gtest/gtest.h>
#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "test_support.hpp"

namespace jaams::test {

std::filesystem::path librosa_fixture(const std::string& name) {
  return std::filesystem::path(JAAMS_FIXTURES_DIR) / "librosa" / name;
}

std::vector<float> pcm16_fixture(const std::string& signal) {
  const NpyArray pcm = read_npy(librosa_fixture(signal + "_pcm16.npy"));
  std::vector<float> y(pcm.values.size());
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = static_cast<float>(pcm.values[i]) / 32768.0f;
  return y;
}

std::vector<float> gtzan_segment(const std::string& relative, std::size_t samples) {
  const auto path = gtzan_mini() / relative;
  SF_INFO info{};
  SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
  if (f == nullptr) throw std::runtime_error(path.string() + ": " + sf_strerror(nullptr));
  std::vector<float> y(samples);
  const sf_count_t got = sf_readf_float(f, y.data(), static_cast<sf_count_t>(samples));
  sf_close(f);
  if (info.channels != 1 || info.samplerate != 22050 || got != static_cast<sf_count_t>(samples))
    throw std::runtime_error(path.string() + ": expected at least " + std::to_string(samples) +
                             " samples of 22050-Hz mono");
  return y;
}

Deviation deviation(const features::Matrix& a, const NpyArray& b, const std::string& what) {
  const std::vector<std::size_t> shape{static_cast<std::size_t>(a.rows), static_cast<std::size_t>(a.cols)};
  EXPECT_EQ(b.shape, shape) << what << ": shape";
  if (b.shape != shape) return {};
  Deviation d;
  double peak = 0.0;
  for (std::size_t i = 0; i < b.values.size(); ++i) {
    d.max_abs = std::max(d.max_abs, std::abs(a.data[i] - b.values[i]));
    peak = std::max(peak, std::abs(b.values[i]));
  }
  d.relative_to_max = peak > 0.0 ? d.max_abs / peak : 0.0;
  return d;
}

}  // namespace jaams::test
