#include "stft.hpp"

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>

#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

#include "lanes.hpp"

namespace jaams::features::detail {

std::mutex& fftw_planner_mutex() {
  static std::mutex m;
  return m;
}

namespace {

// scipy.signal.get_window('hann', N, fftbins=True): the first N points of a symmetric window of
// N + 1 points, 0.5 + 0.5 cos(x) with x = linspace(-pi, pi, N + 1).
std::vector<float> periodic_hann(int n) {
  std::vector<float> w(n);
  const double step = 2.0 * M_PI / n;
  for (int i = 0; i < n; ++i) w[i] = static_cast<float>(0.5 + 0.5 * std::cos(i * step + -M_PI));
  return w;
}

// The real transform of n_fft points from one complex transform of m = n_fft / 2 points of
// z[j] = x[2j] + i x[2j+1] (the real buffer read as complex): with E and O the transforms of the
// even and odd samples, X[k] = E[k] + W^k O[k], W = exp(-2 pi i / n_fft), where
// E[k] = (Z[k] + conj(Z[m-k])) / 2 and O[k] = (Z[k] - conj(Z[m-k])) / 2i. This is how FFTW's
// own r2c works, but FFTW_ESTIMATE only picks SIMD codelets for the complex transform here
// (twice as fast). Writes |X[k]|^2 for k = 0 .. m.
JAAMS_FEATURES_KERNEL
void half_size_power(const float* __restrict z, const float* __restrict cos_k, const float* __restrict sin_k, int m,
                     float* __restrict power) {
  power[0] = (z[0] + z[1]) * (z[0] + z[1]);
  power[m] = (z[0] - z[1]) * (z[0] - z[1]);
  int k = 1;
#if defined(__SSE2__)
  // Four bins at a time; Z[m-k] runs backwards, which the compiler does not vectorise itself.
  const __m128 half = _mm_set1_ps(0.5f);
  for (; k + 4 <= m; k += 4) {
    const __m128 lo = _mm_loadu_ps(z + 2 * k);             // a0 b0 a1 b1
    const __m128 hi = _mm_loadu_ps(z + 2 * k + 4);         // a2 b2 a3 b3
    const __m128 rlo = _mm_loadu_ps(z + 2 * (m - k - 3));  // c3 d3 c2 d2
    const __m128 rhi = _mm_loadu_ps(z + 2 * (m - k - 1));  // c1 d1 c0 d0
    const __m128 a = _mm_shuffle_ps(lo, hi, _MM_SHUFFLE(2, 0, 2, 0));
    const __m128 b = _mm_shuffle_ps(lo, hi, _MM_SHUFFLE(3, 1, 3, 1));
    const __m128 c = _mm_shuffle_ps(rhi, rlo, _MM_SHUFFLE(0, 2, 0, 2));
    const __m128 d = _mm_shuffle_ps(rhi, rlo, _MM_SHUFFLE(1, 3, 1, 3));
    const __m128 er = _mm_mul_ps(half, _mm_add_ps(a, c));
    const __m128 ei = _mm_mul_ps(half, _mm_sub_ps(b, d));
    const __m128 orr = _mm_mul_ps(half, _mm_add_ps(b, d));
    const __m128 oi = _mm_mul_ps(half, _mm_sub_ps(c, a));
    const __m128 ck = _mm_loadu_ps(cos_k + k);
    const __m128 sk = _mm_loadu_ps(sin_k + k);
    const __m128 xr = _mm_add_ps(_mm_add_ps(er, _mm_mul_ps(ck, orr)), _mm_mul_ps(sk, oi));
    const __m128 xi = _mm_sub_ps(_mm_add_ps(ei, _mm_mul_ps(ck, oi)), _mm_mul_ps(sk, orr));
    _mm_storeu_ps(power + k, _mm_add_ps(_mm_mul_ps(xr, xr), _mm_mul_ps(xi, xi)));
  }
#endif
  for (; k < m; ++k) {
    const float a = z[2 * k];
    const float b = z[2 * k + 1];
    const float c = z[2 * (m - k)];
    const float d = z[2 * (m - k) + 1];
    const float er = 0.5f * (a + c);
    const float ei = 0.5f * (b - d);
    const float orr = 0.5f * (b + d);
    const float oi = 0.5f * (c - a);
    // W^k = cos_k - i sin_k
    const float xr = er + cos_k[k] * orr + sin_k[k] * oi;
    const float xi = ei + cos_k[k] * oi - sin_k[k] * orr;
    power[k] = xr * xr + xi * xi;
  }
}

// block[k * kLanes + lane] = rows[lane][k]: the kLanes power spectra of a block, bin-major.
void transpose_into_block(const float* rows, std::size_t row_stride, int count, int n_bins, float* block) {
  int k = 0;
#if defined(__SSE2__)
  if (count == kLanes) {
    for (; k + 4 <= n_bins; k += 4) {
      for (int g = 0; g < kLanes; g += 4) {
        __m128 r0 = _mm_loadu_ps(rows + (g + 0) * row_stride + k);
        __m128 r1 = _mm_loadu_ps(rows + (g + 1) * row_stride + k);
        __m128 r2 = _mm_loadu_ps(rows + (g + 2) * row_stride + k);
        __m128 r3 = _mm_loadu_ps(rows + (g + 3) * row_stride + k);
        _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
        _mm_storeu_ps(block + (k + 0) * kLanes + g, r0);
        _mm_storeu_ps(block + (k + 1) * kLanes + g, r1);
        _mm_storeu_ps(block + (k + 2) * kLanes + g, r2);
        _mm_storeu_ps(block + (k + 3) * kLanes + g, r3);
      }
    }
  }
#endif
  for (; k < n_bins; ++k)
    for (int lane = 0; lane < kLanes; ++lane)
      block[static_cast<std::size_t>(k) * kLanes + lane] = lane < count ? rows[lane * row_stride + k] : 0.0f;
}

JAAMS_FEATURES_KERNEL
void multiply(const float* __restrict a, const float* __restrict b, float* __restrict out, int n) {
  for (int i = 0; i < n; ++i) out[i] = a[i] * b[i];
}

}  // namespace

// Buffers come from fftwf_malloc so FFTW can use its SIMD codelets; the plan is made once and
// executed on the same buffers for every frame.
struct Stft::Fftw {
  float* in = nullptr;           // n_fft windowed samples = n_fft / 2 complex values
  fftwf_complex* out = nullptr;  // n_fft / 2 complex values
  fftwf_plan plan = nullptr;

  explicit Fftw(int n_fft) {
    const int m = n_fft / 2;
    in = static_cast<float*>(fftwf_malloc(sizeof(float) * n_fft));
    out = static_cast<fftwf_complex*>(fftwf_malloc(sizeof(fftwf_complex) * m));
    if (in != nullptr && out != nullptr) {
      // FFTW_ESTIMATE: the same plan every run, so the same audio always gives the same
      // features (FFTW_MEASURE times candidates and may pick another plan each time), and no
      // planning delay; for this size it is within 15% of a measured plan.
      std::lock_guard<std::mutex> lock(fftw_planner_mutex());
      plan = fftwf_plan_dft_1d(m, reinterpret_cast<fftwf_complex*>(in), out, FFTW_FORWARD,
                               FFTW_ESTIMATE | FFTW_DESTROY_INPUT);
    }
    if (plan == nullptr) {
      release();
      throw std::bad_alloc();
    }
  }
  ~Fftw() { release(); }
  Fftw(const Fftw&) = delete;
  Fftw& operator=(const Fftw&) = delete;

  void release() {
    if (plan != nullptr) {
      std::lock_guard<std::mutex> lock(fftw_planner_mutex());
      fftwf_destroy_plan(plan);
      plan = nullptr;
    }
    if (in != nullptr) fftwf_free(in);
    if (out != nullptr) fftwf_free(out);
    in = nullptr;
    out = nullptr;
  }
};

Stft::Stft(int n_fft, int hop_length)
    : n_fft_(n_fft), hop_(hop_length), window_(periodic_hann(n_fft)), fftw_(std::make_unique<Fftw>(n_fft)) {
  const int m = n_fft / 2;
  cos_k_.resize(m);
  sin_k_.resize(m);
  for (int k = 0; k < m; ++k) {
    const double angle = 2.0 * M_PI * k / n_fft;
    cos_k_[k] = static_cast<float>(std::cos(angle));
    sin_k_[k] = static_cast<float>(std::sin(angle));
  }
  rows_.resize(static_cast<std::size_t>(kLanes) * row_stride());
}

Stft::~Stft() = default;
Stft::Stft(Stft&&) noexcept = default;
Stft& Stft::operator=(Stft&&) noexcept = default;

void Stft::power_block(const float* y, std::size_t n, std::size_t first, int count, float* block) {
  const int bins = n_bins();
  const auto half = static_cast<std::ptrdiff_t>(n_fft_ / 2);
  const auto len = static_cast<std::ptrdiff_t>(n);
  for (int lane = 0; lane < count; ++lane) {
    const auto start = static_cast<std::ptrdiff_t>((first + lane) * hop_) - half;
    if (start >= 0 && start + n_fft_ <= len) {
      multiply(window_.data(), y + start, fftw_->in, n_fft_);
    } else {
      // A frame reaching into the zero padding at either end.
      for (int i = 0; i < n_fft_; ++i) {
        const std::ptrdiff_t at = start + i;
        fftw_->in[i] = (at >= 0 && at < len) ? window_[i] * y[at] : 0.0f;
      }
    }
    fftwf_execute(fftw_->plan);
    half_size_power(reinterpret_cast<const float*>(fftw_->out), cos_k_.data(), sin_k_.data(), n_fft_ / 2,
                    rows_.data() + lane * row_stride());
  }
  transpose_into_block(rows_.data(), row_stride(), count, bins, block);
}

}  // namespace jaams::features::detail
