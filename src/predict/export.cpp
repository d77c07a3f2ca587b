#include "jaams/predict/export.hpp"

#include <nlohmann/json.hpp>

#include "jaams/models/torchscript_export.hpp"

namespace jaams::predict {

std::map<std::string, std::string> export_extra_files(const models::Package& package, const PackageSettings& settings) {
  const auto& spec = package.spec;
  nlohmann::json input;
  input["form"] = spec.input;
  if (spec.is_matrix()) {
    input["dtype"] = "float32";
    input["shape"] = {nullptr, spec.matrix_size()};
    input["parts"] = nlohmann::json::array();
    for (const auto& p : spec.parts) input["parts"].push_back({{"kind", p.kind}, {"rows", p.rows}, {"cols", p.cols}});
  } else {
    input["dtype"] = "uint8";
    input["shape"] = {nullptr, 3, spec.height, spec.width};
  }
  input["kinds"] = nlohmann::json::array();
  for (const auto kind : settings.layout.kinds) input["kinds"].push_back(features::to_string(kind));
  input["output"] = "probabilities";
  input["temperature"] = settings.temperature;
  return {{"jaams/meta.json", package.meta.dump(2)},
          {"jaams/classes.json", nlohmann::json(settings.classes).dump()},
          {"jaams/pipeline.json", package.meta.at("pipeline").dump(2)},
          {"jaams/input.json", input.dump(2)}};
}

void export_package(const std::filesystem::path& package_path, const std::filesystem::path& output) {
  models::Package package = models::load_package(package_path, torch::kCPU);
  const PackageSettings settings = package_settings(package, package_path.string());
  models::export_torchscript(*package.model, export_extra_files(package, settings), output);
}

}  // namespace jaams::predict
