#pragma once
// Reductions of the time signal itself. zero_crossing_rate and rms frame it as librosa does with
// center=True: frame t covers samples [t * hop - frame_length / 2, t * hop + frame_length / 2),
// frames = 1 + n / hop_length (frame_length even).
#include <cstddef>
#include <vector>

namespace jaams::features::detail {

// True when every sample is finite.
bool all_finite(const float* y, std::size_t n);

// librosa.feature.zero_crossing_rate(y, frame_length, hop_length, center=True): the signal is
// padded by repeating its end samples (np.pad mode="edge"), samples with |y| <= 1e-10 count as
// +0, and a crossing is a change of sign bit between neighbours; per frame, the crossings between
// its frame_length samples divided by frame_length. `crossings` is scratch (n values).
void zero_crossing_rate(const float* y, std::size_t n, int frame_length, int hop_length, std::vector<int>& crossings,
                        float* out);

// librosa.feature.rms(y, frame_length, hop_length, center=True, pad_mode="constant"): per frame
// sqrt(mean(y^2)) over frame_length samples, zeros outside the signal.
void rms(const float* y, std::size_t n, int frame_length, int hop_length, float* out);

}  // namespace jaams::features::detail
