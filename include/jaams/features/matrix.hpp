#pragma once
// A dense float matrix, row-major. For features: rows are frequency bins (lowest first, as
// librosa orders them), columns are STFT frames (time).
#include <cstddef>
#include <vector>

namespace jaams::features {

struct Matrix {
  int rows = 0;
  int cols = 0;
  std::vector<float> data;  // rows * cols

  Matrix() = default;
  Matrix(int r, int c, float fill = 0.0f) : rows(r), cols(c), data(std::size_t(r) * c, fill) {}
  float& at(int r, int c) { return data[std::size_t(r) * cols + c]; }
  float at(int r, int c) const { return data[std::size_t(r) * cols + c]; }
  const float* row(int r) const { return data.data() + std::size_t(r) * cols; }
  float* row(int r) { return data.data() + std::size_t(r) * cols; }
  bool empty() const { return data.empty(); }
};

}  // namespace jaams::features
