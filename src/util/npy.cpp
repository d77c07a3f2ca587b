#include "jaams/util/npy.hpp"

#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "jaams/util/atomic_file.hpp"
#include "jaams/util/error.hpp"

namespace jaams {

void write_npy(const std::filesystem::path& path, const float* data, std::size_t rows, std::size_t cols) {
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(rows) + ", " +
                       std::to_string(cols) + "), }";
  // Magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple of 64, ending in \n.
  const std::size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header.push_back('\n');
  write_file_atomic(path, [&](std::ostream& out) {
    out.write("\x93NUMPY\x01\x00", 8);
    const auto len = static_cast<std::uint16_t>(header.size());
    const char len_bytes[2] = {static_cast<char>(len & 0xff), static_cast<char>(len >> 8)};
    out.write(len_bytes, 2);
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(rows * cols * sizeof(float)));
  });
}

NpyArray read_npy(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path.string() + ": cannot open .npy file");
  char magic[8];
  in.read(magic, 8);
  if (!in || std::memcmp(magic, "\x93NUMPY", 6) != 0) throw Error(path.string() + ": not a .npy file");
  std::size_t header_len = 0;
  if (magic[6] == 1) {
    unsigned char b[2];
    in.read(reinterpret_cast<char*>(b), 2);
    header_len = b[0] | (b[1] << 8);
  } else {
    unsigned char b[4];
    in.read(reinterpret_cast<char*>(b), 4);
    header_len = b[0] | (b[1] << 8) | (b[2] << 16) | (std::size_t(b[3]) << 24);
  }
  std::string header(header_len, '\0');
  in.read(header.data(), static_cast<std::streamsize>(header_len));
  if (!in) throw Error(path.string() + ": truncated .npy header");
  const bool f8 = header.find("'<f8'") != std::string::npos;
  if (!f8 && header.find("'<f4'") == std::string::npos) throw Error(path.string() + ": only float32/float64 .npy are supported");
  if (header.find("'fortran_order': True") != std::string::npos) throw Error(path.string() + ": Fortran-order .npy not supported");
  NpyArray arr;
  const auto open = header.find('(', header.find("'shape'"));
  const auto close = header.find(')', open);
  std::stringstream dims(header.substr(open + 1, close - open - 1));
  std::string dim;
  std::size_t count = 1;
  while (std::getline(dims, dim, ',')) {
    if (dim.find_first_not_of(' ') == std::string::npos) continue;
    arr.shape.push_back(std::stoul(dim));
    count *= arr.shape.back();
  }
  arr.data.resize(count);
  if (f8) {
    std::vector<double> tmp(count);
    in.read(reinterpret_cast<char*>(tmp.data()), static_cast<std::streamsize>(count * sizeof(double)));
    for (std::size_t i = 0; i < count; ++i) arr.data[i] = static_cast<float>(tmp[i]);
  } else {
    in.read(reinterpret_cast<char*>(arr.data.data()), static_cast<std::streamsize>(count * sizeof(float)));
  }
  if (!in) throw Error(path.string() + ": truncated .npy data");
  return arr;
}

}  // namespace jaams
