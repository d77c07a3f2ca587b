#pragma once
// The common shape of jaams' genre classifiers, so the trainer, evaluator and predictor treat
// ann, cnn and alexcnn alike.
//
// A classifier is split into two stages:
//   embed(images)   -> the frozen stage. For ann/cnn it only turns images into float [0,1]; for
//                      alexcnn it also runs the frozen AlexNet features (no grad), which is why
//                      the trainer may compute it once per image and cache it
//                      (has_frozen_stage()).
//   head(embedded)  -> the trainable stage, giving logits [N, num_classes].
// forward(images) == head(embed(images)).
//
// Images: uint8 [N,3,H,W] RGB (0..255) or float [N,3,H,W] already in [0,1], with H, W the sizes
// of the ModelSpec. Inputs are moved to the model's device, so callers may pass CPU tensors.
#include <torch/nn/module.h>
#include <torch/types.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace jaams::models {

// What to build: a model name from the registry, the image size it reads, the number of classes
// and its hyper-parameters (see each model's header for the keys and their defaults).
struct ModelSpec {
  std::string name;
  int num_classes = 9;
  int height = 288;
  int width = 432;
  nlohmann::json params = nlohmann::json::object();

  bool operator==(const ModelSpec& other) const;
  bool operator!=(const ModelSpec& other) const { return !(*this == other); }
};

// {"name", "num_classes", "height", "width", "params"}.
nlohmann::json to_json(const ModelSpec& spec);

// Inverse of to_json; checks types and ranges. `where` (a file, a config section) starts every
// error message.
ModelSpec model_spec_from_json(const nlohmann::json& json, const std::string& where);

// Where a model's pretrained weights come from when it is built.
enum class WeightInit {
  kFromSpec,     // as the spec says (alexcnn: its backbone_weights file, or random_backbone)
  kLoadedLater,  // the caller overwrites every parameter next (a model package or checkpoint)
};

class ClassifierImpl : public torch::nn::Module {
 public:
  ~ClassifierImpl() override = default;

  // Frozen stage; see the header comment. The default converts images to float [0,1].
  virtual torch::Tensor embed(const torch::Tensor& images);

  // True when embed() holds parameters that never train, so caching its output is worth it.
  virtual bool has_frozen_stage() const { return false; }

  // Trainable stage: embed() output -> logits [N, num_classes].
  virtual torch::Tensor head(const torch::Tensor& embedded) = 0;

  torch::Tensor forward(const torch::Tensor& images) { return head(embed(images)); }

  // The parameters an optimiser should see: every parameter with requires_grad (frozen ones are
  // created with requires_grad=false).
  virtual std::vector<torch::Tensor> trainable_parameters();

  // Shape of embed() output for one image, e.g. {3, 288, 432} or {256, 8, 12}.
  virtual std::vector<int64_t> embedding_shape() const;

  const ModelSpec& spec() const { return spec_; }

  // Where the parameters live (CPU for a model with none).
  torch::Device device() const;

 protected:
  explicit ClassifierImpl(ModelSpec spec);

  // Checks [N,3,H,W], moves to device() and scales uint8 to [0,1] float.
  torch::Tensor images_to_unit_float(const torch::Tensor& images) const;

  // Throws jaams::Error unless `embedded` is [N, embedding_shape()...].
  void check_embedded(const torch::Tensor& embedded) const;

 private:
  ModelSpec spec_;
};

// "[2, 3, 288, 432]" for error messages.
std::string shape_string(at::IntArrayRef sizes);

}  // namespace jaams::models
