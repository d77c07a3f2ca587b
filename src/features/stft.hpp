#pragma once
// Power spectrogram |STFT|^2 as librosa.stft computes it by default: periodic Hann window of
// n_fft samples (scipy.signal.get_window('hann', n_fft, fftbins=True)), frames centred on
// t * hop_length with the signal zero-padded by n_fft / 2 on both sides (pad_mode="constant"),
// frames = 1 + n / hop_length, bins = 1 + n_fft / 2.
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace jaams::features::detail {

// FFTW's planner is not thread-safe; every plan creation and destruction in jaams holds this.
std::mutex& fftw_planner_mutex();

class Stft {
 public:
  Stft(int n_fft, int hop_length);
  ~Stft();
  Stft(Stft&&) noexcept;
  Stft& operator=(Stft&&) noexcept;

  int n_fft() const { return n_fft_; }
  int n_bins() const { return n_fft_ / 2 + 1; }
  std::size_t frame_count(std::size_t n) const { return 1 + n / static_cast<std::size_t>(hop_); }

  // Power of frames [first, first + count), count <= kLanes, written bin-major:
  // block[bin * kLanes + lane]; lanes >= count are zero.
  void power_block(const float* y, std::size_t n, std::size_t first, int count, float* block);

 private:
  struct Fftw;
  std::size_t row_stride() const { return static_cast<std::size_t>(n_bins() + 3) / 4 * 4; }

  int n_fft_ = 0;
  int hop_ = 0;
  std::vector<float> window_;
  std::vector<float> cos_k_, sin_k_;  // twiddles of the half-size transform
  std::vector<float> rows_;           // kLanes power spectra, one per row
  std::unique_ptr<Fftw> fftw_;
};

}  // namespace jaams::features::detail
