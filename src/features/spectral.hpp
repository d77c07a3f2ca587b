#pragma once
// The per-frame reductions that need no filter bank.
#include <cstddef>

namespace jaams::features::detail {

// librosa.feature.spectral_centroid on the magnitude spectrogram sqrt(power): per frame,
// sum_k f_k |X_k| / sum_k |X_k|; a frame whose magnitudes sum below tiny(float32) is not
// normalised (so a silent frame gives 0). out[lane] for all kLanes lanes.
void spectral_centroid_block(const float* block, const float* bin_hz, int n_bins, float* out);

// librosa.power_to_db(S, ref=np.max, amin, top_db) in place over n values.
void power_to_db_max_ref(float* values, std::size_t n, double amin, double top_db);

}  // namespace jaams::features::detail
