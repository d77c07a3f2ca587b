#include "jaams/models/stats_model.hpp"

#include "jaams/models/model_params.hpp"
#include "jaams/util/error.hpp"

namespace jaams::models {

StatsImpl::StatsImpl(const ModelSpec& spec) : ClassifierImpl(spec) {
  if (!spec.is_matrix()) throw Error("model 'stats' reads feature vectors (features.input: matrix, kind stats)");
  ParamReader params(spec.params, spec.name);
  const int hidden = params.integer("hidden", 0, 0, 100000);
  const double dropout = params.number("dropout", 0.0, 0.0, 0.95);
  params.finish();
  head_ = register_module("head", FeatureHead(spec.matrix_size(), spec.num_classes, hidden, dropout));
}

torch::Tensor StatsImpl::embed(const torch::Tensor& inputs) { return matrix_input(inputs); }

torch::Tensor StatsImpl::head(const torch::Tensor& embedded) {
  check_embedded(embedded);
  return head_->forward(embedded.to(device()));
}

}  // namespace jaams::models
