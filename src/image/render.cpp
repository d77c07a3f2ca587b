#include "jaams/image/render.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cstring>

#include "jaams/util/error.hpp"

namespace jaams::image {
using features::FeatureKind;
using features::Matrix;

const char* to_string(Colormap colormap) { return colormap == Colormap::magma ? "magma" : "gray"; }

Colormap parse_colormap(const std::string& name) {
  if (name == "magma") return Colormap::magma;
  if (name == "gray" || name == "grey" || name == "grayscale") return Colormap::gray;
  throw Error("colormap '" + name + "': expected magma or gray");
}

void validate(const ImageConfig& config) {
  if (config.height < 8 || config.height > 4096) throw Error("image.height: expected 8..4096, got " + std::to_string(config.height));
  if (config.width < 8 || config.width > 4096) throw Error("image.width: expected 8..4096, got " + std::to_string(config.width));
}

namespace {

// A feature matrix as a float image, highest row first (so low frequencies end at the bottom),
// with values mapped by (v - lo) / (hi - lo) into [0, 1].
cv::Mat to_unit_image(const Matrix& m, float lo, float hi) {
  cv::Mat img(m.rows, m.cols, CV_32F);
  const float scale = 1.0f / (hi - lo);
  for (int r = 0; r < m.rows; ++r) {
    const float* src = m.row(m.rows - 1 - r);
    float* dst = img.ptr<float>(r);
    for (int c = 0; c < m.cols; ++c) dst[c] = std::clamp((src[c] - lo) * scale, 0.0f, 1.0f);
  }
  return img;
}

cv::Mat resize_to_gray8(const cv::Mat& unit, const ImageConfig& config, int interpolation) {
  cv::Mat resized;
  cv::resize(unit, resized, cv::Size(config.width, config.height), 0, 0, interpolation);
  cv::Mat gray;
  resized.convertTo(gray, CV_8U, 255.0, 0.5);
  return gray;
}

// Line plot of the centroid (Hz) over frames on a fixed 0..nyquist vertical axis.
cv::Mat plot_centroid(const Matrix& centroid, double nyquist, const ImageConfig& config) {
  cv::Mat canvas(config.height, config.width, CV_8U, cv::Scalar(0));
  const int frames = centroid.cols;
  if (frames == 0) return canvas;
  std::vector<cv::Point> points(frames);
  const double x_step = frames > 1 ? double(config.width - 1) / (frames - 1) : 0.0;
  for (int i = 0; i < frames; ++i) {
    const double v = std::clamp(double(centroid.at(0, i)) / nyquist, 0.0, 1.0);
    points[i] = cv::Point(static_cast<int>(std::lround(i * x_step)), static_cast<int>(std::lround((config.height - 1) * (1.0 - v))));
  }
  cv::polylines(canvas, points, false, cv::Scalar(255), 2, cv::LINE_AA);
  return canvas;
}

Image colourise(const cv::Mat& gray, Colormap colormap) {
  cv::Mat rgb;
  if (colormap == Colormap::gray) {
    cv::cvtColor(gray, rgb, cv::COLOR_GRAY2RGB);
  } else {
    cv::Mat bgr;
    cv::applyColorMap(gray, bgr, cv::COLORMAP_MAGMA);
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
  }
  Image out;
  out.height = rgb.rows;
  out.width = rgb.cols;
  out.rgb.resize(std::size_t(rgb.rows) * rgb.cols * 3);
  std::memcpy(out.rgb.data(), rgb.data, out.rgb.size());
  return out;
}

}  // namespace

Image render(FeatureKind kind, const features::Features& f, const features::FeatureConfig& fc, const ImageConfig& config) {
  switch (kind) {
    case FeatureKind::mel: {
      if (f.mel_db.empty()) throw Error("render: mel features were not computed");
      const float top = static_cast<float>(fc.top_db);
      return colourise(resize_to_gray8(to_unit_image(f.mel_db, -top, 0.0f), config, cv::INTER_LINEAR), config.colormap);
    }
    case FeatureKind::chroma:
      if (f.chroma.empty()) throw Error("render: chroma features were not computed");
      // Nearest-neighbour keeps each pitch class a clean band, as librosa's specshow draws it.
      return colourise(resize_to_gray8(to_unit_image(f.chroma, 0.0f, 1.0f), config, cv::INTER_NEAREST), config.colormap);
    case FeatureKind::centroid:
      if (f.centroid.empty()) throw Error("render: centroid features were not computed");
      return colourise(plot_centroid(f.centroid, fc.sample_rate / 2.0, config), config.colormap);
    case FeatureKind::stats:
    case FeatureKind::compact_mel:
      break;
  }
  throw Error(std::string("render: '") + features::to_string(kind) + "' features are not an image kind");
}

}  // namespace jaams::image
