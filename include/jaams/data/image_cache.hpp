#pragma once
// The compact image cache training reads instead of decoding PNGs: one file per track and image
// kind, `cache/<kind>/<genre>/<track_id>.u8`, holding that track's segment images as raw bytes.
//
//   bytes 0-7   "JAAMSU8\0"
//   then 5 little-endian uint32: format version (1), segments, height, width, channels (3)
//   then segments * height * width * channels bytes, RGB, row-major, segment after segment.
//
// Feature matrices (the model inputs of kinds stats and compact_mel, and of mel/centroid/chroma
// when a model reads matrices instead of images) go to `cache/<kind>/<genre>/<track_id>.f32`:
//   bytes 0-7   "JAAMSF32"
//   then 4 little-endian uint32: format version (1), segments, rows, cols
//   then segments * rows * cols float32 (little-endian, as every platform jaams runs on stores
//   them), row-major, segment after segment.
#include <cstdint>
#include <filesystem>
#include <vector>

#include "jaams/features/matrix.hpp"
#include "jaams/image/render.hpp"

namespace jaams::data {

// Writes atomically; all images must share one size.
void write_image_cache(const std::filesystem::path& path, const std::vector<image::Image>& images);

struct CachedImages {
  int segments = 0;
  int height = 0;
  int width = 0;
  int channels = 0;
  std::vector<std::uint8_t> bytes;  // segments * height * width * channels
  const std::uint8_t* segment(int i) const { return bytes.data() + std::size_t(i) * height * width * channels; }
};

// Throws jaams::Error naming the file when it is missing, truncated or not a jaams cache.
CachedImages read_image_cache(const std::filesystem::path& path);

// Writes atomically; all matrices must share one shape.
void write_matrix_cache(const std::filesystem::path& path, const std::vector<features::Matrix>& matrices);

struct CachedMatrices {
  int segments = 0;
  int rows = 0;
  int cols = 0;
  std::vector<float> values;  // segments * rows * cols
  const float* segment(int i) const { return values.data() + std::size_t(i) * rows * cols; }
};

// Throws jaams::Error naming the file when it is missing, truncated or not a jaams matrix cache.
CachedMatrices read_matrix_cache(const std::filesystem::path& path);

}  // namespace jaams::data
