#pragma once
// Builds classifiers by name ("ann", "cnn", "alexcnn"), so configs and model packages refer to
// models by a string.
#include <memory>
#include <string>
#include <vector>

#include "jaams/models/classifier.hpp"

namespace jaams::models {

// Throws jaams::Error for an unknown name (model.name), bad sizes or bad params (model.<key>).
std::shared_ptr<ClassifierImpl> make_model(const ModelSpec& spec, WeightInit init = WeightInit::kFromSpec);

// What a model reads: "image" or "matrix", and the feature kinds (matrix: concatenated in this
// order). The report's models read what the config says (features.kind, features.input); stats
// and transfer read their own kinds whatever it says.
struct ModelInputs {
  std::string form;
  std::vector<std::string> kinds;
};
ModelInputs model_inputs(const std::string& name, const nlohmann::json& params, const std::string& kind,
                         const std::string& form);

// Sorted names make_model accepts.
std::vector<std::string> model_names();

}  // namespace jaams::models
