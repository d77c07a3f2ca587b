#pragma once
// Sample-rate conversion with libsoxr at its high-quality setting (SOXR_HQ), streamed so that
// arbitrarily long inputs can pass through in blocks. Equal rates pass samples through untouched.
// A stream of n input samples yields exactly ceil(n * out_rate / in_rate) output samples in all
// (soxr's tail trimmed or zero-padded at flush, as librosa.resample does), so lengths, segment
// counts and frame counts agree with librosa.
#include <cstddef>
#include <memory>
#include <vector>

namespace jaams::audio {

class Resampler {
 public:
  Resampler(double in_rate, double out_rate);  // throws jaams::Error for non-positive rates
  ~Resampler();
  Resampler(Resampler&&) noexcept;
  Resampler& operator=(Resampler&&) noexcept;

  // Appends the resampled output of `n` more input samples to `out`.
  void process(const float* in, std::size_t n, std::vector<float>& out);
  // Appends what soxr still holds once the input has ended. Call once, last; process() after it
  // throws.
  void flush(std::vector<float>& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One-shot helper for whole buffers (tests, small clips).
std::vector<float> resample(const std::vector<float>& in, double in_rate, double out_rate);

}  // namespace jaams::audio
