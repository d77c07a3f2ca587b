// SegmentStore: inputs left in the preprocess cache read the same as the ones loaded in memory.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "jaams/data/image_cache.hpp"
#include "jaams/data/image_set.hpp"
#include "jaams/data/preprocess.hpp"
#include "jaams/util/error.hpp"
#include "test_support.hpp"

namespace jaams::data {
namespace {
namespace fs = std::filesystem;
using features::FeatureKind;

// Two tracks of 3 segments: mel images 5x7, and stats (4x1) + centroid (1x6) matrices, with
// values that tell every segment, kind and position apart.
std::vector<ManifestRow> write_caches(const fs::path& dir) {
  std::vector<ManifestRow> rows;
  const std::pair<std::string, std::string> tracks[] = {{"rock", "r1"}, {"jazz", "j1"}};
  int seed = 0;
  for (const auto& [genre, id] : tracks) {
    std::vector<image::Image> images;
    std::vector<features::Matrix> stats, centroid;
    for (int s = 0; s < 3; ++s, ++seed) {
      image::Image im{5, 7, std::vector<std::uint8_t>(5 * 7 * 3)};
      for (std::size_t i = 0; i < im.rgb.size(); ++i) im.rgb[i] = static_cast<std::uint8_t>(i * 7 + seed * 31);
      images.push_back(im);
      features::Matrix a(4, 1), b(1, 6);
      for (std::size_t i = 0; i < a.data.size(); ++i) a.data[i] = float(seed * 100 + i);
      for (std::size_t i = 0; i < b.data.size(); ++i) b.data[i] = float(-seed * 100 - i);
      stats.push_back(a);
      centroid.push_back(b);
      rows.push_back({"", id, genre, s, s * 1.0, 2.0, "mel"});
    }
    write_image_cache(cache_path(dir, FeatureKind::mel, genre, id), images);
    write_matrix_cache(matrix_cache_path(dir, FeatureKind::stats, genre, id), stats);
    write_matrix_cache(matrix_cache_path(dir, FeatureKind::centroid, genre, id), centroid);
  }
  return rows;
}

TEST(SegmentStore, GathersTheSameImagesAndMatricesAsTheSetInMemory) {
  test::TempDir dir;
  auto rows = write_caches(dir.path());
  std::swap(rows[0], rows[4]);  // any order of rows
  const std::vector<std::string> classes{"jazz", "rock"};
  for (const InputLayout& layout : {InputLayout{InputForm::image, {FeatureKind::mel}},
                                    InputLayout{InputForm::matrix, {FeatureKind::stats, FeatureKind::centroid}}}) {
    const InputSet memory = load_input_set(dir.path(), layout, rows, classes);
    const InputSet disk = load_input_set(dir.path(), layout, rows, classes, /*stream=*/true);
    ASSERT_TRUE(disk.store);
    EXPECT_FALSE(disk.inputs.defined());
    EXPECT_EQ(disk.sample_shape(), memory.sample_shape());
    EXPECT_EQ(disk.shapes, memory.shapes);
    EXPECT_TRUE(torch::equal(disk.labels, memory.labels));
    EXPECT_TRUE(torch::equal(disk.rows(0, disk.size()), memory.inputs));
    EXPECT_TRUE(torch::equal(disk.rows(2, 5), memory.inputs.slice(0, 2, 5)));
    const std::vector<std::int64_t> pick{5, 0, 3, 3};
    EXPECT_TRUE(torch::equal(disk.gather(pick), memory.gather(pick)));
    InputSet loaded = disk;
    load_into_memory(loaded);
    EXPECT_FALSE(loaded.store);
    EXPECT_TRUE(torch::equal(loaded.inputs, memory.inputs));
  }
}

TEST(SegmentStore, AMissingSegmentIsNamedWhenTheSetIsOpened) {
  test::TempDir dir;
  auto rows = write_caches(dir.path());
  rows[1].segment = 3;  // the track has 3 segments: 0..2
  const auto message = test::error_of([&] {
    load_input_set(dir.path(), InputLayout{InputForm::image, {FeatureKind::mel}}, rows, {"jazz", "rock"}, /*stream=*/true);
  });
  EXPECT_NE(message.find("r1.u8: segment 3 missing"), std::string::npos) << message;
}

}  // namespace
}  // namespace jaams::data
