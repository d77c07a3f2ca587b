#include "stft_f64.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <xmmintrin.h>
#endif

#include "lanes.hpp"

namespace jaams::features::detail {

namespace {

bool is_power_of_two(int n) { return n > 0 && (n & (n - 1)) == 0; }

int next_power_of_two(int n) {
  int p = 1;
  while (p < n) p *= 2;
  return p;
}

// Four doubles, one AVX register (two SSE2 registers on the baseline); kLanes lanes are
// kQuads of them. Like Lanes (lanes.hpp), these live only inside this file's kernels.
constexpr int kQuad = 4;
constexpr int kQuads = kLanes / kQuad;
#if defined(__GNUC__)
typedef double Quad __attribute__((vector_size(kQuad * sizeof(double))));
typedef float Float4 __attribute__((vector_size(kQuad * sizeof(float))));
inline Quad splat(double x) { return Quad{x, x, x, x}; }
// Each value rounded to float32 and back.
inline Quad round_to_float(Quad x) { return __builtin_convertvector(__builtin_convertvector(x, Float4), Quad); }
#else
struct Quad {
  double v[kQuad];
  double& operator[](int i) { return v[i]; }
  double operator[](int i) const { return v[i]; }
};
inline Quad splat(double x) { return Quad{{x, x, x, x}}; }
#define JAAMS_QUAD_OP(op)                                      \
  inline Quad operator op(Quad a, const Quad& b) {             \
    for (int i = 0; i < kQuad; ++i) a.v[i] = a.v[i] op b.v[i]; \
    return a;                                                  \
  }
JAAMS_QUAD_OP(+)
JAAMS_QUAD_OP(-)
JAAMS_QUAD_OP(*)
#undef JAAMS_QUAD_OP
inline Quad round_to_float(Quad x) {
  for (int i = 0; i < kQuad; ++i) x.v[i] = static_cast<float>(x.v[i]);
  return x;
}
#endif

inline Quad load(const double* p) {
  Quad x;
  std::memcpy(&x, p, sizeof x);
  return x;
}

inline void store(double* p, const Quad& x) { std::memcpy(p, &x, sizeof x); }

// Two radix-2 passes at once (spans `half` and 2 `half`), so the data streams through the cache
// half as often; the arithmetic is exactly that of the two passes. With w2 = exp(-2 pi i k /
// (4 half)): the first pass multiplies by w2^2, the second by w2 and by w2 (-i).
JAAMS_FEATURES_KERNEL
void radix2x2_pass(double* __restrict re, double* __restrict im, int size, int half, const double* __restrict cos_t,
                   const double* __restrict sin_t) {
  const int step1 = size / (2 * half);
  const int step2 = size / (4 * half);
  const std::size_t h = static_cast<std::size_t>(half) * kLanes;
  for (int g = 0; g < size; g += 4 * half) {
    for (int k = 0; k < half; ++k) {
      const Quad w1r = splat(cos_t[k * step1]);
      const Quad w1i = splat(-sin_t[k * step1]);
      const Quad w2r = splat(cos_t[k * step2]);
      const Quad w2i = splat(-sin_t[k * step2]);
      for (int q = 0; q < kQuads; ++q) {
        double* r = re + static_cast<std::size_t>(g + k) * kLanes + q * kQuad;
        double* i = im + static_cast<std::size_t>(g + k) * kLanes + q * kQuad;
        const Quad x1r = load(r + h), x1i = load(i + h), x3r = load(r + 3 * h), x3i = load(i + 3 * h);
        // First pass: (0, 1) and (2, 3), twiddle w1.
        const Quad t1r = w1r * x1r - w1i * x1i;
        const Quad t1i = w1r * x1i + w1i * x1r;
        const Quad t3r = w1r * x3r - w1i * x3i;
        const Quad t3i = w1r * x3i + w1i * x3r;
        const Quad x0r = load(r), x0i = load(i), x2r = load(r + 2 * h), x2i = load(i + 2 * h);
        const Quad a0r = x0r + t1r, a0i = x0i + t1i, a1r = x0r - t1r, a1i = x0i - t1i;
        const Quad a2r = x2r + t3r, a2i = x2i + t3i, a3r = x2r - t3r, a3i = x2i - t3i;
        // Second pass: (0, 2) with w2, (1, 3) with w2 (-i) = (w2i, -w2r).
        const Quad u2r = w2r * a2r - w2i * a2i;
        const Quad u2i = w2r * a2i + w2i * a2r;
        const Quad u3r = w2i * a3r + w2r * a3i;
        const Quad u3i = w2i * a3i - w2r * a3r;
        store(r, a0r + u2r), store(i, a0i + u2i), store(r + 2 * h, a0r - u2r), store(i + 2 * h, a0i - u2i);
        store(r + h, a1r + u3r), store(i + h, a1i + u3i), store(r + 3 * h, a1r - u3r), store(i + 3 * h, a1i - u3i);
      }
    }
  }
}

// The first pass (half = 1) has only the twiddle 1.
JAAMS_FEATURES_KERNEL
void radix2_first_pass(double* __restrict re, double* __restrict im, int size) {
  for (int g = 0; g < size; g += 2)
    for (int q = 0; q < kQuads; ++q) {
      double* r = re + static_cast<std::size_t>(g) * kLanes + q * kQuad;
      double* i = im + static_cast<std::size_t>(g) * kLanes + q * kQuad;
      const Quad ar = load(r), ai = load(i), br = load(r + kLanes), bi = load(i + kLanes);
      store(r, ar + br), store(i, ai + bi), store(r + kLanes, ar - br), store(i + kLanes, ai - bi);
    }
}

// X[k] of the n_fft-point real transform from Z, the m-point transform of the samples read as
// complex (z[j] = x[2j] + i x[2j+1]): X[k] = E[k] + W^k O[k], W = exp(-2 pi i / n_fft), with
// E[k] = (Z[k] + conj(Z[m-k])) / 2, O[k] = (Z[k] - conj(Z[m-k])) / 2i (Z[m] = Z[0]). Each X[k]
// is rounded to complex64 like librosa's stft_matrix, then |X| and |X|^2 taken in float32 as
// np.abs(S) and np.abs(S) ** 2 are.
JAAMS_FEATURES_KERNEL
void real_spectrum(const double* __restrict re, const double* __restrict im, const double* __restrict cos_k,
                   const double* __restrict sin_k, int m, float* __restrict power, float* __restrict magnitude) {
  const Quad half = splat(0.5);
  for (int k = 0; k <= m; ++k) {
    const std::size_t kk = static_cast<std::size_t>(k == m ? 0 : k) * kLanes;
    const std::size_t mk = static_cast<std::size_t>(k == 0 ? 0 : m - k) * kLanes;
    // k = m: W^m = -1.
    const Quad ck = splat(k == m ? -1.0 : cos_k[k]);
    const Quad sk = splat(k == m ? 0.0 : sin_k[k]);
    double squared[kLanes];
    for (int q = 0; q < kQuads; ++q) {
      const Quad a = load(re + kk + q * kQuad), b = load(im + kk + q * kQuad);
      const Quad c = load(re + mk + q * kQuad), d = load(im + mk + q * kQuad);
      const Quad er = half * (a + c), ei = half * (b - d), orr = half * (b + d), oi = half * (c - a);
      const Quad xr = round_to_float(er + ck * orr + sk * oi);
      const Quad xi = round_to_float(ei + ck * oi - sk * orr);
      store(squared + q * kQuad, xr * xr + xi * xi);
    }
    // |X|^2 of the two floats is exact enough in double; rounded to float, its float square root
    // is |X| within an ulp (a double square root costs four times as much). std::sqrt does not
    // vectorise (it may set errno); _mm_sqrt_ps is the same IEEE square root.
    float mag_lanes[kLanes];
    for (int lane = 0; lane < kLanes; ++lane) mag_lanes[lane] = static_cast<float>(squared[lane]);
#if defined(__SSE2__)
    for (int lane = 0; lane < kLanes; lane += 4)
      _mm_storeu_ps(mag_lanes + lane, _mm_sqrt_ps(_mm_loadu_ps(mag_lanes + lane)));
#else
    for (int lane = 0; lane < kLanes; ++lane) mag_lanes[lane] = std::sqrt(mag_lanes[lane]);
#endif
    float* g = magnitude + static_cast<std::size_t>(k) * kLanes;
    float* p = power + static_cast<std::size_t>(k) * kLanes;
    for (int lane = 0; lane < kLanes; ++lane) {
      const float mag = mag_lanes[lane];
      g[lane] = mag;
      p[lane] = mag * mag;
    }
  }
}

// out = a * b (complex, lanes times one value per index), optionally conjugating the product.
JAAMS_FEATURES_KERNEL
void multiply_by(double* __restrict re, double* __restrict im, const double* __restrict b_re,
                 const double* __restrict b_im, int n, double sign) {
  for (int i = 0; i < n; ++i) {
    double* r = re + static_cast<std::size_t>(i) * kLanes;
    double* q = im + static_cast<std::size_t>(i) * kLanes;
    for (int lane = 0; lane < kLanes; ++lane) {
      const double xr = r[lane] * b_re[i] - q[lane] * b_im[i];
      const double xi = r[lane] * b_im[i] + q[lane] * b_re[i];
      r[lane] = xr;
      q[lane] = sign * xi;
    }
  }
}

}  // namespace

LanesFft::LanesFft(int size) : size_(size), bit_reversed_(size), cos_(size / 2), sin_(size / 2) {
  int bits = 0;
  while ((1 << bits) < size) ++bits;
  for (int i = 0; i < size; ++i) {
    int r = 0;
    for (int b = 0; b < bits; ++b) r |= ((i >> b) & 1) << (bits - 1 - b);
    bit_reversed_[i] = r;
  }
  for (int k = 0; k < size / 2; ++k) {
    const double angle = 2.0 * M_PI * k / size;
    cos_[k] = std::cos(angle);
    sin_[k] = std::sin(angle);
  }
}

void LanesFft::forward(double* re, double* im) const {
  for (int i = 0; i < size_; ++i) {
    const int j = bit_reversed_[i];
    if (i < j) {
      std::swap_ranges(re + static_cast<std::size_t>(i) * kLanes, re + static_cast<std::size_t>(i + 1) * kLanes,
                       re + static_cast<std::size_t>(j) * kLanes);
      std::swap_ranges(im + static_cast<std::size_t>(i) * kLanes, im + static_cast<std::size_t>(i + 1) * kLanes,
                       im + static_cast<std::size_t>(j) * kLanes);
    }
  }
  transform_bit_reversed(re, im);
}

void LanesFft::transform_bit_reversed(double* re, double* im) const {
  int half = 1;
  int passes = 0;
  while ((1 << passes) < size_) ++passes;
  if (passes % 2 == 1) {
    radix2_first_pass(re, im, size_);
    half = 2;
  }
  for (; half < size_; half *= 4) radix2x2_pass(re, im, size_, half, cos_.data(), sin_.data());
}

// Bluestein: with w[j] = exp(-i pi j^2 / m), X[k] = w[k] sum_j (z[j] w[j]) conj(w[k - j]), a
// convolution done with power-of-two transforms of size L >= 2m - 1.
struct StftF64::Bluestein {
  int m = 0;
  int size = 0;
  std::vector<double> w_re, w_im;  // m
  std::vector<double> b_re, b_im;  // FFT of conj(w) laid out circularly, L values
  std::vector<double> re, im;      // L * kLanes

  Bluestein(int m_, const LanesFft& fft) : m(m_), size(fft.size()), w_re(m_), w_im(m_) {
    for (int j = 0; j < m; ++j) {
      // j^2 mod 2m keeps the angle exact for large j.
      const auto j2 = static_cast<std::int64_t>(j) * j % (2 * static_cast<std::int64_t>(m));
      const double angle = M_PI * static_cast<double>(j2) / m;
      w_re[j] = std::cos(angle);
      w_im[j] = -std::sin(angle);
    }
    // b[t] = conj(w[t]) for t < m and b[L - t] = conj(w[t]): transformed once, in lane 0.
    std::vector<double> tr(static_cast<std::size_t>(size) * kLanes, 0.0);
    std::vector<double> ti(tr.size(), 0.0);
    for (int t = 0; t < m; ++t) {
      tr[static_cast<std::size_t>(t) * kLanes] = w_re[t];
      ti[static_cast<std::size_t>(t) * kLanes] = -w_im[t];
      if (t > 0) {
        tr[static_cast<std::size_t>(size - t) * kLanes] = w_re[t];
        ti[static_cast<std::size_t>(size - t) * kLanes] = -w_im[t];
      }
    }
    fft.forward(tr.data(), ti.data());
    b_re.resize(size);
    b_im.resize(size);
    for (int i = 0; i < size; ++i) {
      b_re[i] = tr[static_cast<std::size_t>(i) * kLanes];
      b_im[i] = ti[static_cast<std::size_t>(i) * kLanes];
    }
    re.resize(static_cast<std::size_t>(size) * kLanes);
    im.resize(re.size());
  }

  // z (m values per lane in zr / zi) -> its DFT, in place.
  void transform(const LanesFft& fft, double* zr, double* zi) {
    std::fill(re.begin(), re.end(), 0.0);
    std::fill(im.begin(), im.end(), 0.0);
    std::copy(zr, zr + static_cast<std::size_t>(m) * kLanes, re.begin());
    std::copy(zi, zi + static_cast<std::size_t>(m) * kLanes, im.begin());
    multiply_by(re.data(), im.data(), w_re.data(), w_im.data(), m, 1.0);
    fft.forward(re.data(), im.data());
    // The inverse transform as conj(FFT(conj(.))) / L: conjugate the product here...
    multiply_by(re.data(), im.data(), b_re.data(), b_im.data(), size, -1.0);
    fft.forward(re.data(), im.data());
    // ... and again, with the 1 / L, folded into the final chirp: X = w * conj(c') / L.
    const double scale = 1.0 / size;
    for (int k = 0; k < m; ++k)
      for (int lane = 0; lane < kLanes; ++lane) {
        const std::size_t i = static_cast<std::size_t>(k) * kLanes + lane;
        const double cr = re[i] * scale;
        const double ci = -im[i] * scale;
        zr[i] = cr * w_re[k] - ci * w_im[k];
        zi[i] = cr * w_im[k] + ci * w_re[k];
      }
  }
};

StftF64::StftF64(int n_fft, int hop_length)
    : n_fft_(n_fft),
      hop_(hop_length),
      m_(n_fft / 2),
      window_(n_fft),
      cos_k_(n_fft / 2),
      sin_k_(n_fft / 2),
      fft_(is_power_of_two(n_fft / 2) ? n_fft / 2 : next_power_of_two(2 * (n_fft / 2) - 1)) {
  // scipy.signal.get_window('hann', n_fft, fftbins=True): 0.5 - 0.5 cos(2 pi i / n_fft).
  for (int i = 0; i < n_fft; ++i) window_[i] = 0.5 - 0.5 * std::cos(2.0 * M_PI * i / n_fft);
  for (int k = 0; k < m_; ++k) {
    const double angle = 2.0 * M_PI * k / n_fft;
    cos_k_[k] = std::cos(angle);
    sin_k_[k] = std::sin(angle);
  }
  if (!is_power_of_two(m_)) {
    bluestein_ = std::make_unique<Bluestein>(m_, fft_);
    natural_.resize(m_);
    for (int j = 0; j < m_; ++j) natural_[j] = j;
  }
  re_.resize(static_cast<std::size_t>(m_) * kLanes);
  im_.resize(re_.size());
}

StftF64::~StftF64() = default;
StftF64::StftF64(StftF64&&) noexcept = default;
StftF64& StftF64::operator=(StftF64&&) noexcept = default;

void StftF64::block(const float* y, std::size_t n, std::size_t first, int count, float* power, float* magnitude) {
  const auto half = static_cast<std::ptrdiff_t>(n_fft_ / 2);
  const auto len = static_cast<std::ptrdiff_t>(n);
  // The power-of-two transform takes its input in bit-reversed order: frames are written there.
  const int* order = bluestein_ ? natural_.data() : fft_.bit_reversed().data();
  const std::ptrdiff_t first_start = static_cast<std::ptrdiff_t>(first * hop_) - half;
  const std::ptrdiff_t last_start = first_start + static_cast<std::ptrdiff_t>(kLanes - 1) * hop_;
  if (count == kLanes && first_start >= 0 && last_start + n_fft_ <= len) {
    // All frames inside the signal: one cache line (kLanes doubles) written per point.
    const float* x = y + first_start;
    for (int j = 0; j < m_; ++j) {
      const double w0 = window_[2 * j];
      const double w1 = window_[2 * j + 1];
      double* r = re_.data() + static_cast<std::size_t>(order[j]) * kLanes;
      double* i = im_.data() + static_cast<std::size_t>(order[j]) * kLanes;
      for (int lane = 0; lane < kLanes; ++lane) {
        r[lane] = w0 * static_cast<double>(x[static_cast<std::size_t>(lane) * hop_ + 2 * j]);
        i[lane] = w1 * static_cast<double>(x[static_cast<std::size_t>(lane) * hop_ + 2 * j + 1]);
      }
    }
  } else {
    // Frames reaching into the zero padding at either end, or past the last frame (zeros).
    for (int j = 0; j < m_; ++j) {
      double* r = re_.data() + static_cast<std::size_t>(order[j]) * kLanes;
      double* i = im_.data() + static_cast<std::size_t>(order[j]) * kLanes;
      for (int lane = 0; lane < kLanes; ++lane) {
        const std::ptrdiff_t at = first_start + static_cast<std::ptrdiff_t>(lane) * hop_ + 2 * j;
        const bool live = lane < count;
        r[lane] = live && at >= 0 && at < len ? window_[2 * j] * static_cast<double>(y[at]) : 0.0;
        i[lane] = live && at + 1 >= 0 && at + 1 < len ? window_[2 * j + 1] * static_cast<double>(y[at + 1]) : 0.0;
      }
    }
  }
  if (bluestein_)
    bluestein_->transform(fft_, re_.data(), im_.data());
  else
    fft_.transform_bit_reversed(re_.data(), im_.data());
  real_spectrum(re_.data(), im_.data(), cos_k_.data(), sin_k_.data(), m_, power, magnitude);
}

}  // namespace jaams::features::detail
