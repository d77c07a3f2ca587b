#pragma once
// `jaams export`: a model package as a TorchScript module (models/torchscript_export.hpp) with
// what a user needs to feed it and read its output, as extra files in the archive:
//   jaams/meta.json      the package's metadata as saved (model spec, classes, pipeline,
//                        temperature, training summary)
//   jaams/classes.json   the class names, in the order of the output columns
//   jaams/pipeline.json  the audio-to-input settings (sample rate, segments, features, image)
//   jaams/input.json     {"form", "dtype", "shape" (null: any batch size), "kinds", "parts",
//                         "output": "probabilities", "temperature"}
#include <filesystem>
#include <map>
#include <string>

#include "jaams/models/package.hpp"
#include "jaams/predict/predictor.hpp"

namespace jaams::predict {

// The extra files above for a package and its checked settings.
std::map<std::string, std::string> export_extra_files(const models::Package& package, const PackageSettings& settings);

// Loads the package at `package_path` on the CPU, checks its settings and writes `output`
// atomically. Throws jaams::Error naming the package or its setting (see package_settings).
void export_package(const std::filesystem::path& package_path, const std::filesystem::path& output);

}  // namespace jaams::predict
