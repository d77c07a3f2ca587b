#pragma once
// Segment images of one kind held in memory as one uint8 tensor, with their labels and tracks.
// Training reads them from the preprocess cache (image_cache.hpp): no PNG decoding.
#include <torch/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "jaams/data/manifest.hpp"
#include "jaams/features/feature_config.hpp"

namespace jaams::data {

struct ImageSet {
  torch::Tensor images;  // uint8 [N, 3, H, W], RGB
  torch::Tensor labels;  // int64 [N], index into the class list
  std::vector<std::string> track_ids;
  std::vector<int> segments;

  std::int64_t size() const { return labels.defined() ? labels.size(0) : 0; }
};

// Loads the images of `rows` (all of kind `kind`, in that order) from the cache of the
// preprocessed folder `dir`. A row whose genre is not in `classes`, or whose segment is missing
// from its track's cache, is a jaams::Error naming the file.
ImageSet load_image_set(const std::filesystem::path& dir, features::FeatureKind kind, const std::vector<ManifestRow>& rows,
                        const std::vector<std::string>& classes);

// HWC RGB bytes of one image -> uint8 [3, H, W].
torch::Tensor image_to_tensor(const std::uint8_t* rgb, int height, int width);

}  // namespace jaams::data
