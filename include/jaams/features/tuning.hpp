#pragma once
// Tuning estimation as librosa 0.11 does it for chroma_stft (tuning=None):
// estimate_tuning -> piptrack peaks -> pitch_tuning histogram.
#include <vector>

namespace jaams::features {

// librosa.pitch_tuning: the deviation of `frequencies` (Hz) from A440 equal temperament, in
// fractions of a bin (of `bins_per_octave` per octave), as the left edge of the fullest bin of a
// histogram over [-0.5, 0.5] with ceil(1 / resolution) bins. Non-positive frequencies are
// ignored; none left gives 0.
double pitch_tuning(const std::vector<float>& frequencies, double resolution = 0.01, int bins_per_octave = 12);

}  // namespace jaams::features
