#pragma once
// `transfer`: transfer learning from a network pretrained on music, compact_cnn (Choi et al.,
// ISMIR 2017: 50 Million Song Dataset tags; models/compact_cnn/README.md).
//   input:  matrix [N, D]: the segment's `compact_mel` matrix [96 x 1360] (its 12-kHz, 29-s mel
//           front end, pipeline/compact_cnn_input.hpp), followed by its `stats` vector [128]
//           when add_stats is true;
//   embed:  the frozen backbone; features = the global average of each of its 5 blocks
//           (160 values), then the stats vector appended (288) with add_stats;
//   head:   feature_head.hpp (standardisation + logistic regression or a small MLP).
// The backbone's batch norm is old Keras "mode 2" (batch statistics always), so its statistics
// are fitted once on the training set (fit_frozen_stage) and frozen: every segment is then
// scored alone and deterministically. They are buffers, so the package carries them.
// params: add_stats (false), hidden (0), dropout (0.0), backbone_weights (default: the shipped
//         models/compact_cnn/compact_cnn.pt, found by util/data_files.hpp).
#include <torch/nn/pimpl.h>

#include "jaams/models/classifier.hpp"
#include "jaams/models/compact_cnn.hpp"
#include "jaams/models/feature_head.hpp"

namespace jaams::models {

class TransferImpl : public ClassifierImpl {
 public:
  explicit TransferImpl(const ModelSpec& spec, WeightInit init = WeightInit::kFromSpec);

  torch::Tensor embed(const torch::Tensor& inputs) override;
  bool has_frozen_stage() const override { return true; }
  void fit_frozen_stage(std::int64_t n, const RowReader& train_inputs, int batch_size, bool bounded_memory) override;
  // The features are a few hundred values per segment: held whole for the standardisation.
  void fit_head_inputs(std::int64_t n, const RowReader& train_embedded) override { head_->fit(train_embedded(0, n)); }
  torch::Tensor head(const torch::Tensor& embedded) override;
  // The embeddings of a transfer model are the backbone's features (with the stats vector under
  // add_stats), as embed() gives them: what was learned on music, not the head fitted to the genres.
  torch::Tensor penultimate(const torch::Tensor& embedded) override { return embedded.to(device()); }
  std::vector<int64_t> embedding_shape() const override { return {embedding_size_}; }
  std::vector<std::string> tag_names() const override;
  torch::Tensor tags(const torch::Tensor& inputs) override;

 private:
  // The melgram part of matrix inputs, as [N, 1, 96, frames].
  torch::Tensor melgrams(const torch::Tensor& inputs) const;

  bool add_stats_ = false;
  int64_t mel_offset_ = 0, mel_rows_ = 0, mel_cols_ = 0;
  int64_t stats_offset_ = 0, stats_size_ = 0;
  int64_t embedding_size_ = 0;
  CompactCnn backbone_{nullptr};
  FeatureHead head_{nullptr};
};
TORCH_MODULE(Transfer);

}  // namespace jaams::models
