#pragma once
// Model packages and training checkpoints: one file each, so a trained model travels as a unit.
//
// A package holds every weight of the model (a frozen backbone included, so loading needs no
// other file) and a metadata JSON that is opaque here except for two keys this code fills in:
//   "model"         the ModelSpec the model is rebuilt from (to_json(ModelSpec))
//   "jaams_version" the jaams version that wrote it.
// A checkpoint adds the optimiser state and a caller-defined JSON (epoch, RNG state, history) so
// training can resume where it stopped.
//
// On disk both are LibTorch archives (torch::serialize::OutputArchive) with these entries:
//   jaams_format          "jaams-model-package" | "jaams-checkpoint"
//   jaams_format_version  1
//   meta                  JSON text (checkpoints: {"model", "jaams_version", "state"})
//   weights               Dict[str, Tensor] keyed by parameter name (features.0.weight, fc1.bias...)
//   optimizer             (checkpoints only) the optimiser's own archive
// Files are written atomically (jaams::write_file_atomic). Weights are stored on the CPU.
#include <torch/optim/optimizer.h>
#include <torch/types.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>

#include "jaams/models/classifier.hpp"

namespace jaams::models {

// Writes `model`'s weights and `meta` plus "model" = spec and "jaams_version". `spec` is what
// load_package rebuilds from; its name, classes and image size must be those of `model`
// (std::invalid_argument otherwise), its params may differ in keys that do not change shapes
// (e.g. a backbone_weights path). `meta` must be a JSON object (or null). Throws jaams::Error
// naming `path` when it cannot be written.
void save_package(const std::filesystem::path& path, ClassifierImpl& model, const ModelSpec& spec,
                  const nlohmann::json& meta);

struct Package {
  ModelSpec spec;
  nlohmann::json meta;  // as saved, with "model" and "jaams_version"
  std::shared_ptr<ClassifierImpl> model;  // on the requested device, in eval() mode
};

// Rebuilds the model from the stored spec and loads every weight. Throws jaams::Error naming the
// file when it is missing, not a jaams package (or is a checkpoint), names an unknown model, or
// holds tensors that do not fit the model.
Package load_package(const std::filesystem::path& path, torch::Device device = torch::kCPU);

// The metadata of a package without building the model (for `jaams info`-like listings).
nlohmann::json read_package_meta(const std::filesystem::path& path);

// Writes model weights, the optimiser's state and `state` (any JSON) atomically. The optimiser
// must have been built over model.trainable_parameters() (or parameters()) in a fixed order.
void save_checkpoint(const std::filesystem::path& path, ClassifierImpl& model,
                     const torch::optim::Optimizer& optimizer, const nlohmann::json& state);

// Loads a checkpoint written by save_checkpoint into an already built `model` and `optimizer`
// (built the same way as when saving) and returns its `state`. Throws jaams::Error naming the
// file when it is missing, not a checkpoint, was written for another model spec (name, classes,
// image size), or its tensors do not fit.
nlohmann::json load_checkpoint(const std::filesystem::path& path, ClassifierImpl& model,
                               torch::optim::Optimizer& optimizer);

}  // namespace jaams::models
