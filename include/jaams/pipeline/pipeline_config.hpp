#pragma once
// Everything that turns audio into images: one sample rate, the segmenting rule, the feature
// parameters and the image settings. It is read from the `audio`, `features` and `image` sections
// of a config, saved with every preprocessed folder and inside every model package, so that
// predict can never use other settings than training did.
#include <nlohmann/json.hpp>

#include "jaams/audio/segmenter.hpp"
#include "jaams/features/feature_config.hpp"
#include "jaams/image/render.hpp"
#include "jaams/util/yaml_config.hpp"

namespace jaams::pipeline {

struct PipelineConfig {
  int sample_rate = 22050;
  audio::SegmentConfig segments;
  features::FeatureConfig features;  // features.sample_rate always equals sample_rate
  image::ImageConfig image;
};

// Reads the `audio`, `features` and `image` sections of `root` (absent keys keep defaults,
// unknown keys are errors) and validates the result.
PipelineConfig read_pipeline_config(YamlSection& root);

void validate(const PipelineConfig& config);

nlohmann::json to_json(const PipelineConfig& config);
// Throws jaams::Error naming `what` (e.g. the package file) when a field is missing or invalid.
PipelineConfig pipeline_config_from_json(const nlohmann::json& json, const std::string& what);

}  // namespace jaams::pipeline
