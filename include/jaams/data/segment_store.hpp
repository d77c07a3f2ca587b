#pragma once
// The inputs of a split left on disk (data.load: stream): where each segment lies in the
// preprocess cache (image_cache.hpp), read with pread when a batch needs it. The index costs a
// few dozen bytes per segment, so training memory no longer grows with the dataset; the page
// cache, not the process, holds what was read recently.
#include <torch/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "jaams/data/manifest.hpp"
#include "jaams/features/feature_config.hpp"

namespace jaams::data {

struct InputLayout;

class SegmentStore {
 public:
  // Indexes the segments of `rows` (in that order) in the caches of `dir`, reading only the
  // files' headers. Throws jaams::Error naming the file for a missing cache or segment, or one
  // whose shape differs from the rest.
  static std::shared_ptr<const SegmentStore> open(const std::filesystem::path& dir, const InputLayout& layout,
                                                  const std::vector<ManifestRow>& rows);

  // Every segment of one matrix cache file, each read as a tensor of `sample_shape` (whose size
  // must be the file's rows x cols): the frozen features a trainer writes for a split.
  static std::shared_ptr<const SegmentStore> open_matrix_file(const std::filesystem::path& path,
                                                              std::vector<std::int64_t> sample_shape);

  std::int64_t size() const { return static_cast<std::int64_t>(places_.size()); }
  // One sample's shape: [3, H, W] (uint8 images) or [D] (float matrices, kinds concatenated).
  std::vector<std::int64_t> sample_shape() const;
  torch::ScalarType dtype() const { return images_ ? torch::kUInt8 : torch::kFloat32; }
  // [rows, cols] of each kind (matrices).
  const std::vector<std::pair<int, int>>& shapes() const { return shapes_; }

  // The samples `index[0..count)` as one tensor [count, ...]; throws jaams::RuntimeFailure when a
  // file cannot be read (it changed since open()). Safe to call from several threads.
  torch::Tensor gather(const std::int64_t* index, std::int64_t count) const;
  torch::Tensor range(std::int64_t begin, std::int64_t end) const;

 private:
  struct Place {
    std::uint32_t file;     // the track: files_[k * stride_ + file] holds kind k
    std::uint32_t segment;  // its index within the track's files
  };
  bool images_ = true;
  std::vector<std::string> files_;           // files of every kind: [kind][track]
  std::size_t stride_ = 0;                   // tracks, i.e. files per kind
  std::vector<std::size_t> header_bytes_;    // per kind
  std::vector<std::size_t> segment_bytes_;   // per kind
  std::vector<std::pair<int, int>> shapes_;  // per kind: rows, cols
  std::vector<Place> places_;
  std::vector<std::int64_t> sample_shape_;  // when set: the shape samples are read as
};

}  // namespace jaams::data
