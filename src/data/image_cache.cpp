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

void write_image_cache(const std::filesystem::path& path, const std::vector<image::Image>& images) {
  if (images.empty()) throw Error(path.string() + ": no images to cache");
  const auto& first = images.front();
  for (const auto& img : images) {
    if (img.height != first.height || img.width != first.width) throw Error(path.string() + ": images differ in size");
  }
  write_file_atomic(path, [&](std::ostream& out) {
    out.write(kMagic, sizeof kMagic);
    for (std::uint32_t v : {kVersion, std::uint32_t(images.size()), std::uint32_t(first.height), std::uint32_t(first.width), 3u}) {
      put_u32(out, v);
    }
    for (const auto& img : images) out.write(reinterpret_cast<const char*>(img.rgb.data()), static_cast<std::streamsize>(img.rgb.size()));
  });
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
  if (matrices.empty()) throw Error(path.string() + ": no matrices to cache");
  const auto& first = matrices.front();
  for (const auto& m : matrices) {
    if (m.rows != first.rows || m.cols != first.cols || m.data.size() != std::size_t(m.rows) * m.cols) {
      throw Error(path.string() + ": matrices differ in shape");
    }
  }
  write_file_atomic(path, [&](std::ostream& out) {
    out.write(kMatrixMagic, sizeof kMatrixMagic);
    for (std::uint32_t v : {kVersion, std::uint32_t(matrices.size()), std::uint32_t(first.rows), std::uint32_t(first.cols)}) {
      put_u32(out, v);
    }
    for (const auto& m : matrices) {
      out.write(reinterpret_cast<const char*>(m.data.data()), static_cast<std::streamsize>(m.data.size() * sizeof(float)));
    }
  });
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
