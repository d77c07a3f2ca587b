#include "jaams/models/conv_block.hpp"

#include <torch/nn/functional/pooling.h>

namespace jaams::models {

ConvBlockImpl::ConvBlockImpl(const ConvBlockOptions& options) : options_(options) {
  auto conv = torch::nn::Conv2dOptions(options.in, options.out, {options.kernel[0], options.kernel[1]});
  if (options.same_padding) conv.padding({options.kernel[0] / 2, options.kernel[1] / 2});
  conv_ = register_module("conv", torch::nn::Conv2d(conv));
  if (options.batch_norm) bn_ = register_module("bn", torch::nn::BatchNorm2d(options.out));
}

torch::Tensor ConvBlockImpl::forward(const torch::Tensor& x) {
  auto y = conv_->forward(x);
  if (bn_) y = bn_->forward(y);
  y = torch::relu(y);
  if (options_.pool[0] > 1 || options_.pool[1] > 1) y = torch::max_pool2d(y, {options_.pool[0], options_.pool[1]});
  return y;
}

int64_t ConvBlockImpl::output_size(int64_t size, int kernel, int pool, bool same_padding) {
  const int64_t convolved = same_padding ? size + 2 * (kernel / 2) - kernel + 1 : size - kernel + 1;
  return convolved / pool;
}

}  // namespace jaams::models
