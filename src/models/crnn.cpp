#include "jaams/models/crnn.hpp"

#include <torch/nn/functional/dropout.h>

#include "jaams/models/model_params.hpp"
#include "jaams/util/error.hpp"

namespace jaams::models {

CrnnImpl::CrnnImpl(const ModelSpec& spec) : ClassifierImpl(spec) {
  ParamReader params(spec.params, spec.name);
  const int blocks = params.integer("blocks", 4, 1, 8);
  const int channels = params.positive_int("channels", 16);
  const int hidden = params.positive_int("hidden", 32);
  const int layers = params.integer("layers", 2, 1, 4);
  bidirectional_ = params.boolean("bidirectional", false);
  dropout_ = params.number("dropout", 0.25, 0.0, 0.95);
  const bool batch_norm = params.boolean("batch_norm", true);
  read_input_scale(params);
  params.finish();

  if (spec.is_matrix() && spec.parts.size() != 1) throw Error("model 'crnn' reads one feature matrix, got several");
  int64_t h = spec.height, w = spec.width;
  blocks_ = register_module("blocks", torch::nn::ModuleList());
  int in = static_cast<int>(input_channels());
  for (int b = 0; b < blocks; ++b) {
    h = ConvBlockImpl::output_size(h, 3, 2, true);
    w = ConvBlockImpl::output_size(w, 3, 2, true);
    if (h < 1 || w < 1) {
      throw Error("model 'crnn': an input of " + std::to_string(spec.height) + "x" + std::to_string(spec.width) +
                  " is too small for " + std::to_string(blocks) + " blocks of 2x2 pooling (model.blocks)");
    }
    blocks_->push_back(ConvBlock(ConvBlockOptions{in, channels, {3, 3}, {2, 2}, true, batch_norm}));
    in = channels;
  }
  gru_ = register_module(
      "gru", torch::nn::GRU(torch::nn::GRUOptions(channels, hidden).num_layers(layers).batch_first(true).bidirectional(bidirectional_)));
  fc_ = register_module("fc", torch::nn::Linear(hidden * (bidirectional_ ? 2 : 1), spec.num_classes));
}

torch::Tensor CrnnImpl::penultimate(const torch::Tensor& embedded) {
  check_embedded(embedded);
  auto x = embedded.to(device()).contiguous(torch::MemoryFormat::ChannelsLast);
  for (const auto& block : *blocks_) x = block->as<ConvBlock>()->forward(x);
  // [N, C, rows, T] -> the strongest response over frequency -> a sequence [N, T, C].
  const auto sequence = std::get<0>(x.max(2)).transpose(1, 2).contiguous();
  const auto hidden = std::get<1>(gru_->forward(sequence));  // [layers * directions, N, hidden]
  const auto last = bidirectional_ ? torch::cat({hidden[-2], hidden[-1]}, 1) : hidden[-1];
  return last;
}

torch::Tensor CrnnImpl::head(const torch::Tensor& embedded) {
  auto y = penultimate(embedded);
  if (dropout_ > 0) y = torch::dropout(y, dropout_, is_training());
  return fc_->forward(y);
}

}  // namespace jaams::models
