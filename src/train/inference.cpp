#include "jaams/train/inference.hpp"

#include <torch/torch.h>

namespace jaams::train {

namespace {
// fn over rows(begin, end) of n rows, batch after batch, concatenated on the CPU.
template <typename Rows, typename Fn>
torch::Tensor batched(std::int64_t n, Rows&& rows, int batch_size, Fn&& fn) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> outs;
  for (std::int64_t start = 0; start < n; start += batch_size) {
    outs.push_back(fn(rows(start, std::min(n, start + batch_size))).to(torch::kCPU));
  }
  return outs.empty() ? torch::Tensor() : torch::cat(outs);
}

template <typename Fn>
torch::Tensor batched(const torch::Tensor& inputs, int batch_size, Fn&& fn) {
  return batched(inputs.size(0), [&](std::int64_t b, std::int64_t e) { return inputs.slice(0, b, e); }, batch_size, fn);
}

template <typename Fn>
torch::Tensor batched(const data::InputSet& set, int batch_size, Fn&& fn) {
  return batched(set.size(), [&](std::int64_t b, std::int64_t e) { return set.rows(b, e); }, batch_size, fn);
}

torch::Tensor embed_batches(models::ClassifierImpl& model, const torch::Tensor& inputs, int batch_size) {
  model.eval();
  auto out = batched(inputs, batch_size, [&](const torch::Tensor& x) { return model.embed(x); });
  if (!out.defined()) {
    std::vector<std::int64_t> shape{0};
    for (auto d : model.embedding_shape()) shape.push_back(d);
    out = torch::empty(shape);
  }
  return out;
}

template <typename Inputs>
torch::Tensor probability_batches(models::ClassifierImpl& model, const Inputs& inputs, bool embedded, int batch_size) {
  model.eval();
  auto out = batched(inputs, batch_size, [&](const torch::Tensor& x) {
    const auto logits = embedded ? model.head(x.to(model.device())) : model.forward(x);
    return torch::softmax(logits, 1);
  });
  return out.defined() ? out : torch::empty({0, model.spec().num_classes});
}
}  // namespace

torch::Tensor embed_all(models::ClassifierImpl& model, const torch::Tensor& images, int batch_size) {
  return embed_batches(model, images, batch_size);
}

torch::Tensor class_probabilities(models::ClassifierImpl& model, const torch::Tensor& inputs, bool embedded, int batch_size) {
  return probability_batches(model, inputs, embedded, batch_size);
}

torch::Tensor class_probabilities(models::ClassifierImpl& model, const data::InputSet& set, bool embedded, int batch_size) {
  return probability_batches(model, set, embedded, batch_size);
}

std::vector<eval::SegmentPrediction> to_predictions(const torch::Tensor& probabilities, const data::InputSet& set) {
  std::vector<eval::SegmentPrediction> out;
  const auto probs = probabilities.contiguous().to(torch::kFloat);
  const auto labels = set.labels.accessor<std::int64_t, 1>();
  const std::int64_t classes = probs.size(1);
  for (std::int64_t i = 0; i < set.size(); ++i) {
    const float* row = probs.data_ptr<float>() + i * classes;
    out.push_back({set.track_ids[i], static_cast<int>(labels[i]), std::vector<float>(row, row + classes)});
  }
  return out;
}

}  // namespace jaams::train
