#pragma once
// One convolution block of jaams' CNNs: Conv2d, optional BatchNorm2d, ReLU, optional max-pool.
// Kept as one module so cnn, pcnn and crnn build their blocks alike and name their parameters
// alike in packages ("<block>.conv.weight", "<block>.bn.running_mean").
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

#include <array>

namespace jaams::models {

struct ConvBlockOptions {
  int in = 1;
  int out = 8;
  std::array<int, 2> kernel{3, 3};  // rows (frequency), columns (time)
  std::array<int, 2> pool{2, 2};    // max-pool window and stride; {1, 1}: none
  bool same_padding = false;        // pad so the convolution keeps the input's size (odd kernels)
  bool batch_norm = false;
};

class ConvBlockImpl : public torch::nn::Module {
 public:
  explicit ConvBlockImpl(const ConvBlockOptions& options);
  torch::Tensor forward(const torch::Tensor& x);

  // The output size along one axis for an input of `size` (floor, as LibTorch computes it).
  static int64_t output_size(int64_t size, int kernel, int pool, bool same_padding);

 private:
  ConvBlockOptions options_;
  torch::nn::Conv2d conv_{nullptr};
  torch::nn::BatchNorm2d bn_{nullptr};
};
TORCH_MODULE(ConvBlock);

}  // namespace jaams::models
