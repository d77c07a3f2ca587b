#include "jaams/models/ann.hpp"

#include <torch/nn/functional/activation.h>

#include "jaams/models/model_params.hpp"

namespace jaams::models {

AnnImpl::AnnImpl(const ModelSpec& spec) : ClassifierImpl(spec) {
  ParamReader params(spec.params, spec.name);
  const int hidden = params.positive_int("hidden", 300);
  read_input_scale(params);
  params.finish();

  int64_t inputs = 1;
  for (auto d : embedding_shape()) inputs *= d;
  fc1_ = register_module("fc1", torch::nn::Linear(inputs, hidden));
  fc2_ = register_module("fc2", torch::nn::Linear(hidden, spec.num_classes));
}

torch::Tensor AnnImpl::penultimate(const torch::Tensor& embedded) {
  check_embedded(embedded);
  return torch::relu(fc1_->forward(embedded.to(device()).flatten(1)));
}

torch::Tensor AnnImpl::head(const torch::Tensor& embedded) { return fc2_->forward(penultimate(embedded)); }

}  // namespace jaams::models
