#pragma once
// Temperature scaling after training: one scalar T, fitted on the validation split by minimising
// the negative log-likelihood, stored in the model package's metadata as "temperature" (with the
// fit's details under "calibration"). Softmax(log p / T) never changes a segment's top class.
#include <filesystem>
#include <vector>

#include "jaams/eval/metrics.hpp"
#include "jaams/models/package.hpp"

namespace jaams::train {

// Fits T on `validation` (the best model's validation predictions) and re-saves `package` at
// `path` with it. Without validation predictions nothing is fitted or written (logged) and 1 is
// returned.
double calibrate_package(const std::filesystem::path& path, models::Package& package,
                         const std::vector<eval::SegmentPrediction>& validation);

// The package's temperature: metadata "temperature", 1 when absent. Throws jaams::Error naming
// `source` when it is present but not a positive number.
double package_temperature(const nlohmann::json& meta, const std::string& source);

}  // namespace jaams::train
