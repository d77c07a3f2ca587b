#include "jaams/train/calibration.hpp"

#include <spdlog/spdlog.h>

#include <cmath>

#include "jaams/eval/statistics.hpp"
#include "jaams/util/error.hpp"

namespace jaams::train {

double calibrate_package(const std::filesystem::path& path, models::Package& package,
                         const std::vector<eval::SegmentPrediction>& validation) {
  if (validation.empty()) {
    spdlog::info("calibration: no validation split, so no temperature is fitted (the package keeps T = 1)");
    return 1.0;
  }
  std::vector<std::vector<float>> probs;
  std::vector<int> labels;
  for (const auto& p : validation) {
    probs.push_back(p.probabilities);
    labels.push_back(p.label);
  }
  const double t = eval::fit_temperature(probs, labels);
  const double before = eval::temperature_nll(probs, labels, 1.0);
  const double after = eval::temperature_nll(probs, labels, t);
  package.meta["temperature"] = t;
  package.meta["calibration"] = {{"fitted_on", "val"},
                                 {"segments", validation.size()},
                                 {"nll_before", before},
                                 {"nll_after", after}};
  models::save_package(path, *package.model, package.spec, package.meta);
  spdlog::info("calibration: temperature {:.3f} fitted on {} validation segments (NLL {:.4f} -> {:.4f})", t,
               validation.size(), before, after);
  return t;
}

double package_temperature(const nlohmann::json& meta, const std::string& source) {
  const auto it = meta.find("temperature");
  if (it == meta.end() || it->is_null()) return 1.0;
  if (!it->is_number() || !(it->get<double>() > 0.0) || !std::isfinite(it->get<double>()))
    throw Error(source + ": package metadata \"temperature\" must be a positive number, got " + it->dump());
  return it->get<double>();
}

}  // namespace jaams::train
