#pragma once
// NumPy .npy (format 1.0) for float32 2-D arrays: `--raw` feature dumps and test fixtures, so
// jaams' numbers can be compared with numpy/librosa directly (np.load).
#include <filesystem>
#include <vector>

namespace jaams {

struct NpyArray {
  std::vector<std::size_t> shape;
  std::vector<float> data;  // C order
};

void write_npy(const std::filesystem::path& path, const float* data, std::size_t rows, std::size_t cols);
// Reads little-endian float32 ('<f4') or float64 ('<f8', converted) C-order arrays of any rank.
NpyArray read_npy(const std::filesystem::path& path);

}  // namespace jaams
