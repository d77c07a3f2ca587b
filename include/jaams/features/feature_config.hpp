#pragma once
// Feature parameters. Defaults are librosa 0.11's, so jaams' images match what
// `librosa.feature.melspectrogram`, `spectral_centroid` and `chroma_stft` give.
#include <string>
#include <vector>

namespace jaams::features {

// What a segment is turned into.
//   mel, centroid, chroma  the report's three kinds: a feature matrix that can also be rendered
//                          as an image (image/render.hpp)
//   stats                  summary statistics of MIR descriptors (summary_features.hpp), a
//                          [128 x 1] matrix; never an image
//   compact_mel            the 12-kHz, 29-s mel input of the music-pretrained compact_cnn
//                          (pipeline/compact_cnn_input.hpp), [96 x 1360]; never an image
enum class FeatureKind { mel, centroid, chroma, stats, compact_mel };

const char* to_string(FeatureKind kind);
// Any name of known_feature_kinds(); throws jaams::Error listing the valid names otherwise.
FeatureKind parse_feature_kind(const std::string& name);
// "mel,chroma" -> {mel, chroma}; order kept, duplicates removed; throws on an unknown name.
std::vector<FeatureKind> parse_feature_kinds(const std::string& comma_list);
// The report's image kinds: mel, centroid, chroma (what preprocess makes by default).
const std::vector<FeatureKind>& all_feature_kinds();
// Every kind, image kinds first.
const std::vector<FeatureKind>& known_feature_kinds();
// True for the kinds that can be rendered as images.
bool has_image(FeatureKind kind);

struct FeatureConfig {
  int sample_rate = 22050;
  int n_fft = 2048;       // STFT size, Hann window of the same length
  int hop_length = 512;   // frames are centred; the signal is padded with zeros (pad_mode="constant")
  int n_mels = 128;       // Slaney mel scale, Slaney ("area") normalised filters
  double fmin = 0.0;
  double fmax = 0.0;      // 0 means sample_rate / 2
  double amin = 1e-10;    // power_to_db floor
  double top_db = 80.0;   // power_to_db(ref=max) clips at max - top_db
  int n_chroma = 12;
  bool estimate_tuning = true;  // librosa's default: estimate_tuning (piptrack) per segment
  double tuning = 0.0;          // used when estimate_tuning is false, in fractions of a bin

  double effective_fmax() const { return fmax > 0.0 ? fmax : sample_rate / 2.0; }
};

// Throws jaams::Error naming the field ("features.n_fft") and the accepted range.
void validate(const FeatureConfig& config);

}  // namespace jaams::features
