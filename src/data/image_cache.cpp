#include "jaams/data/image_cache.hpp"

#include <array>
#include <cstring>
#include <fstream>

#include "jaams/util/atomic_file.hpp"
#include "jaams/util/error.hpp"

namespace jaams::data {
namespace {
constexpr char kMagic[8] = {'J', 'A', 'A', 'M', 'S', 'U', '8', '\0'};
constexpr char kMatrixMagic[8] = {'J', 'A', 'A', 'M', 'S', 'F', '3', '2'};
constexpr std::uint32_t kVersion = 1;

void put_u32(std::ostream& out, std::uint32_t v) {
  const char b[4] = {char(v & 0xff), char((v >> 8) & 0xff), char((v >> 16) & 0xff), char((v >> 24) & 0xff)};
  out.write(b, 4);
}
std::uint32_t get_u32(const unsigned char* b) { return b[0] | (b[1] << 8) | (b[2] << 16) | (std::uint32_t(b[3]) << 24); }

// All segments' bytes after the header into `out`.
void read_payload(const std::filesystem::path& path, const CacheHeader& h, void* out) {
  std::ifstream in(path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(h.header_bytes));
  const auto n = static_cast<std::streamsize>(std::size_t(h.segments) * h.segment_bytes);
  in.read(static_cast<char*>(out), n);
  if (!in || in.gcount() != n) throw Error(path.string() + ": truncated cache (re-run jaams preprocess)");
}
}  // namespace

SegmentCacheWriter::SegmentCacheWriter(std::filesystem::path path, bool matrices)
    : path_(std::move(path)), matrices_(matrices) {}
SegmentCacheWriter::~SegmentCacheWriter() = default;
SegmentCacheWriter::SegmentCacheWriter(SegmentCacheWriter&&) noexcept = default;
SegmentCacheWriter& SegmentCacheWriter::operator=(SegmentCacheWriter&&) noexcept = default;

SegmentCacheWriter SegmentCacheWriter::images(std::filesystem::path path) { return {std::move(path), false}; }
SegmentCacheWriter SegmentCacheWriter::matrices(std::filesystem::path path) { return {std::move(path), true}; }

void SegmentCacheWriter::add_bytes(const void* data, std::size_t bytes, const std::vector<std::uint32_t>& dims) {
  if (!file_) {
    file_ = std::make_unique<AtomicFileWriter>(path_);
    dims_ = dims;
    std::ostream& out = file_->stream();
    out.write(matrices_ ? kMatrixMagic : kMagic, sizeof kMagic);
    put_u32(out, kVersion);
    put_u32(out, 0);  // segments: filled in by commit()
    for (const std::uint32_t d : dims_) put_u32(out, d);
  } else if (dims != dims_) {
    throw Error(path_.string() + (matrices_ ? ": matrices differ in shape" : ": images differ in size"));
  }
  file_->stream().write(static_cast<const char*>(data), static_cast<std::streamsize>(bytes));
  ++segments_;
}

void SegmentCacheWriter::add(const image::Image& img) {
  add_bytes(img.rgb.data(), img.rgb.size(), {std::uint32_t(img.height), std::uint32_t(img.width), 3u});
}

void SegmentCacheWriter::add(const features::Matrix& m) {
  if (m.data.size() != std::size_t(m.rows) * m.cols) throw Error(path_.string() + ": matrices differ in shape");
  add_bytes(m.data.data(), m.data.size() * sizeof(float), {std::uint32_t(m.rows), std::uint32_t(m.cols)});
}

void SegmentCacheWriter::commit() {
  if (!file_) throw Error(path_.string() + (matrices_ ? ": no matrices to cache" : ": no images to cache"));
  std::ostream& out = file_->stream();
  out.seekp(sizeof kMagic + 4);
  put_u32(out, segments_);
  file_->commit();
}

void write_image_cache(const std::filesystem::path& path, const std::vector<image::Image>& images) {
  auto writer = SegmentCacheWriter::images(path);
  for (const auto& img : images) writer.add(img);
  writer.commit();
}

CacheHeader read_cache_header(const std::filesystem::path& path, bool matrices) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(path.string() + (matrices ? ": matrix cache missing or unreadable (re-run jaams preprocess with these kinds)"
                                          : ": image cache missing or unreadable (re-run jaams preprocess)"));
  }
  const char* what = matrices ? "matrix" : "image";
  std::array<unsigned char, 28> header{};
  const std::size_t header_bytes = matrices ? 24 : 28;
  in.read(reinterpret_cast<char*>(header.data()), static_cast<std::streamsize>(header_bytes));
  if (!in || std::memcmp(header.data(), matrices ? kMatrixMagic : kMagic, sizeof kMagic) != 0) {
    throw Error(path.string() + ": not a jaams " + what + " cache");
  }
  if (get_u32(&header[8]) != kVersion) throw Error(path.string() + ": unsupported " + what + " cache version");
  CacheHeader h;
  h.header_bytes = header_bytes;
  h.segments = static_cast<int>(get_u32(&header[12]));
  h.rows = static_cast<int>(get_u32(&header[16]));
  h.cols = static_cast<int>(get_u32(&header[20]));
  h.channels = matrices ? 1 : static_cast<int>(get_u32(&header[24]));
  h.segment_bytes = std::size_t(h.rows) * h.cols * h.channels * (matrices ? sizeof(float) : 1);
  if ((!matrices && h.channels != 3) || h.rows <= 0 || h.cols <= 0 || h.segments < 0 ||
      std::size_t(h.segments) * h.segment_bytes > (std::size_t(1) << 36)) {
    throw Error(path.string() + ": corrupt " + what + " cache header");
  }
  return h;
}

CachedImages read_image_cache(const std::filesystem::path& path) {
  const CacheHeader h = read_cache_header(path, false);
  CachedImages c;
  c.segments = h.segments;
  c.height = h.rows;
  c.width = h.cols;
  c.channels = h.channels;
  c.bytes.resize(std::size_t(h.segments) * h.segment_bytes);
  read_payload(path, h, c.bytes.data());
  return c;
}

void write_matrix_cache(const std::filesystem::path& path, const std::vector<features::Matrix>& matrices) {
  auto writer = SegmentCacheWriter::matrices(path);
  for (const auto& m : matrices) writer.add(m);
  writer.commit();
}

CachedMatrices read_matrix_cache(const std::filesystem::path& path) {
  const CacheHeader h = read_cache_header(path, true);
  CachedMatrices c;
  c.segments = h.segments;
  c.rows = h.rows;
  c.cols = h.cols;
  c.values.resize(std::size_t(h.segments) * h.rows * h.cols);
  read_payload(path, h, c.values.data());
  return c;
}

}  // namespace jaams::data
