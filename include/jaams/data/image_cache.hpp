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
#include <memory>
#include <vector>

#include "jaams/features/matrix.hpp"
#include "jaams/image/render.hpp"

namespace jaams {
class AtomicFileWriter;
}

namespace jaams::data {

// Either cache file, written one segment at a time so a long track never has to be held in
// memory whole: the header's segment count is filled in by commit(). Atomic like
// write_file_atomic: a writer destroyed before commit() leaves nothing behind.
class SegmentCacheWriter {
 public:
  ~SegmentCacheWriter();
  SegmentCacheWriter(SegmentCacheWriter&&) noexcept;
  SegmentCacheWriter& operator=(SegmentCacheWriter&&) noexcept;

  static SegmentCacheWriter images(std::filesystem::path path);
  static SegmentCacheWriter matrices(std::filesystem::path path);

  // All images (matrices) of a file must share one size (shape); throws jaams::Error otherwise.
  void add(const image::Image& image);
  void add(const features::Matrix& matrix);
  // Throws jaams::Error when nothing was added, jaams::RuntimeFailure when the write failed.
  void commit();

 private:
  SegmentCacheWriter(std::filesystem::path path, bool matrices);
  void add_bytes(const void* data, std::size_t bytes, const std::vector<std::uint32_t>& dims);

  std::filesystem::path path_;
  bool matrices_ = false;
  std::unique_ptr<AtomicFileWriter> file_;
  std::vector<std::uint32_t> dims_;  // of the first segment
  std::uint32_t segments_ = 0;
};

// What a cache file's header says, and where its segments are: segment i's bytes start at
// header_bytes + i * segment_bytes (HWC RGB bytes, or row-major float32).
struct CacheHeader {
  int segments = 0;
  int rows = 0;      // image height, or matrix rows
  int cols = 0;      // image width, or matrix columns
  int channels = 1;  // 3 for images
  std::size_t header_bytes = 0;
  std::size_t segment_bytes = 0;
};
// Reads only the header of an image (`matrices` false) or matrix cache. Throws jaams::Error
// naming the file when it is missing or not such a cache.
CacheHeader read_cache_header(const std::filesystem::path& path, bool matrices);

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
