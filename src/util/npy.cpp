#include "jaams/util/npy.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "jaams/util/atomic_file.hpp"
#include "jaams/util/error.hpp"

namespace jaams {

namespace {

// Magic (6) + version 1.0 (2) + header length (2) + the header dict, padded with spaces to
// `total` bytes (a multiple of 64) ending in \n.
std::string npy_header(std::size_t rows, std::size_t cols, std::size_t total) {
  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(rows) + ", " +
                     std::to_string(cols) + "), }";
  const std::size_t unpadded = 10 + dict.size() + 1;
  if (total == 0) total = unpadded + (64 - unpadded % 64) % 64;
  dict.append(total - unpadded, ' ');
  dict.push_back('\n');
  const auto len = static_cast<std::uint16_t>(dict.size());
  std::string out("\x93NUMPY\x01\x00", 8);
  out.push_back(static_cast<char>(len & 0xff));
  out.push_back(static_cast<char>(len >> 8));
  return out + dict;
}

// The appender's fixed header: room for any row count a 64-bit size can hold.
constexpr std::size_t kAppenderHeaderBytes = 128;

struct NpyHeader {
  std::vector<std::size_t> shape;
  bool f8 = false;
  std::size_t data_offset = 0;
};

NpyHeader read_header(std::istream& in, const std::filesystem::path& path) {
  char magic[8];
  in.read(magic, 8);
  if (!in || std::memcmp(magic, "\x93NUMPY", 6) != 0) throw Error(path.string() + ": not a .npy file");
  std::size_t header_len = 0;
  NpyHeader h;
  if (magic[6] == 1) {
    unsigned char b[2];
    in.read(reinterpret_cast<char*>(b), 2);
    header_len = b[0] | (b[1] << 8);
    h.data_offset = 10 + header_len;
  } else {
    unsigned char b[4];
    in.read(reinterpret_cast<char*>(b), 4);
    header_len = b[0] | (b[1] << 8) | (b[2] << 16) | (std::size_t(b[3]) << 24);
    h.data_offset = 12 + header_len;
  }
  std::string header(header_len, '\0');
  in.read(header.data(), static_cast<std::streamsize>(header_len));
  if (!in) throw Error(path.string() + ": truncated .npy header");
  h.f8 = header.find("'<f8'") != std::string::npos;
  if (!h.f8 && header.find("'<f4'") == std::string::npos) throw Error(path.string() + ": only float32/float64 .npy are supported");
  if (header.find("'fortran_order': True") != std::string::npos) throw Error(path.string() + ": Fortran-order .npy not supported");
  const auto open = header.find('(', header.find("'shape'"));
  const auto close = header.find(')', open);
  if (open == std::string::npos || close == std::string::npos) throw Error(path.string() + ": .npy header without a shape");
  std::stringstream dims(header.substr(open + 1, close - open - 1));
  std::string dim;
  while (std::getline(dims, dim, ',')) {
    if (dim.find_first_not_of(' ') == std::string::npos) continue;
    h.shape.push_back(std::stoul(dim));
  }
  return h;
}

}  // namespace

void write_npy(const std::filesystem::path& path, const float* data, std::size_t rows, std::size_t cols) {
  const std::string header = npy_header(rows, cols, 0);
  write_file_atomic(path, [&](std::ostream& out) {
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(rows * cols * sizeof(float)));
  });
}

NpyArray read_npy(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path.string() + ": cannot open .npy file");
  const NpyHeader header = read_header(in, path);
  NpyArray arr;
  arr.shape = header.shape;
  std::size_t count = 1;
  for (const auto d : arr.shape) count *= d;
  arr.data.resize(count);
  if (header.f8) {
    std::vector<double> tmp(count);
    in.read(reinterpret_cast<char*>(tmp.data()), static_cast<std::streamsize>(count * sizeof(double)));
    for (std::size_t i = 0; i < count; ++i) arr.data[i] = static_cast<float>(tmp[i]);
  } else {
    in.read(reinterpret_cast<char*>(arr.data.data()), static_cast<std::streamsize>(count * sizeof(float)));
  }
  if (!in) throw Error(path.string() + ": truncated .npy data");
  return arr;
}

std::size_t NpyRowAppender::complete_rows(const std::filesystem::path& path, std::size_t cols) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path.string() + ": cannot open .npy file");
  const NpyHeader header = read_header(in, path);
  if (header.f8 || header.data_offset != kAppenderHeaderBytes || header.shape.size() != 2 || header.shape[1] != cols) {
    throw Error(path.string() + ": not a float32 .npy of " + std::to_string(cols) +
                " columns written by jaams (another model's, or another file?)");
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw Error(path.string() + ": cannot read its size: " + ec.message());
  return (size - kAppenderHeaderBytes) / (cols * sizeof(float));
}

NpyRowAppender::NpyRowAppender(const std::filesystem::path& path, std::size_t cols, long long keep_rows)
    : path_(path), cols_(cols) {
  if (cols == 0) throw Error(path.string() + ": a .npy of rows needs at least one column");
  if (keep_rows >= 0) {
    const std::size_t have = complete_rows(path, cols);
    if (have < static_cast<std::size_t>(keep_rows)) {
      throw Error(path.string() + ": holds " + std::to_string(have) + " rows, " + std::to_string(keep_rows) + " expected");
    }
    rows_ = static_cast<std::size_t>(keep_rows);
    std::error_code ec;
    std::filesystem::resize_file(path, kAppenderHeaderBytes + rows_ * cols_ * sizeof(float), ec);
    if (ec) throw Error(path.string() + ": cannot truncate it: " + ec.message());
    file_.open(path, std::ios::binary | std::ios::in | std::ios::out);
  } else {
    if (path.has_parent_path()) {
      std::error_code ec;
      std::filesystem::create_directories(path.parent_path(), ec);
    }
    file_.open(path, std::ios::binary | std::ios::in | std::ios::out | std::ios::trunc);
  }
  if (!file_) throw Error(path.string() + ": cannot open it for writing: " + std::strerror(errno));
  write_header();
}

void NpyRowAppender::write_header() {
  const std::string header = npy_header(rows_, cols_, kAppenderHeaderBytes);
  file_.seekp(0);
  file_.write(header.data(), static_cast<std::streamsize>(header.size()));
  file_.flush();
  if (!file_) throw RuntimeFailure(path_.string() + ": writing failed: " + std::strerror(errno));
}

void NpyRowAppender::append(const float* rows, std::size_t count) {
  file_.seekp(0, std::ios::end);
  file_.write(reinterpret_cast<const char*>(rows), static_cast<std::streamsize>(count * cols_ * sizeof(float)));
  // The data reaches the file before the header counts it.
  file_.flush();
  if (!file_) throw RuntimeFailure(path_.string() + ": writing failed: " + std::strerror(errno));
  rows_ += count;
  write_header();
}

}  // namespace jaams
