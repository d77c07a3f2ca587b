#include "npy.hpp"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <regex>
#include <stdexcept>
#include <string>

namespace jaams::test {

namespace {
template <typename T>
void widen(const std::string& raw, std::vector<double>& out) {
  out.resize(raw.size() / sizeof(T));
  for (std::size_t i = 0; i < out.size(); ++i) {
    T v;
    std::memcpy(&v, raw.data() + i * sizeof(T), sizeof(T));
    out[i] = static_cast<double>(v);
  }
}
}  // namespace

NpyArray read_npy(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot open");
  char magic[8];
  in.read(magic, 8);
  if (!in || std::memcmp(magic, "\x93NUMPY", 6) != 0) throw std::runtime_error(path.string() + ": not an .npy file");
  std::uint32_t header_len = 0;
  if (magic[6] == 1) {
    unsigned char b[2];
    in.read(reinterpret_cast<char*>(b), 2);
    header_len = b[0] | (b[1] << 8);
  } else {
    unsigned char b[4];
    in.read(reinterpret_cast<char*>(b), 4);
    header_len = b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<std::uint32_t>(b[3]) << 24);
  }
  std::string header(header_len, '\0');
  in.read(header.data(), header_len);

  std::smatch m;
  if (!std::regex_search(header, m, std::regex("'descr':\\s*'([<|]?[a-z]\\d)'")))
    throw std::runtime_error(path.string() + ": no dtype");
  const std::string descr = m[1];
  if (std::regex_search(header, std::regex("'fortran_order':\\s*True")))
    throw std::runtime_error(path.string() + ": Fortran order not supported");
  if (!std::regex_search(header, m, std::regex("'shape':\\s*\\(([^)]*)\\)")))
    throw std::runtime_error(path.string() + ": no shape");
  NpyArray a;
  const std::string dims = m[1];
  const std::regex number("\\d+");
  for (std::sregex_iterator it(dims.begin(), dims.end(), number), end; it != end; ++it)
    a.shape.push_back(std::stoul(it->str()));

  const std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (descr == "<f4")
    widen<float>(raw, a.values);
  else if (descr == "<f8")
    widen<double>(raw, a.values);
  else if (descr == "<i2")
    widen<std::int16_t>(raw, a.values);
  else
    throw std::runtime_error(path.string() + ": unsupported dtype " + descr);
  std::size_t count = 1;
  for (auto d : a.shape) count *= d;
  if (count != a.values.size()) throw std::runtime_error(path.string() + ": size does not match shape");
  return a;
}

}  // namespace jaams::test
