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

// Sorted names make_model accepts.
std::vector<std::string> model_names();

}  // namespace jaams::models
