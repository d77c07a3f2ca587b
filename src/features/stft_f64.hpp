#pragma once
// The STFT exactly as librosa.stft evaluates it: the float32 frame times the float64 periodic
// Hann window, a float64 real FFT, the result rounded to complex64; then |X| (np.abs, float32)
// and |X|^2 (float32). detail::Stft computes the same in float32, which is as good for mel,
// centroid and chroma, but its rounding error (~1e-7 of a frame's loudest bins) swamps the
// quietest bins, which spectral contrast's valleys are made of; this path keeps them to float32
// rounding of each value. Frames centred, zero-padded (pad_mode="constant"),
// frames = 1 + n / hop_length, bins = 1 + n_fft / 2.
//
// The FFT is this file's own: kLanes frames at once, one frame per SIMD lane, radix 2 for power of
// two sizes, Bluestein's chirp transform over a power of two for the others.
#include <cstddef>
#include <memory>
#include <vector>

namespace jaams::features::detail {

// In-place complex FFT of a power-of-two size on kLanes signals stored lane-interleaved:
// re[i * kLanes + lane], im likewise. forward: exp(-2 pi i jk / size).
class LanesFft {
 public:
  explicit LanesFft(int size);
  int size() const { return size_; }
  void forward(double* re, double* im) const;
  // forward() of input already in bit-reversed order (element i at bit_reversed()[i]).
  void transform_bit_reversed(double* re, double* im) const;
  const std::vector<int>& bit_reversed() const { return bit_reversed_; }

 private:
  int size_ = 0;
  std::vector<int> bit_reversed_;
  std::vector<double> cos_, sin_;  // cos / sin of 2 pi k / size, k < size / 2
};

class StftF64 {
 public:
  StftF64(int n_fft, int hop_length);
  ~StftF64();
  StftF64(StftF64&&) noexcept;
  StftF64& operator=(StftF64&&) noexcept;

  int n_fft() const { return n_fft_; }
  int n_bins() const { return n_fft_ / 2 + 1; }
  std::size_t frame_count(std::size_t n) const { return 1 + n / static_cast<std::size_t>(hop_); }

  // |X|^2 and |X| of frames [first, first + count), count <= kLanes, bin-major:
  // power[bin * kLanes + lane]; lanes >= count are zero.
  void block(const float* y, std::size_t n, std::size_t first, int count, float* power, float* magnitude);

 private:
  struct Bluestein;

  int n_fft_ = 0;
  int hop_ = 0;
  int m_ = 0;  // n_fft / 2: the real transform is one complex transform of this size
  std::vector<double> window_;
  std::vector<double> cos_k_, sin_k_;     // 2 pi k / n_fft, k < m
  LanesFft fft_;                          // of size m (a power of two) or Bluestein's size
  std::unique_ptr<Bluestein> bluestein_;  // null for a power-of-two m
  std::vector<int> natural_;              // 0 .. m - 1: Bluestein's input order
  std::vector<double> re_, im_;           // lane-interleaved work arrays
};

}  // namespace jaams::features::detail
