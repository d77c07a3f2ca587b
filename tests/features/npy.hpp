#pragma once
// Reads the small NumPy .npy files under tests/fixtures (format 1.0/2.0, little-endian, C order,
// dtype <f4, <f8 or <i2), values widened to double.
#include <filesystem>
#include <vector>

namespace jaams::test {

struct NpyArray {
  std::vector<std::size_t> shape;
  std::vector<double> values;
};

NpyArray read_npy(const std::filesystem::path& path);

}  // namespace jaams::test
