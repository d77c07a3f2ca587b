#include "jaams/models/pcnn.hpp"

#include <torch/nn/functional/dropout.h>
#include <torch/nn/functional/pooling.h>

#include "jaams/models/model_params.hpp"
#include "jaams/util/error.hpp"

namespace jaams::models {

PcnnImpl::PcnnImpl(const ModelSpec& spec) : ClassifierImpl(spec) {
  ParamReader params(spec.params, spec.name);
  const int filters = params.positive_int("filters", 16);
  const int timbre_rows = params.positive_int("timbre_rows", 24);
  const int timbre_cols = params.positive_int("timbre_cols", 3);
  const int rhythm_rows = params.positive_int("rhythm_rows", 3);
  const int rhythm_cols = params.positive_int("rhythm_cols", 24);
  bins_ = params.positive_int("bins", 8);
  const int fc = params.positive_int("fc", 64);
  dropout_ = params.number("dropout", 0.25, 0.0, 0.95);
  const bool batch_norm = params.boolean("batch_norm", true);
  read_input_scale(params);
  params.finish();

  if (spec.is_matrix() && spec.parts.size() != 1) throw Error("model 'pcnn' reads one feature matrix, got several");
  const auto fits = [&](int rows, int cols, const char* branch) {
    if (spec.height - rows + 1 < bins_ || spec.width - cols + 1 < bins_) {
      throw Error(std::string("model 'pcnn': an input of ") + std::to_string(spec.height) + "x" + std::to_string(spec.width) +
                  " is too small for the " + branch + " kernel " + std::to_string(rows) + "x" + std::to_string(cols) +
                  " and model.bins = " + std::to_string(bins_));
    }
  };
  fits(timbre_rows, timbre_cols, "timbre");
  fits(rhythm_rows, rhythm_cols, "rhythm");
  ConvBlockOptions timbre{static_cast<int>(input_channels()), filters, {timbre_rows, timbre_cols}, {1, 1}, false, batch_norm};
  ConvBlockOptions rhythm{static_cast<int>(input_channels()), filters, {rhythm_rows, rhythm_cols}, {1, 1}, false, batch_norm};
  timbre_ = register_module("timbre", ConvBlock(timbre));
  rhythm_ = register_module("rhythm", ConvBlock(rhythm));
  fc1_ = register_module("fc1", torch::nn::Linear(2 * filters * bins_, fc));
  fc2_ = register_module("fc2", torch::nn::Linear(fc, spec.num_classes));
}

torch::Tensor PcnnImpl::penultimate(const torch::Tensor& embedded) {
  check_embedded(embedded);
  const auto x = embedded.to(device()).contiguous(torch::MemoryFormat::ChannelsLast);
  // timbre: the strongest response over time, per frequency band; rhythm: over frequency, per time.
  const auto timbre = std::get<0>(timbre_->forward(x).max(3, /*keepdim=*/true));
  const auto rhythm = std::get<0>(rhythm_->forward(x).max(2, /*keepdim=*/true));
  const auto a = torch::adaptive_avg_pool2d(timbre, {bins_, 1}).flatten(1);
  const auto b = torch::adaptive_avg_pool2d(rhythm, {1, bins_}).flatten(1);
  auto y = torch::cat({a, b}, 1);
  if (dropout_ > 0) y = torch::dropout(y, dropout_, is_training());
  return torch::relu(fc1_->forward(y));
}

torch::Tensor PcnnImpl::head(const torch::Tensor& embedded) {
  auto y = penultimate(embedded);
  if (dropout_ > 0) y = torch::dropout(y, dropout_, is_training());
  return fc2_->forward(y);
}

}  // namespace jaams::models
