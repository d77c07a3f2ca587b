#include "jaams/models/alexcnn.hpp"

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/pooling.h>

#include "jaams/models/model_params.hpp"
#include "jaams/models/tensor_file.hpp"
#include "jaams/util/error.hpp"

namespace jaams::models {

namespace {

// Written by scripts/export_alexnet.py; change both together.
constexpr const char* kFeaturesFormat = "jaams-alexnet-features-v1";

int64_t conv_out(int64_t size, int64_t kernel, int64_t stride, int64_t padding) {
  return (size + 2 * padding - kernel) / stride + 1;
}

// torchvision.models.alexnet().features, layer for layer, so parameter names match.
torch::nn::Sequential make_alexnet_features() {
  using namespace torch::nn;
  return Sequential(Conv2d(Conv2dOptions(3, 64, 11).stride(4).padding(2)), ReLU(ReLUOptions(true)),
                    MaxPool2d(MaxPool2dOptions(3).stride(2)),
                    Conv2d(Conv2dOptions(64, 192, 5).padding(2)), ReLU(ReLUOptions(true)),
                    MaxPool2d(MaxPool2dOptions(3).stride(2)),
                    Conv2d(Conv2dOptions(192, 384, 3).padding(1)), ReLU(ReLUOptions(true)),
                    Conv2d(Conv2dOptions(384, 256, 3).padding(1)), ReLU(ReLUOptions(true)),
                    Conv2d(Conv2dOptions(256, 256, 3).padding(1)), ReLU(ReLUOptions(true)),
                    MaxPool2d(MaxPool2dOptions(3).stride(2)));
}

}  // namespace

std::vector<int64_t> alexnet_feature_shape(int height, int width) {
  auto side = [](int64_t s) {
    s = conv_out(s, 11, 4, 2);
    s = s >= 3 ? conv_out(s, 3, 2, 0) : 0;  // max-pool 3, stride 2
    s = s >= 3 ? conv_out(s, 3, 2, 0) : 0;  // the 5x5 convolution keeps the size
    s = s >= 3 ? conv_out(s, 3, 2, 0) : 0;  // the 3x3 convolutions keep it too
    return s;
  };
  const int64_t h = side(height);
  const int64_t w = side(width);
  if (h < 1 || w < 1) {
    throw Error("model 'alexcnn': images of " + std::to_string(height) + "x" + std::to_string(width) +
                " are too small for AlexNet features (at least 63x63)");
  }
  return {256, h, w};
}

AlexCnnImpl::AlexCnnImpl(const ModelSpec& spec, WeightInit init) : ClassifierImpl(spec) {
  if (spec.is_matrix()) throw Error("model 'alexcnn' reads RGB images (features.input: image), not feature matrices");
  ParamReader params(spec.params, spec.name);
  const int conv = params.positive_int("conv", 128);
  const int fc = params.positive_int("fc", 64);
  const auto weights = params.string("backbone_weights");
  random_backbone_ = params.boolean("random_backbone", false);
  params.finish();

  if (init == WeightInit::kFromSpec) {
    if (weights && random_backbone_) {
      throw Error("model.backbone_weights and model.random_backbone: true both given for model 'alexcnn'; "
                  "keep one");
    }
    if (!weights && !random_backbone_) {
      throw Error("model 'alexcnn' needs its AlexNet backbone: the config must name a weights file "
                  "(model.backbone_weights, made by scripts/export_alexnet.py) or set "
                  "model.random_backbone: true explicitly");
    }
  }

  feature_shape_ = alexnet_feature_shape(spec.height, spec.width);
  const int64_t pooled_h = feature_shape_[1] / 2;
  const int64_t pooled_w = feature_shape_[2] / 2;
  if (pooled_h < 1 || pooled_w < 1) {
    throw Error("model 'alexcnn': images of " + std::to_string(spec.height) + "x" + std::to_string(spec.width) +
                " give AlexNet features of " + std::to_string(feature_shape_[1]) + "x" +
                std::to_string(feature_shape_[2]) + ", too small for the head's 2x2 pooling (at least 95x95)");
  }

  features_ = register_module("features", make_alexnet_features());
  for (auto& p : features_->parameters()) p.set_requires_grad(false);
  conv_ = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(256, conv, 3).padding(1)));
  fc1_ = register_module("fc1", torch::nn::Linear(int64_t{conv} * pooled_h * pooled_w, fc));
  fc2_ = register_module("fc2", torch::nn::Linear(fc, spec.num_classes));

  if (init == WeightInit::kFromSpec && weights) load_backbone(*weights);
}

std::vector<int64_t> AlexCnnImpl::embedding_shape() const { return feature_shape_; }

torch::Tensor AlexCnnImpl::embed(const torch::Tensor& images) {
  torch::NoGradGuard no_grad;
  auto x = images_to_unit_float(images);
  const auto options = x.options();
  const auto mean = torch::tensor({0.485f, 0.456f, 0.406f}, options).view({1, 3, 1, 1});
  const auto stdev = torch::tensor({0.229f, 0.224f, 0.225f}, options).view({1, 3, 1, 1});
  // Channels-last, as in the cnn: faster convolutions with oneDNN.
  return features_->forward(((x - mean) / stdev).contiguous(torch::MemoryFormat::ChannelsLast));
}

torch::Tensor AlexCnnImpl::penultimate(const torch::Tensor& embedded) {
  check_embedded(embedded);
  auto x = embedded.to(device()).contiguous(torch::MemoryFormat::ChannelsLast);
  x = torch::max_pool2d(torch::relu(conv_->forward(x)), 2);
  return torch::relu(fc1_->forward(x.flatten(1)));
}

torch::Tensor AlexCnnImpl::head(const torch::Tensor& embedded) { return fc2_->forward(penultimate(embedded)); }

void AlexCnnImpl::load_backbone(const std::filesystem::path& path) {
  // A torchvision .pth is the usual mistake: it is a Python pickle that must be converted first.
  const TensorFileKind kind{kFeaturesFormat, "scripts/export_alexnet.py",
                            "convert torchvision weights with: scripts/export_alexnet.py OUT.pt --weights FILE.pth"};
  const auto file = TensorFile::read(path, kind, "model.backbone_weights '" + path.string() + "'");
  torch::NoGradGuard no_grad;
  for (auto& item : features_->named_parameters(/*recurse=*/true)) {
    item.value().copy_(file.tensor("features." + item.key(), item.value().sizes()));
  }
}

}  // namespace jaams::models
