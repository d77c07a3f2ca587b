#pragma once
// `stats`: the classic MIR baseline. Input: the `stats` feature matrix of a segment (mean and
// standard deviation of MFCC, their deltas, chroma, centroid, bandwidth, roll-off, contrast,
// zero-crossing rate and RMS: features/summary_features.hpp), as a matrix input [N, 128].
// No frozen network: embed() only checks and flattens; the head (feature_head.hpp) standardises
// with the training set's statistics and applies logistic regression or a small MLP.
// params: hidden (0: logistic regression), dropout (0.0; MLP only).
#include <torch/nn/pimpl.h>

#include "jaams/models/classifier.hpp"
#include "jaams/models/feature_head.hpp"

namespace jaams::models {

class StatsImpl : public ClassifierImpl {
 public:
  explicit StatsImpl(const ModelSpec& spec);

  torch::Tensor embed(const torch::Tensor& inputs) override;
  // Nothing trains in embed(), so the trainer computes it once and fits the head's statistics.
  bool has_frozen_stage() const override { return true; }
  void fit_head_inputs(std::int64_t n, const RowReader& train_embedded) override { head_->fit(train_embedded(0, n)); }
  torch::Tensor head(const torch::Tensor& embedded) override;
  torch::Tensor penultimate(const torch::Tensor& embedded) override { return head_->penultimate(embedded); }
  std::vector<int64_t> embedding_shape() const override { return {spec().matrix_size()}; }

 private:
  FeatureHead head_{nullptr};
};
TORCH_MODULE(Stats);

}  // namespace jaams::models
