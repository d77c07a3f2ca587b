#include "jaams/data/image_set.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <map>

#include "jaams/data/image_cache.hpp"
#include "jaams/data/preprocess.hpp"
#include "jaams/util/error.hpp"

namespace jaams::data {

torch::Tensor image_to_tensor(const std::uint8_t* rgb, int height, int width) {
  return torch::from_blob(const_cast<std::uint8_t*>(rgb), {height, width, 3}, torch::kUInt8).permute({2, 0, 1}).clone();
}

ImageSet load_image_set(const std::filesystem::path& dir, features::FeatureKind kind, const std::vector<ManifestRow>& rows,
                        const std::vector<std::string>& classes) {
  ImageSet set;
  const auto n = static_cast<std::int64_t>(rows.size());
  set.labels = torch::empty({n}, torch::kInt64);
  auto labels = set.labels.accessor<std::int64_t, 1>();
  // Read each track's cache once, however many of its segments are asked for.
  std::map<std::pair<std::string, std::string>, CachedImages> caches;
  for (std::int64_t i = 0; i < n; ++i) {
    const auto& row = rows[i];
    const auto cls = std::find(classes.begin(), classes.end(), row.genre);
    if (cls == classes.end()) throw Error(dir.string() + ": track " + row.track_id + " has genre '" + row.genre + "', not among the classes");
    labels[i] = cls - classes.begin();
    const auto key = std::make_pair(row.genre, row.track_id);
    auto it = caches.find(key);
    if (it == caches.end()) it = caches.emplace(key, read_image_cache(cache_path(dir, kind, row.genre, row.track_id))).first;
    const CachedImages& cache = it->second;
    if (row.segment < 0 || row.segment >= cache.segments) {
      throw Error(cache_path(dir, kind, row.genre, row.track_id).string() + ": segment " + std::to_string(row.segment) +
                  " missing (re-run jaams preprocess)");
    }
    if (!set.images.defined()) set.images = torch::empty({n, 3, cache.height, cache.width}, torch::kUInt8);
    if (cache.height != set.images.size(2) || cache.width != set.images.size(3)) {
      throw Error(dir.string() + ": images of different sizes in one dataset");
    }
    set.images[i].copy_(image_to_tensor(cache.segment(row.segment), cache.height, cache.width));
    set.track_ids.push_back(row.track_id);
    set.segments.push_back(row.segment);
  }
  if (!set.images.defined()) set.images = torch::empty({0, 3, 1, 1}, torch::kUInt8);
  return set;
}

}  // namespace jaams::data
