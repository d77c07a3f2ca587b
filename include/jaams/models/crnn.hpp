#pragma once
// `crnn`: a convolutional recurrent network after Choi et al. (2017): convolution blocks
//   Conv2d 3x3 (same padding, -> channels), BatchNorm2d (batch_norm), ReLU, MaxPool 2x2,
// `blocks` times; then the maximum over the remaining frequency rows, so each time step is a
// vector of `channels`; a GRU over the time steps (`layers` deep, `hidden` units, optionally
// bidirectional); its last hidden state, Dropout, Linear(-> classes). The recurrent layer
// summarises how the segment evolves in time, which pooling alone discards. Reads the feature
// matrix or the image (rows: frequency, columns: time).
// params: blocks (4), channels (16), hidden (32), layers (2), bidirectional (false),
// dropout (0.25), batch_norm (true).
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/rnn.h>
#include <torch/nn/pimpl.h>

#include "jaams/models/classifier.hpp"
#include "jaams/models/conv_block.hpp"

namespace jaams::models {

class CrnnImpl : public ClassifierImpl {
 public:
  explicit CrnnImpl(const ModelSpec& spec);

  torch::Tensor head(const torch::Tensor& embedded) override;
  torch::Tensor penultimate(const torch::Tensor& embedded) override;

 private:
  double dropout_ = 0.25;
  bool bidirectional_ = false;
  torch::nn::ModuleList blocks_{nullptr};
  torch::nn::GRU gru_{nullptr};
  torch::nn::Linear fc_{nullptr};
};
TORCH_MODULE(Crnn);

}  // namespace jaams::models
