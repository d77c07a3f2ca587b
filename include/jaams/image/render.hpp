#pragma once
// Feature matrices -> the 8-bit RGB images the models see (the report: 288 x 432).
//
//   mel      dB values in [-top_db, 0] mapped linearly to the colour map, low bands at the bottom;
//   chroma   values in [0, 1], pitch class C at the bottom, B at the top;
//   centroid a line plot of the centroid frequency over time on a fixed 0..sr/2 axis.
// Each is resized to height x width with OpenCV (the aspect ratio changes, as in the report) and
// coloured with an OpenCV colour map (magma by default, or grayscale).
#include <cstdint>
#include <string>
#include <vector>

#include "jaams/features/feature_config.hpp"
#include "jaams/features/feature_extractor.hpp"

namespace jaams::image {

enum class Colormap { magma, gray };
const char* to_string(Colormap colormap);
Colormap parse_colormap(const std::string& name);  // throws jaams::Error listing the choices

struct ImageConfig {
  int height = 288;
  int width = 432;
  Colormap colormap = Colormap::magma;
};
void validate(const ImageConfig& config);

// Row-major height x width x 3 bytes, RGB, top row first.
struct Image {
  int height = 0;
  int width = 0;
  std::vector<std::uint8_t> rgb;
};

Image render(features::FeatureKind kind, const features::Features& features, const features::FeatureConfig& feature_config,
             const ImageConfig& config);

}  // namespace jaams::image
