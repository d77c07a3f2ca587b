#include "jaams/models/feature_head.hpp"

#include <torch/nn/functional/activation.h>
#include <torch/torch.h>

namespace jaams::models {

FeatureHeadImpl::FeatureHeadImpl(int64_t features, int num_classes, int hidden, double dropout) {
  mean_ = register_buffer("mean", torch::zeros({features}));
  std_ = register_buffer("std", torch::ones({features}));
  if (hidden > 0) {
    hidden_ = register_module("hidden", torch::nn::Linear(features, hidden));
    dropout_ = register_module("dropout", torch::nn::Dropout(dropout));
  }
  out_ = register_module("out", torch::nn::Linear(hidden > 0 ? hidden : features, num_classes));
}

void FeatureHeadImpl::fit(const torch::Tensor& features) {
  torch::NoGradGuard no_grad;
  const auto x = features.to(torch::kCPU, torch::kFloat64);
  const auto mean = x.mean(0);
  auto std = x.std(0, /*unbiased=*/false);
  std = torch::where(std > 1e-8, std, torch::ones_like(std));
  mean_.copy_(mean.to(torch::kFloat32));
  std_.copy_(std.to(torch::kFloat32));
}

torch::Tensor FeatureHeadImpl::penultimate(const torch::Tensor& features) {
  auto x = (features.to(mean_.device(), torch::kFloat32) - mean_) / std_;
  if (!hidden_) return x;
  return torch::relu(hidden_->forward(x));
}

torch::Tensor FeatureHeadImpl::forward(const torch::Tensor& features) {
  auto x = penultimate(features);
  if (dropout_) x = dropout_->forward(x);
  return out_->forward(x);
}

}  // namespace jaams::models
