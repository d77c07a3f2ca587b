#pragma once
// The per-frame reductions that need no filter bank.
#include <cstddef>
#include <vector>

namespace jaams::features::detail {

// librosa.feature.spectral_centroid on the magnitude spectrogram sqrt(power): per frame,
// sum_k f_k |X_k| / sum_k |X_k|; a frame whose magnitudes sum below tiny(float32) is not
// normalised (so a silent frame gives 0). out[lane] for all kLanes lanes.
void spectral_centroid_block(const float* block, const float* bin_hz, int n_bins, float* out);

// numpy.fft.rfftfreq(n_fft, 1 / sample_rate): the centre frequency of each of the n_fft / 2 + 1 bins.
std::vector<float> rfft_frequencies(int sample_rate, int n_fft);

// librosa.power_to_db(S, ref=np.max, amin, top_db) in place over n values.
void power_to_db_max_ref(float* values, std::size_t n, double amin, double top_db);

// librosa.power_to_db(S, ref=1.0, amin, top_db) in place over n values (what feature.mfcc uses):
// 10 log10(max(amin, S)), clipped at its maximum - top_db.
void power_to_db_unit_ref(float* values, std::size_t n, double amin, double top_db);

// librosa.feature.spectral_bandwidth(p=2, norm=True) of a bin-major block of magnitude frames:
// sqrt(sum_k |X_k| (f_k - centroid)^2 / sum_k |X_k|), not normalised when the magnitudes sum
// below tiny(float32) (a silent frame gives 0). out[lane] for all kLanes lanes.
void spectral_bandwidth_block(const float* magnitude, const float* bin_hz, int n_bins, const float* centroid,
                              float* out);

// librosa.feature.spectral_rolloff of a bin-major block of magnitude frames: the frequency of the
// first bin whose cumulative magnitude (a float32 running sum, like np.cumsum) reaches
// roll_percent (rounded to float32) times the frame's total; 0 Hz for a silent frame.
void spectral_rolloff_block(const float* magnitude, const float* bin_hz, int n_bins, float roll_percent, float* out);

}  // namespace jaams::features::detail
