#include "jaams/data/image_set.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <cstring>
#include <map>

#include "jaams/data/image_cache.hpp"
#include "jaams/data/preprocess.hpp"
#include "jaams/util/error.hpp"

namespace jaams::data {

const char* to_string(InputForm form) { return form == InputForm::image ? "image" : "matrix"; }

InputForm parse_input_form(const std::string& name) {
  if (name == "image") return InputForm::image;
  if (name == "matrix") return InputForm::matrix;
  throw Error("unknown input form '" + name + "' (expected image or matrix)");
}

void validate(const InputLayout& layout, const std::string& what) {
  if (layout.kinds.empty()) throw Error(what + ": no input kinds");
  if (layout.form == InputForm::image) {
    if (layout.kinds.size() != 1) throw Error(what + ": an image input has exactly one kind");
    if (!features::has_image(layout.kinds.front())) {
      throw Error(what + ": '" + features::to_string(layout.kinds.front()) +
                  "' has no image form; use features.input: matrix");
    }
  }
}

std::string kinds_label(const InputLayout& layout) {
  std::string label;
  for (auto k : layout.kinds) label += (label.empty() ? "" : "+") + std::string(features::to_string(k));
  return label;
}

torch::Tensor image_to_tensor(const std::uint8_t* rgb, int height, int width) {
  return torch::from_blob(const_cast<std::uint8_t*>(rgb), {height, width, 3}, torch::kUInt8).permute({2, 0, 1}).clone();
}

namespace {

std::int64_t label_of(const std::filesystem::path& dir, const ManifestRow& row, const std::vector<std::string>& classes) {
  const auto cls = std::find(classes.begin(), classes.end(), row.genre);
  if (cls == classes.end()) throw Error(dir.string() + ": track " + row.track_id + " has genre '" + row.genre + "', not among the classes");
  return cls - classes.begin();
}

[[noreturn]] void missing_segment(const std::filesystem::path& cache, int segment) {
  throw Error(cache.string() + ": segment " + std::to_string(segment) + " missing (re-run jaams preprocess)");
}

void load_images(InputSet& set, const std::filesystem::path& dir, features::FeatureKind kind, const std::vector<ManifestRow>& rows) {
  const auto n = static_cast<std::int64_t>(rows.size());
  // Read each track's cache once, however many of its segments are asked for.
  std::map<std::pair<std::string, std::string>, CachedImages> caches;
  for (std::int64_t i = 0; i < n; ++i) {
    const auto& row = rows[i];
    const auto path = cache_path(dir, kind, row.genre, row.track_id);
    auto it = caches.find({row.genre, row.track_id});
    if (it == caches.end()) it = caches.emplace(std::make_pair(row.genre, row.track_id), read_image_cache(path)).first;
    const CachedImages& cache = it->second;
    if (row.segment < 0 || row.segment >= cache.segments) missing_segment(path, row.segment);
    if (!set.inputs.defined()) set.inputs = torch::empty({n, 3, cache.height, cache.width}, torch::kUInt8);
    if (cache.height != set.inputs.size(2) || cache.width != set.inputs.size(3)) {
      throw Error(dir.string() + ": images of different sizes in one dataset");
    }
    set.inputs[i].copy_(image_to_tensor(cache.segment(row.segment), cache.height, cache.width));
  }
  if (!set.inputs.defined()) set.inputs = torch::empty({0, 3, 1, 1}, torch::kUInt8);
}

void load_matrices(InputSet& set, const std::filesystem::path& dir, const std::vector<features::FeatureKind>& kinds,
                   const std::vector<ManifestRow>& rows) {
  const auto n = static_cast<std::int64_t>(rows.size());
  // Rows come grouped by track: keep each kind's last cache instead of re-reading it per segment.
  struct Recent {
    std::filesystem::path path;
    CachedMatrices cache;
  };
  std::vector<Recent> recent(kinds.size());
  auto cache_of = [&](std::size_t k, const ManifestRow& row) -> const CachedMatrices& {
    const auto path = matrix_cache_path(dir, kinds[k], row.genre, row.track_id);
    if (recent[k].path != path) recent[k] = {path, read_matrix_cache(path)};
    if (row.segment < 0 || row.segment >= recent[k].cache.segments) missing_segment(path, row.segment);
    return recent[k].cache;
  };
  if (n == 0) {
    set.inputs = torch::empty({0, 1}, torch::kFloat32);
    return;
  }
  std::vector<std::int64_t> offsets;  // where each kind starts within a row of the tensor
  std::int64_t width = 0;
  for (std::size_t k = 0; k < kinds.size(); ++k) {
    const auto& cache = cache_of(k, rows.front());
    set.shapes.emplace_back(cache.rows, cache.cols);
    offsets.push_back(width);
    width += std::int64_t(cache.rows) * cache.cols;
  }
  set.inputs = torch::empty({n, width}, torch::kFloat32);
  float* out = set.inputs.data_ptr<float>();
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < kinds.size(); ++k) {
      const auto& cache = cache_of(k, rows[i]);
      if (set.shapes[k] != std::make_pair(cache.rows, cache.cols)) {
        throw Error(recent[k].path.string() + ": matrices of another shape than the rest of the dataset");
      }
      std::memcpy(out + i * width + offsets[k], cache.segment(rows[i].segment),
                  sizeof(float) * std::size_t(cache.rows) * cache.cols);
    }
  }
}

}  // namespace

std::vector<std::int64_t> InputSet::sample_shape() const {
  if (store) return store->sample_shape();
  const auto sizes = inputs.sizes();
  return std::vector<std::int64_t>(sizes.begin() + 1, sizes.end());
}

torch::Tensor InputSet::rows(std::int64_t begin, std::int64_t end) const {
  return store ? store->range(begin, end) : inputs.slice(0, begin, end);
}

torch::Tensor InputSet::gather(const std::vector<std::int64_t>& index) const {
  if (store) return store->gather(index.data(), static_cast<std::int64_t>(index.size()));
  return inputs.index_select(0, torch::tensor(index, torch::kInt64));
}

void load_into_memory(InputSet& set) {
  if (!set.store) return;
  set.inputs = set.store->range(0, set.store->size());
  set.store.reset();
}

InputSet load_input_set(const std::filesystem::path& dir, const InputLayout& layout, const std::vector<ManifestRow>& rows,
                        const std::vector<std::string>& classes, bool stream) {
  validate(layout, dir.string());
  InputSet set;
  const auto n = static_cast<std::int64_t>(rows.size());
  set.labels = torch::empty({n}, torch::kInt64);
  auto labels = set.labels.accessor<std::int64_t, 1>();
  for (std::int64_t i = 0; i < n; ++i) {
    labels[i] = label_of(dir, rows[i], classes);
    set.track_ids.push_back(rows[i].track_id);
    set.segments.push_back(rows[i].segment);
  }
  if (stream && n > 0) {
    set.store = SegmentStore::open(dir, layout, rows);
    if (layout.form == InputForm::matrix) set.shapes = set.store->shapes();
  } else if (layout.form == InputForm::image) {
    load_images(set, dir, layout.kinds.front(), rows);
  } else {
    load_matrices(set, dir, layout.kinds, rows);
  }
  return set;
}

}  // namespace jaams::data
