#pragma once
// The trainable head of the feature-vector models (`stats`, `transfer`):
//   standardise (x - mean) / std with the training set's statistics (buffers, fitted once),
//   then multinomial logistic regression (hidden = 0: Linear(F -> classes)) or a small MLP
//   (Linear(F -> hidden), ReLU, Dropout, Linear(hidden -> classes)).
// L2 regularisation is training.weight_decay.
#include <torch/nn/module.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

namespace jaams::models {

class FeatureHeadImpl : public torch::nn::Module {
 public:
  FeatureHeadImpl(int64_t features, int num_classes, int hidden, double dropout);

  // Per-feature mean and std over `features` [N, F]; a feature constant over the set gets std 1.
  void fit(const torch::Tensor& features);
  torch::Tensor forward(const torch::Tensor& features);
  // What the last layer sees: the standardised features, or the hidden layer's activations.
  torch::Tensor penultimate(const torch::Tensor& features);

 private:
  torch::Tensor mean_, std_;
  torch::nn::Linear hidden_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
  torch::nn::Linear out_{nullptr};
};
TORCH_MODULE(FeatureHead);

}  // namespace jaams::models
