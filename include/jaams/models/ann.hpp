#pragma once
// `ann`: the report's baseline. Flattens the image and applies
//   Linear(3*H*W -> hidden), ReLU, Linear(hidden -> num_classes).
// params: hidden (default 300).
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "jaams/models/classifier.hpp"

namespace jaams::models {

class AnnImpl : public ClassifierImpl {
 public:
  explicit AnnImpl(const ModelSpec& spec);

  torch::Tensor head(const torch::Tensor& embedded) override;
  // The hidden layer after its ReLU, [N, hidden].
  torch::Tensor penultimate(const torch::Tensor& embedded) override;

 private:
  torch::nn::Linear fc1_{nullptr};
  torch::nn::Linear fc2_{nullptr};
};
TORCH_MODULE(Ann);

}  // namespace jaams::models
