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
// Inputs, as ModelSpec::input says:
//   "image"   uint8 [N,3,H,W] RGB (0..255) or float [N,3,H,W] already in [0,1], H, W the spec's;
//   "matrix"  float [N, D]: the feature matrices of ModelSpec::parts, each flattened row-major,
//             concatenated in order (D = sum of rows * cols). With one part, the default embed()
//             makes it a 1-channel image [N,1,rows,cols]; a mel part is scaled as the model's
//             `input_scale` says (centred: (dB + 40) / 40, about [-1, 1], the default; unit:
//             (dB + 80) / 80, about [0, 1]; db: unscaled), other kinds are left as they are.
// Inputs are moved to the model's device, so callers may pass CPU tensors.
//
// Some models fit statistics of the training data before training (frozen batch-norm
// statistics, standardisation): fit_frozen_stage() sees the training inputs, fit_head_inputs()
// the training embeddings. The results live in buffers, so packages and checkpoints keep them.
#include <functional>
#include <torch/nn/module.h>
#include <torch/types.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace jaams::models {

class ParamReader;

// What to build: a model name from the registry, the image size it reads, the number of classes
// and its hyper-parameters (see each model's header for the keys and their defaults).
struct InputPart {
  std::string kind;  // a features::FeatureKind name
  int rows = 0;
  int cols = 0;
  bool operator==(const InputPart& o) const { return kind == o.kind && rows == o.rows && cols == o.cols; }
};

struct ModelSpec {
  std::string name;
  int num_classes = 9;
  int height = 288;  // image height; matrix input: rows of the only part (1 with several parts)
  int width = 432;   // image width; matrix input: cols of the only part (D with several parts)
  std::string input = "image";    // "image" | "matrix"
  std::vector<InputPart> parts;   // matrix input: what D is made of
  nlohmann::json params = nlohmann::json::object();

  bool is_matrix() const { return input == "matrix"; }
  // D for matrix input.
  int64_t matrix_size() const;
  // Same name, classes and input: the shape-defining fields (params aside).
  bool same_shape(const ModelSpec& other) const;

  bool operator==(const ModelSpec& other) const;
  bool operator!=(const ModelSpec& other) const { return !(*this == other); }
};

// {"name", "num_classes", "height", "width", "input", "parts" (matrix only), "params"}.
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

  // Rows [begin, end) of a set too large to hand over whole (read from disk when it streams).
  using RowReader = std::function<torch::Tensor(std::int64_t begin, std::int64_t end)>;

  // Fitted once on the training set before training; see the header comment. Defaults: nothing.
  // `n` training inputs, read in batches of `batch_size`; `bounded_memory` asks the fit to hold no
  // per-sample data of its own (the set is larger than memory) even when that costs time.
  virtual void fit_frozen_stage(std::int64_t n, const RowReader& train_inputs, int batch_size, bool bounded_memory) {}
  virtual void fit_head_inputs(std::int64_t n, const RowReader& train_embedded) {}

  // The penultimate activations (what the last layer sees) for embed() outputs, [N, F]; used
  // for embeddings. Default: empty (the model does not expose them).
  virtual torch::Tensor penultimate(const torch::Tensor& embedded) { return {}; }

  // Optional second output (compact_cnn's 50 music tags): names, and probabilities [N, tags]
  // for raw inputs. Default: none.
  virtual std::vector<std::string> tag_names() const { return {}; }
  virtual torch::Tensor tags(const torch::Tensor& inputs) { return {}; }

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

  // Reads the `input_scale` parameter (see the header comment) for models using the default embed().
  void read_input_scale(ParamReader& params);

  // Checks [N,3,H,W], moves to device() and scales uint8 to [0,1] float.
  torch::Tensor images_to_unit_float(const torch::Tensor& images) const;
  // Checks float [N, D] of a matrix spec and moves it to device().
  torch::Tensor matrix_input(const torch::Tensor& inputs) const;
  // Channels of the default embed(): 3 for images, 1 for a one-part matrix.
  int64_t input_channels() const { return spec_.is_matrix() ? 1 : 3; }

  // Throws jaams::Error unless `embedded` is [N, embedding_shape()...].
  void check_embedded(const torch::Tensor& embedded) const;

 private:
  ModelSpec spec_;
  float mel_offset_ = 40.0f, mel_divisor_ = 40.0f;  // mel part: (dB + offset) / divisor
};

// "[2, 3, 288, 432]" for error messages.
std::string shape_string(at::IntArrayRef sizes);

}  // namespace jaams::models
