#pragma once
// The spectrogram is processed in blocks of kLanes consecutive frames stored bin-major
// (block[bin * kLanes + lane]), so every per-bin step works on kLanes frames at once as one
// `Lanes` value and no sum is reassociated: each frame keeps its own sequential order.
//
// JAAMS_FEATURES_KERNEL compiles a hot loop twice, for x86-64-v3 (AVX2, FMA) and for the
// baseline, and picks one when the program loads, so a portable build still runs at full speed
// on current CPUs. (The two may differ in the last bit where the compiler fuses a multiply-add.)
#include <cstring>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__)
#define JAAMS_FEATURES_KERNEL __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define JAAMS_FEATURES_KERNEL
#endif

namespace jaams::features::detail {

constexpr int kLanes = 8;

#if defined(__GNUC__)
// GCC / Clang vector extension: one AVX register, or two SSE registers on the baseline. Lanes
// values live inside the kernels of src/features (the only includers of this header) and never
// cross a library boundary, so GCC's note that 32-byte vectors change the ABI of baseline code
// does not apply; it is silenced for those files.
#pragma GCC diagnostic ignored "-Wpsabi"
typedef float Lanes __attribute__((vector_size(kLanes * sizeof(float))));
#else
struct Lanes {
  float v[kLanes];
  float& operator[](int i) { return v[i]; }
  float operator[](int i) const { return v[i]; }
  friend Lanes operator+(Lanes a, const Lanes& b) {
    for (int i = 0; i < kLanes; ++i) a.v[i] += b.v[i];
    return a;
  }
  friend Lanes operator*(float s, Lanes a) {
    for (int i = 0; i < kLanes; ++i) a.v[i] *= s;
    return a;
  }
  Lanes& operator+=(const Lanes& b) { return *this = *this + b; }
};
#endif

inline Lanes load_lanes(const float* p) {
  Lanes v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

inline void store_lanes(float* p, const Lanes& v) { std::memcpy(p, &v, sizeof v); }

inline Lanes zero_lanes() {
  Lanes v;
  std::memset(&v, 0, sizeof v);
  return v;
}

inline Lanes max_lanes(Lanes a, const Lanes& b) {
  for (int i = 0; i < kLanes; ++i) a[i] = a[i] < b[i] ? b[i] : a[i];
  return a;
}

}  // namespace jaams::features::detail
