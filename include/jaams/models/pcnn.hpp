#pragma once
// `pcnn`: a parallel CNN after Lidy & Schindler (2016), the report's reference [5]: two
// convolution branches read the same input (rows: frequency, columns: time), one with tall kernels
// that see a wide band of frequencies in a short time (timbre), one with wide kernels that see a
// long stretch of time in a narrow band (rhythm). Each is
//   Conv2d(-> filters, kernel), BatchNorm2d (batch_norm), ReLU,
//   max over its long axis (timbre: time, rhythm: frequency), average-pooled to `bins` along the
//   other axis;
// the two are concatenated, then Dropout, Linear(-> fc), ReLU, Dropout, Linear(fc -> classes).
// The global pooling makes the size of the dense layers independent of the input's (2 * filters *
// bins inputs), which keeps the network small enough for a few dozen training clips.
// params: filters (16), timbre_rows (24), timbre_cols (3), rhythm_rows (3), rhythm_cols (24),
// bins (8), fc (64), dropout (0.25), batch_norm (true).
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "jaams/models/classifier.hpp"
#include "jaams/models/conv_block.hpp"

namespace jaams::models {

class PcnnImpl : public ClassifierImpl {
 public:
  explicit PcnnImpl(const ModelSpec& spec);

  torch::Tensor head(const torch::Tensor& embedded) override;
  torch::Tensor penultimate(const torch::Tensor& embedded) override;

 private:
  int bins_ = 8;
  double dropout_ = 0.25;
  ConvBlock timbre_{nullptr};
  ConvBlock rhythm_{nullptr};
  torch::nn::Linear fc1_{nullptr};
  torch::nn::Linear fc2_{nullptr};
};
TORCH_MODULE(Pcnn);

}  // namespace jaams::models
