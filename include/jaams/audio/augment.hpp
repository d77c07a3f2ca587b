#pragma once
// Waveform augmentation of one segment: the operations `augment:` in a training config asks for
// (see config::AugmentConfig). Pure functions of their inputs and the random stream, so a
// segment is augmented the same way whichever loader thread computes it.
#include <cstddef>
#include <vector>

#include "jaams/util/random.hpp"

namespace jaams::audio {

enum class NoiseColor { white, pink };

// Mean of the squared samples.
double signal_power(const std::vector<float>& samples);

// Gaussian noise of `color` (pink: power falling 3 dB per octave) scaled so that
// signal_power(samples) / noise power equals `snr_db` exactly. A silent segment is left alone
// (there is no signal to set the noise level against).
void add_noise(std::vector<float>& samples, double snr_db, NoiseColor color, Rng& rng);

// Multiplies every sample by 10^(gain_db / 20).
void apply_gain(std::vector<float>& samples, double gain_db);

// `length` samples of `track` from sample `start` on; with `rate` != 1 it reads
// round(length * rate) samples and resamples them to `length` (rate 2^(s / 12) raises the pitch by
// s semitones and plays faster by the same factor). Samples past either end of the track are zero.
std::vector<float> read_segment(const std::vector<float>& track, std::ptrdiff_t start, std::size_t length, double rate = 1.0);

}  // namespace jaams::audio
