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

CachedImages read_image_cache(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path.string() + ": image cache missing or unreadable (re-run jaams preprocess)");
  std::array<unsigned char, 28> header{};
  in.read(reinterpret_cast<char*>(header.data()), header.size());
  if (!in || std::memcmp(header.data(), kMagic, sizeof kMagic) != 0) throw Error(path.string() + ": not a jaams image cache");
  if (get_u32(&header[8]) != kVersion) throw Error(path.string() + ": unsupported image cache version");
  CachedImages c;
  c.segments = static_cast<int>(get_u32(&header[12]));
  c.height = static_cast<int>(get_u32(&header[16]));
  c.width = static_cast<int>(get_u32(&header[20]));
  c.channels = static_cast<int>(get_u32(&header[24]));
  const std::size_t n = std::size_t(c.segments) * c.height * c.width * c.channels;
  if (c.channels != 3 || c.height <= 0 || c.width <= 0 || n > (std::size_t(1) << 34)) {
    throw Error(path.string() + ": corrupt image cache header");
  }
  c.bytes.resize(n);
  in.read(reinterpret_cast<char*>(c.bytes.data()), static_cast<std::streamsize>(n));
  if (!in || in.gcount() != static_cast<std::streamsize>(n)) throw Error(path.string() + ": truncated image cache");
  return c;
}

void write_matrix_cache(const std::filesystem::path& path, const std::vector<features::Matrix>& matrices) {
  auto writer = SegmentCacheWriter::matrices(path);
  for (const auto& m : matrices) writer.add(m);
  writer.commit();
}

CachedMatrices read_matrix_cache(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path.string() + ": matrix cache missing or unreadable (re-run jaams preprocess with these kinds)");
  std::array<unsigned char, 24> header{};
  in.read(reinterpret_cast<char*>(header.data()), header.size());
  if (!in || std::memcmp(header.data(), kMatrixMagic, sizeof kMatrixMagic) != 0) {
    throw Error(path.string() + ": not a jaams matrix cache");
  }
  if (get_u32(&header[8]) != kVersion) throw Error(path.string() + ": unsupported matrix cache version");
  CachedMatrices c;
  c.segments = static_cast<int>(get_u32(&header[12]));
  c.rows = static_cast<int>(get_u32(&header[16]));
  c.cols = static_cast<int>(get_u32(&header[20]));
  const std::size_t n = std::size_t(c.segments) * c.rows * c.cols;
  if (c.rows <= 0 || c.cols <= 0 || n > (std::size_t(1) << 32)) throw Error(path.string() + ": corrupt matrix cache header");
  c.values.resize(n);
  in.read(reinterpret_cast<char*>(c.values.data()), static_cast<std::streamsize>(n * sizeof(float)));
  if (!in || in.gcount() != static_cast<std::streamsize>(n * sizeof(float))) throw Error(path.string() + ": truncated matrix cache");
  return c;
}

}  // namespace jaams::data
