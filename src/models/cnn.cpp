#include "jaams/models/cnn.hpp"

#include <torch/nn/functional/dropout.h>
#include <torch/nn/functional/pooling.h>

#include "jaams/models/model_params.hpp"
#include "jaams/util/error.hpp"

namespace jaams::models {

namespace {

// Side length after an unpadded convolution then a 2x2 max-pool (floor), as LibTorch computes it.
int64_t conv_pool(int64_t size, int64_t kernel) { return (size - kernel + 1) / 2; }

}  // namespace

CnnImpl::CnnImpl(const ModelSpec& spec) : ClassifierImpl(spec) {
  ParamReader params(spec.params, spec.name);
  const int conv1 = params.positive_int("conv1", 8);
  const int conv2 = params.positive_int("conv2", 16);
  const int kernel = params.positive_int("kernel", 5);
  const int fc = params.positive_int("fc", 64);
  dropout_ = params.number("dropout", 0.0, 0.0, 0.95);
  const bool batch_norm = params.boolean("batch_norm", false);
  global_pool_ = params.boolean("global_pool", false);
  read_input_scale(params);
  params.finish();

  if (spec.is_matrix() && spec.parts.size() != 1) throw Error("model 'cnn' reads one feature matrix, got several");
  int64_t h = spec.height;
  int64_t w = spec.width;
  for (int i = 0; i < 2; ++i) {
    if (h < kernel + 1 || w < kernel + 1) {
      throw Error("model 'cnn': images of " + std::to_string(spec.height) + "x" + std::to_string(spec.width) +
                  " are too small for two " + std::to_string(kernel) + "x" + std::to_string(kernel) +
                  " convolutions with 2x2 pooling (model.kernel)");
    }
    h = conv_pool(h, kernel);
    w = conv_pool(w, kernel);
  }

  conv1_ = register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(input_channels(), conv1, kernel)));
  conv2_ = register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(conv1, conv2, kernel)));
  if (batch_norm) {
    bn1_ = register_module("bn1", torch::nn::BatchNorm2d(conv1));
    bn2_ = register_module("bn2", torch::nn::BatchNorm2d(conv2));
  }
  fc1_ = register_module("fc1", torch::nn::Linear(global_pool_ ? int64_t{conv2} : int64_t{conv2} * h * w, fc));
  fc2_ = register_module("fc2", torch::nn::Linear(fc, spec.num_classes));
}

torch::Tensor CnnImpl::penultimate(const torch::Tensor& embedded) {
  check_embedded(embedded);
  // Channels-last (NHWC) convolutions are faster with LibTorch's oneDNN kernels; images from
  // jaams' NHWC buffers are already laid out so and are not copied (BENCHMARKS.md, "Prediction speed").
  auto x = embedded.to(device()).contiguous(torch::MemoryFormat::ChannelsLast);
  x = conv1_->forward(x);
  if (bn1_) x = bn1_->forward(x);
  x = torch::max_pool2d(torch::relu(x), 2);
  x = conv2_->forward(x);
  if (bn2_) x = bn2_->forward(x);
  x = torch::max_pool2d(torch::relu(x), 2);
  x = global_pool_ ? x.mean({2, 3}) : x.flatten(1);
  if (dropout_ > 0) x = torch::dropout(x, dropout_, is_training());
  return torch::relu(fc1_->forward(x));
}

torch::Tensor CnnImpl::head(const torch::Tensor& embedded) {
  auto x = penultimate(embedded);
  if (dropout_ > 0) x = torch::dropout(x, dropout_, is_training());
  return fc2_->forward(x);
}

}  // namespace jaams::models
