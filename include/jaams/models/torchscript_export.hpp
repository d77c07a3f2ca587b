#pragma once
// A trained classifier as a TorchScript module, for serving it where jaams is not installed
// (Python's torch.jit.load, LibTorch's torch::jit::load).
//
// The module's forward(x) takes what the model reads (ModelSpec::input):
//   "image"   uint8 [N, 3, H, W] RGB 0..255, as jaams' pipeline renders it;
//   "matrix"  float32 [N, D], the feature matrices of ModelSpec::parts flattened and concatenated;
// and returns the class probabilities [N, num_classes] (softmax of the model's logits, before any
// calibration temperature), the numbers `jaams predict` pools per track.
//
// How: every model is traced, not scripted (LibTorch's C++ modules have no TorchScript source).
// The trace runs the model's own forward() on one example input with the model's parameters and
// buffers registered as the module's attributes, so the graph reads them by name; a scripted
// forward then applies that one-input graph (forward_one) to each row of the batch, because a C++
// trace records the example's batch size as a constant. Branches on data never occur in jaams'
// models in eval mode, so one trace is the whole model. compact_cnn (inside `transfer`) leaves its
// hand-written first-layer kernel while tracing and records the same arithmetic in tensor
// operations instead.
#include <torch/types.h>

#include <filesystem>
#include <map>
#include <string>

#include "jaams/models/classifier.hpp"

namespace jaams::models {

// An example input of `spec`'s shape and type for one segment (zeros).
torch::Tensor example_input(const ModelSpec& spec);

// Traces `model` (on the CPU, in eval mode) and writes the module to `path` atomically, with
// `extra_files` (name -> content) stored beside it (torch.jit.load(..., _extra_files=...)).
// Throws jaams::Error when the model is not on the CPU, jaams::RuntimeFailure when the file
// cannot be written.
void export_torchscript(ClassifierImpl& model, const std::map<std::string, std::string>& extra_files,
                        const std::filesystem::path& path);

}  // namespace jaams::models
