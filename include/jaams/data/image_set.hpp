#pragma once
// The segments of one split held in memory as one tensor, with their labels and tracks: the
// report's images (uint8) or feature matrices (float), read from the preprocess cache
// (image_cache.hpp), never from PNGs.
#include <torch/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "jaams/data/manifest.hpp"
#include "jaams/data/segment_store.hpp"
#include "jaams/features/feature_config.hpp"

namespace jaams::data {

// How a model reads a segment.
enum class InputForm { image, matrix };
const char* to_string(InputForm form);
// "image" | "matrix"; throws jaams::Error otherwise.
InputForm parse_input_form(const std::string& name);

struct InputLayout {
  InputForm form = InputForm::image;
  // image: exactly one image kind (mel, centroid, chroma); matrix: one or more kinds, whose
  // matrices are flattened and concatenated in this order.
  std::vector<features::FeatureKind> kinds{features::FeatureKind::mel};
};
// Throws jaams::Error naming `what` for an image layout of a matrix-only kind, or no kinds.
void validate(const InputLayout& layout, const std::string& what);
// "mel" or "compact_mel+stats" (for logs and report tables).
std::string kinds_label(const InputLayout& layout);

struct InputSet {
  // image: uint8 [N, 3, H, W], RGB. matrix: float [N, D], each kind's [rows x cols] matrix
  // flattened row-major, kinds concatenated in layout order. Undefined when the inputs are
  // left on disk (`store`).
  torch::Tensor inputs;
  std::shared_ptr<const SegmentStore> store;
  std::vector<std::pair<int, int>> shapes;  // matrix: [rows, cols] of each kind
  torch::Tensor labels;                     // int64 [N], index into the class list
  std::vector<std::string> track_ids;
  std::vector<int> segments;

  std::int64_t size() const { return labels.defined() ? labels.size(0) : 0; }
  bool in_memory() const { return store == nullptr; }
  // One sample's shape: [3, H, W] or [D].
  std::vector<std::int64_t> sample_shape() const;
  // Samples [begin, end) or the listed ones, from memory or from disk.
  torch::Tensor rows(std::int64_t begin, std::int64_t end) const;
  torch::Tensor gather(const std::vector<std::int64_t>& index) const;
};

// Loads the inputs of `rows` (segments of the layout's first kind, in that order) from the cache
// of the preprocessed folder `dir`, or with `stream` only indexes them there (SegmentStore). A
// row whose genre is not in `classes`, or whose segment is missing from a cache, is a
// jaams::Error naming the file.
InputSet load_input_set(const std::filesystem::path& dir, const InputLayout& layout, const std::vector<ManifestRow>& rows,
                        const std::vector<std::string>& classes, bool stream = false);

// Reads a streaming set's inputs into memory (nothing to do for one in memory already).
void load_into_memory(InputSet& set);

// HWC RGB bytes of one image -> uint8 [3, H, W].
torch::Tensor image_to_tensor(const std::uint8_t* rgb, int height, int width);

}  // namespace jaams::data
