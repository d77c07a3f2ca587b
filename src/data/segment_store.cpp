#include "jaams/data/segment_store.hpp"

#include <fcntl.h>
#include <torch/torch.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "jaams/data/image_cache.hpp"
#include "jaams/data/image_set.hpp"
#include "jaams/data/preprocess.hpp"
#include "jaams/util/error.hpp"

namespace jaams::data {
namespace fs = std::filesystem;

namespace {

// Reads exactly `bytes` at `offset` of `path`.
void read_at(const std::string& path, std::uint64_t offset, void* out, std::size_t bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw RuntimeFailure(path + ": cannot open (" + std::strerror(errno) + "); did the preprocess folder change?");
  std::size_t done = 0;
  while (done < bytes) {
    const ssize_t n = ::pread(fd, static_cast<char*>(out) + done, bytes - done, static_cast<off_t>(offset + done));
    if (n <= 0) {
      const std::string reason = n < 0 ? std::strerror(errno) : "file shorter than its header says";
      ::close(fd);
      throw RuntimeFailure(path + ": read failed (" + reason + ")");
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
}

}  // namespace

std::shared_ptr<const SegmentStore> SegmentStore::open(const fs::path& dir, const InputLayout& layout,
                                                        const std::vector<ManifestRow>& rows) {
  auto store = std::shared_ptr<SegmentStore>(new SegmentStore());
  store->images_ = layout.form == InputForm::image;
  const std::size_t kinds = layout.kinds.size();
  // Tracks in order of first use; rows of one track share its files.
  std::map<std::pair<std::string, std::string>, std::uint32_t> track_index;
  std::vector<std::pair<std::string, std::string>> tracks;
  for (const auto& row : rows) {
    const auto key = std::make_pair(row.genre, row.track_id);
    if (track_index.emplace(key, static_cast<std::uint32_t>(tracks.size())).second) tracks.push_back(key);
  }
  store->stride_ = tracks.size();
  store->files_.resize(kinds * tracks.size());
  store->header_bytes_.resize(kinds);
  store->segment_bytes_.resize(kinds);
  store->shapes_.resize(kinds);
  std::vector<int> segments(kinds * tracks.size());
  for (std::size_t k = 0; k < kinds; ++k) {
    for (std::size_t t = 0; t < tracks.size(); ++t) {
      const auto& [genre, id] = tracks[t];
      const fs::path path = store->images_ ? cache_path(dir, layout.kinds[k], genre, id) : matrix_cache_path(dir, layout.kinds[k], genre, id);
      const CacheHeader h = read_cache_header(path, !store->images_);
      const std::pair<int, int> shape{h.rows, h.cols};
      if (t == 0) {
        store->header_bytes_[k] = h.header_bytes;
        store->segment_bytes_[k] = h.segment_bytes;
        store->shapes_[k] = shape;
      } else if (shape != store->shapes_[k] || h.header_bytes != store->header_bytes_[k]) {
        throw Error(path.string() + ": " + (store->images_ ? "images" : "matrices") + " of another size than the rest of the dataset");
      }
      store->files_[k * tracks.size() + t] = path.string();
      segments[k * tracks.size() + t] = h.segments;
    }
  }
  store->places_.reserve(rows.size());
  for (const auto& row : rows) {
    const std::uint32_t t = track_index.at({row.genre, row.track_id});
    for (std::size_t k = 0; k < kinds; ++k) {
      if (row.segment < 0 || row.segment >= segments[k * tracks.size() + t]) {
        throw Error(store->files_[k * tracks.size() + t] + ": segment " + std::to_string(row.segment) +
                    " missing (re-run jaams preprocess)");
      }
    }
    store->places_.push_back({t, static_cast<std::uint32_t>(row.segment)});
  }
  return store;
}

std::shared_ptr<const SegmentStore> SegmentStore::open_matrix_file(const fs::path& path, std::vector<std::int64_t> sample_shape) {
  auto store = std::shared_ptr<SegmentStore>(new SegmentStore());
  store->images_ = false;
  const CacheHeader h = read_cache_header(path, /*matrices=*/true);
  std::int64_t values = 1;
  for (auto d : sample_shape) values *= d;
  if (values != std::int64_t(h.rows) * h.cols) {
    throw Error(path.string() + ": holds " + std::to_string(h.rows) + "x" + std::to_string(h.cols) + " values per segment, not " +
                std::to_string(values));
  }
  store->files_ = {path.string()};
  store->stride_ = 1;
  store->header_bytes_ = {h.header_bytes};
  store->segment_bytes_ = {h.segment_bytes};
  store->shapes_ = {{h.rows, h.cols}};
  store->sample_shape_ = std::move(sample_shape);
  for (int s = 0; s < h.segments; ++s) store->places_.push_back({0, static_cast<std::uint32_t>(s)});
  return store;
}

std::vector<std::int64_t> SegmentStore::sample_shape() const {
  if (!sample_shape_.empty()) return sample_shape_;
  if (images_) return {3, shapes_.front().first, shapes_.front().second};
  std::int64_t width = 0;
  for (const auto& [r, c] : shapes_) width += std::int64_t(r) * c;
  return {width};
}

torch::Tensor SegmentStore::gather(const std::int64_t* index, std::int64_t count) const {
  auto shape = sample_shape();
  shape.insert(shape.begin(), count);
  torch::Tensor out = torch::empty(shape, dtype());
  if (images_) {
    const auto [h, w] = shapes_.front();
    std::vector<std::uint8_t> hwc(segment_bytes_.front());
    for (std::int64_t i = 0; i < count; ++i) {
      const Place& p = places_.at(static_cast<std::size_t>(index[i]));
      read_at(files_[p.file], header_bytes_.front() + std::uint64_t(p.segment) * segment_bytes_.front(), hwc.data(), hwc.size());
      out[i].copy_(torch::from_blob(hwc.data(), {h, w, 3}, torch::kUInt8).permute({2, 0, 1}));
    }
    return out;
  }
  auto* dst = static_cast<char*>(out.data_ptr());
  std::size_t row_bytes = 0;
  for (auto b : segment_bytes_) row_bytes += b;
  for (std::int64_t i = 0; i < count; ++i) {
    const Place& p = places_.at(static_cast<std::size_t>(index[i]));
    std::size_t at = 0;
    for (std::size_t k = 0; k < shapes_.size(); ++k) {
      read_at(files_[k * stride_ + p.file], header_bytes_[k] + std::uint64_t(p.segment) * segment_bytes_[k],
              dst + std::size_t(i) * row_bytes + at, segment_bytes_[k]);
      at += segment_bytes_[k];
    }
  }
  return out;
}

torch::Tensor SegmentStore::range(std::int64_t begin, std::int64_t end) const {
  std::vector<std::int64_t> index;
  for (std::int64_t i = begin; i < end; ++i) index.push_back(i);
  return gather(index.data(), static_cast<std::int64_t>(index.size()));
}

}  // namespace jaams::data
