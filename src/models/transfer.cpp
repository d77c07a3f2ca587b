#include "jaams/models/transfer.hpp"

#include <torch/torch.h>

#include "jaams/models/model_params.hpp"
#include "jaams/util/data_files.hpp"
#include "jaams/util/error.hpp"

namespace jaams::models {

namespace {
constexpr const char* kShippedWeights = "models/compact_cnn/compact_cnn.pt";
constexpr int64_t kBackboneFeatures = 160;
}  // namespace

TransferImpl::TransferImpl(const ModelSpec& spec, WeightInit init) : ClassifierImpl(spec) {
  if (!spec.is_matrix()) throw Error("model 'transfer' reads feature matrices (compact_mel[, stats]), not images");
  ParamReader params(spec.params, spec.name);
  add_stats_ = params.boolean("add_stats", false);
  const int hidden = params.integer("hidden", 0, 0, 100000);
  const double dropout = params.number("dropout", 0.0, 0.0, 0.95);
  const auto weights = params.string("backbone_weights");
  params.finish();

  int64_t offset = 0;
  bool have_mel = false, have_stats = false;
  for (const auto& part : spec.parts) {
    if (part.kind == "compact_mel") {
      have_mel = true;
      mel_offset_ = offset;
      mel_rows_ = part.rows;
      mel_cols_ = part.cols;
    } else if (part.kind == "stats") {
      have_stats = true;
      stats_offset_ = offset;
      stats_size_ = int64_t{part.rows} * part.cols;
    } else {
      throw Error("model 'transfer': unexpected input part '" + part.kind + "' (reads compact_mel and, with add_stats, stats)");
    }
    offset += int64_t{part.rows} * part.cols;
  }
  if (!have_mel) throw Error("model 'transfer' needs the compact_mel input");
  if (have_stats != add_stats_) {
    throw Error(std::string("model 'transfer': model.add_stats is ") + (add_stats_ ? "true" : "false") + " but the input " +
                (have_stats ? "has" : "lacks") + " the stats part");
  }
  backbone_ = register_module("backbone", CompactCnn());
  if (init == WeightInit::kFromSpec) {
    backbone_->load_weights(weights ? std::filesystem::path(*weights) : require_data_file(kShippedWeights, "model 'transfer'"));
  }
  for (auto& p : backbone_->parameters()) p.set_requires_grad(false);
  embedding_size_ = kBackboneFeatures + (add_stats_ ? stats_size_ : 0);
  head_ = register_module("head", FeatureHead(embedding_size_, spec.num_classes, hidden, dropout));
}

torch::Tensor TransferImpl::melgrams(const torch::Tensor& inputs) const {
  const auto x = matrix_input(inputs);
  return x.narrow(1, mel_offset_, mel_rows_ * mel_cols_).reshape({x.size(0), 1, mel_rows_, mel_cols_});
}

void TransferImpl::fit_frozen_stage(std::int64_t n, const RowReader& train_inputs, int batch_size, bool bounded_memory) {
  backbone_->fit_batchnorm_statistics(
      n, [&](std::int64_t begin, std::int64_t end) { return melgrams(train_inputs(begin, end)); }, batch_size,
      /*cache_outputs=*/!bounded_memory);
}

torch::Tensor TransferImpl::embed(const torch::Tensor& inputs) {
  torch::NoGradGuard no_grad;
  auto features = backbone_->features(melgrams(inputs));
  if (!add_stats_) return features;
  const auto x = matrix_input(inputs);
  return torch::cat({features, x.narrow(1, stats_offset_, stats_size_)}, 1);
}

torch::Tensor TransferImpl::head(const torch::Tensor& embedded) {
  check_embedded(embedded);
  return head_->forward(embedded.to(device()));
}

std::vector<std::string> TransferImpl::tag_names() const { return backbone_->tag_names(); }

torch::Tensor TransferImpl::tags(const torch::Tensor& inputs) {
  torch::NoGradGuard no_grad;
  return backbone_->tags(melgrams(inputs));
}

}  // namespace jaams::models
