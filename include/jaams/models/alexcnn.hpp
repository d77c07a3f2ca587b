#pragma once
// `alexcnn`: transfer learning on AlexNet features, as in the report.
//   embed: ImageNet normalisation (mean 0.485,0.456,0.406, std 0.229,0.224,0.225 on [0,1] RGB),
//          then a frozen copy of torchvision's alexnet.features (same layers, same parameter
//          names features.0.weight ... features.10.bias); 288x432 images give [256, 8, 12].
//   head:  Conv2d(256 -> conv, 3, padding 1), ReLU, MaxPool 2x2, flatten,
//          Linear(-> fc), ReLU, Linear(fc -> num_classes).
// params: conv (128), fc (64), and exactly one source for the backbone:
//   backbone_weights: PATH  a file written by scripts/export_alexnet.py (ImageNet weights), or
//   random_backbone: true   an untrained backbone (tests, smoke runs).
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <filesystem>

#include "jaams/models/classifier.hpp"

namespace jaams::models {

class AlexCnnImpl : public ClassifierImpl {
 public:
  // With WeightInit::kLoadedLater the backbone source params are not required (a package holds
  // the backbone), and no weights file is read.
  explicit AlexCnnImpl(const ModelSpec& spec, WeightInit init = WeightInit::kFromSpec);

  torch::Tensor embed(const torch::Tensor& images) override;
  bool has_frozen_stage() const override { return true; }
  torch::Tensor head(const torch::Tensor& embedded) override;
  // The fully connected layer after its ReLU, [N, fc].
  torch::Tensor penultimate(const torch::Tensor& embedded) override;
  std::vector<int64_t> embedding_shape() const override;

  // Copies the features.* tensors of a scripts/export_alexnet.py file into the backbone.
  // Throws jaams::Error naming the file (and the tensor) when it is missing, foreign or mismatched.
  void load_backbone(const std::filesystem::path& path);

  // True when the spec asked for an untrained backbone (results mean little then).
  bool random_backbone() const { return random_backbone_; }

  // The frozen AlexNet layers, indices 0..12 as in torchvision.
  torch::nn::Sequential features() const { return features_; }

 private:
  bool random_backbone_ = false;
  std::vector<int64_t> feature_shape_;
  torch::nn::Sequential features_{nullptr};
  torch::nn::Conv2d conv_{nullptr};
  torch::nn::Linear fc1_{nullptr};
  torch::nn::Linear fc2_{nullptr};
};
TORCH_MODULE(AlexCnn);

// Output size [256, h, w] of alexnet.features for an H x W image; throws jaams::Error when the
// image is too small for it.
std::vector<int64_t> alexnet_feature_shape(int height, int width);

}  // namespace jaams::models
