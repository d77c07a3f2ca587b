#pragma once
// NumPy .npy (format 1.0) for float32 2-D arrays: `--raw` feature dumps and test fixtures, so
// jaams' numbers can be compared with numpy/librosa directly (np.load).
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <vector>

namespace jaams {

struct NpyArray {
  std::vector<std::size_t> shape;
  std::vector<float> data;  // C order
};

void write_npy(const std::filesystem::path& path, const float* data, std::size_t rows, std::size_t cols);
// Reads little-endian float32 ('<f4') or float64 ('<f8', converted) C-order arrays of any rank.
NpyArray read_npy(const std::filesystem::path& path);

// A float32 [rows, cols] .npy that grows by rows, for outputs streamed over a long run (predict's
// embeddings). The header has a fixed length and its row count is rewritten after every append,
// so the file is a valid .npy of the rows written so far whenever the run stops, and memory does
// not grow with it.
class NpyRowAppender {
 public:
  // keep_rows < 0: a new file (an old one is replaced). keep_rows >= 0: continues a file written
  // by an appender with the same `cols`, keeping its first keep_rows rows (a resumed run). Throws
  // jaams::Error naming the file when it cannot be opened, is not such a file, or holds fewer rows.
  NpyRowAppender(const std::filesystem::path& path, std::size_t cols, long long keep_rows = -1);

  // Appends `count` rows of `cols` floats and flushes; throws jaams::RuntimeFailure on a failed write.
  void append(const float* rows, std::size_t count = 1);

  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return cols_; }

  // The complete rows in an appender's file with `cols` columns (a torn last row not counted);
  // 0 when the file does not exist. Throws jaams::Error as the constructor does.
  static std::size_t complete_rows(const std::filesystem::path& path, std::size_t cols);

 private:
  void write_header();

  std::filesystem::path path_;
  std::size_t cols_;
  std::size_t rows_ = 0;
  std::fstream file_;
};

}  // namespace jaams
