#pragma once
// `cnn`: the report's small convolutional network.
//   Conv2d(3 -> conv1, kernel), ReLU, MaxPool 2x2,
//   Conv2d(conv1 -> conv2, kernel), ReLU, MaxPool 2x2,
//   flatten, Linear(-> fc), ReLU, Linear(fc -> num_classes).
// Convolutions are unpadded, so the flattened size follows from H, W and the kernel.
// params: conv1 (8), conv2 (16), kernel (5), fc (64), and the regularisers, all off by default so
// the report's network is unchanged:
//   dropout (0)          dropout with this probability before each Linear layer
//   batch_norm (false)   BatchNorm2d after each convolution (before its ReLU)
//   global_pool (false)  average each conv2 map over rows and columns instead of flattening it:
//                        the first Linear layer then has conv2 inputs instead of ~20,000
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "jaams/models/classifier.hpp"

namespace jaams::models {

class CnnImpl : public ClassifierImpl {
 public:
  explicit CnnImpl(const ModelSpec& spec);

  torch::Tensor head(const torch::Tensor& embedded) override;
  torch::Tensor penultimate(const torch::Tensor& embedded) override;

 private:
  double dropout_ = 0.0;
  bool global_pool_ = false;
  torch::nn::Conv2d conv1_{nullptr};
  torch::nn::Conv2d conv2_{nullptr};
  torch::nn::BatchNorm2d bn1_{nullptr};
  torch::nn::BatchNorm2d bn2_{nullptr};
  torch::nn::Linear fc1_{nullptr};
  torch::nn::Linear fc2_{nullptr};
};
TORCH_MODULE(Cnn);

}  // namespace jaams::models
