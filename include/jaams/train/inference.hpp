#pragma once
// Running a classifier over many inputs without gradients, in batches.
#include <torch/types.h>

#include <vector>

#include "jaams/data/image_set.hpp"
#include "jaams/eval/metrics.hpp"
#include "jaams/models/classifier.hpp"

namespace jaams::train {

// embed() over all `images` (uint8 [N,3,H,W]) in batches -> [N, embedding...] on the CPU.
torch::Tensor embed_all(models::ClassifierImpl& model, const torch::Tensor& images, int batch_size);

// Softmax probabilities [N, classes] (float, CPU). `inputs` are images, or embed() outputs when
// `embedded` is true.
torch::Tensor class_probabilities(models::ClassifierImpl& model, const torch::Tensor& inputs, bool embedded, int batch_size);

// The same over a split's own inputs (or its frozen features), read batch by batch (from disk
// when the set streams).
torch::Tensor class_probabilities(models::ClassifierImpl& model, const data::InputSet& set, bool embedded, int batch_size);

// One SegmentPrediction per row of `probabilities`, labelled from `set`.
std::vector<eval::SegmentPrediction> to_predictions(const torch::Tensor& probabilities, const data::InputSet& set);

}  // namespace jaams::train
