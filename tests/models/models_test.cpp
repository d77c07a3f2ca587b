// Shapes, hyper-parameter validation, frozen backbone and the ability of every model to learn.
#include <torch/torch.h>

#include <map>

#include "jaams/models/alexcnn.hpp"
#include "jaams/models/registry.hpp"
#include "jaams/util/error.hpp"
#include "test_support.hpp"

namespace jaams::models {
namespace {

ModelSpec spec_of(const std::string& name, int height, int width, nlohmann::json params = nlohmann::json::object()) {
  ModelSpec spec;
  spec.name = name;
  spec.height = height;
  spec.width = width;
  spec.params = std::move(params);
  return spec;
}

nlohmann::json params_for(const std::string& name) {
  return name == "alexcnn" ? nlohmann::json{{"random_backbone", true}} : nlohmann::json::object();
}

torch::Tensor random_images(int n, int height, int width) {
  return torch::randint(0, 256, {n, 3, height, width}, torch::kUInt8);
}

using test::error_of;

TEST(ModelRegistry, ListsTheReportModels) {
  EXPECT_EQ(model_names(), (std::vector<std::string>{"alexcnn", "ann", "cnn", "crnn", "pcnn", "stats", "transfer"}));
}

TEST(ModelRegistry, UnknownNameIsAnError) {
  const auto message = error_of([] { make_model(spec_of("resnet", 64, 96)); });
  EXPECT_NE(message.find("model.name"), std::string::npos) << message;
  EXPECT_NE(message.find("resnet"), std::string::npos) << message;
  EXPECT_NE(message.find("alexcnn, ann, cnn"), std::string::npos) << message;
}

TEST(ModelShapes, ReportSizeImagesGiveNineLogits) {
  torch::manual_seed(0);
  torch::NoGradGuard no_grad;
  const auto images = random_images(2, 288, 432);
  // The report's models read images; stats and transfer read feature matrices (their own tests).
  for (const std::string name : {"alexcnn", "ann", "cnn"}) {
    SCOPED_TRACE(name);
    auto model = make_model(spec_of(name, 288, 432, params_for(name)));
    model->eval();
    const auto logits = model->forward(images);
    EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{2, 9}));
    EXPECT_TRUE(torch::isfinite(logits).all().item<bool>());
  }
}

TEST(ModelShapes, AlexNetFeaturesOfReportSizeAre256x8x12) {
  torch::manual_seed(0);
  auto model = AlexCnn(spec_of("alexcnn", 288, 432, params_for("alexcnn")));
  const auto embedded = model->embed(random_images(2, 288, 432));
  EXPECT_EQ(embedded.sizes(), (std::vector<int64_t>{2, 256, 8, 12}));
  EXPECT_EQ(model->embedding_shape(), (std::vector<int64_t>{256, 8, 12}));
  EXPECT_FALSE(embedded.requires_grad());
  EXPECT_TRUE(model->has_frozen_stage());
  EXPECT_TRUE(model->random_backbone());
}

TEST(ModelShapes, BackboneHasTorchvisionParameterNames) {
  auto model = AlexCnn(spec_of("alexcnn", 288, 432, params_for("alexcnn")));
  std::map<std::string, std::vector<int64_t>> shapes;
  for (const auto& p : model->named_parameters()) {
    if (p.key().rfind("features.", 0) == 0) shapes[p.key()] = p.value().sizes().vec();
  }
  const std::map<std::string, std::vector<int64_t>> torchvision{
      {"features.0.weight", {64, 3, 11, 11}},   {"features.0.bias", {64}},
      {"features.3.weight", {192, 64, 5, 5}},   {"features.3.bias", {192}},
      {"features.6.weight", {384, 192, 3, 3}},  {"features.6.bias", {384}},
      {"features.8.weight", {256, 384, 3, 3}},  {"features.8.bias", {256}},
      {"features.10.weight", {256, 256, 3, 3}}, {"features.10.bias", {256}},
  };
  EXPECT_EQ(shapes, torchvision);
}

TEST(ModelShapes, Uint8AndUnitFloatImagesAgree) {
  torch::manual_seed(1);
  torch::NoGradGuard no_grad;
  const auto images = random_images(2, 64, 96);
  for (const std::string name : {"ann", "cnn"}) {
    auto model = make_model(spec_of(name, 64, 96));
    const auto a = model->forward(images);
    const auto b = model->forward(images.to(torch::kFloat32) / 255.0);
    EXPECT_TRUE(torch::allclose(a, b, 1e-5, 1e-6)) << name;
    EXPECT_FALSE(model->has_frozen_stage());
  }
}

TEST(ModelShapes, WrongImageSizeIsAnError) {
  auto model = make_model(spec_of("cnn", 64, 96));
  const auto message = error_of([&] { model->forward(random_images(1, 64, 100)); });
  EXPECT_NE(message.find("[N, 3, 64, 96]"), std::string::npos) << message;
  EXPECT_NE(message.find("[1, 3, 64, 100]"), std::string::npos) << message;
  EXPECT_THROW(model->head(torch::zeros({1, 3, 96, 64})), Error);
}

TEST(ModelShapes, CnnFlattenedSizeFollowsImageSizeAndParams) {
  // 64x96, kernel 3: (64-2)/2=31 -> (31-2)/2=14 ; (96-2)/2=47 -> (47-2)/2=22 ; 4 channels.
  auto model = make_model(spec_of("cnn", 64, 96, {{"conv1", 2}, {"conv2", 4}, {"kernel", 3}, {"fc", 10}}));
  for (const auto& p : model->named_parameters()) {
    if (p.key() == "fc1.weight") EXPECT_EQ(p.value().sizes(), (std::vector<int64_t>{10, 4 * 14 * 22}));
    if (p.key() == "conv1.weight") EXPECT_EQ(p.value().sizes(), (std::vector<int64_t>{2, 3, 3, 3}));
  }
  EXPECT_EQ(model->forward(random_images(3, 64, 96)).sizes(), (std::vector<int64_t>{3, 9}));
}

TEST(ModelParams, UnknownKeyIsRejectedByName) {
  const auto message = error_of([] { make_model(spec_of("ann", 64, 96, {{"hiden", 500}})); });
  EXPECT_NE(message.find("model.hiden"), std::string::npos) << message;
  EXPECT_NE(message.find("hidden"), std::string::npos) << message;  // lists the known keys
}

TEST(ModelParams, BadValuesAreRejectedByName) {
  EXPECT_NE(error_of([] { make_model(spec_of("ann", 64, 96, {{"hidden", 0}})); }).find("model.hidden"),
            std::string::npos);
  EXPECT_NE(error_of([] { make_model(spec_of("cnn", 64, 96, {{"kernel", "5"}})); }).find("model.kernel"),
            std::string::npos);
  EXPECT_NE(error_of([] { make_model(spec_of("alexcnn", 96, 128, {{"random_backbone", "yes"}})); })
                .find("model.random_backbone"),
            std::string::npos);
  EXPECT_THROW(make_model(spec_of("ann", 64, 96, nlohmann::json::array())), Error);
}

TEST(ModelParams, HyperParametersChangeTheModel) {
  auto model = make_model(spec_of("ann", 64, 96, {{"hidden", 7}}));
  for (const auto& p : model->named_parameters()) {
    if (p.key() == "fc1.weight") EXPECT_EQ(p.value().sizes(), (std::vector<int64_t>{7, 3 * 64 * 96}));
  }
  ModelSpec five = spec_of("ann", 64, 96);
  five.num_classes = 5;
  EXPECT_EQ(make_model(five)->forward(random_images(2, 64, 96)).sizes(), (std::vector<int64_t>{2, 5}));
}

TEST(ModelParams, ImagesTooSmallAreRejected) {
  EXPECT_THROW(make_model(spec_of("cnn", 8, 96)), Error);
  EXPECT_THROW(make_model(spec_of("alexcnn", 64, 96, params_for("alexcnn"))), Error);  // features 1x2: no head pool
  EXPECT_THROW(alexnet_feature_shape(62, 200), Error);
  EXPECT_EQ(alexnet_feature_shape(63, 63), (std::vector<int64_t>{256, 1, 1}));
}

TEST(AlexCnnBackbone, ConfigMustNameItsSource) {
  const auto message = error_of([] { make_model(spec_of("alexcnn", 96, 128)); });
  EXPECT_NE(message.find("backbone_weights"), std::string::npos) << message;
  EXPECT_NE(message.find("random_backbone"), std::string::npos) << message;
  EXPECT_THROW(make_model(spec_of("alexcnn", 96, 128, {{"random_backbone", false}})), Error);
  EXPECT_THROW(make_model(spec_of("alexcnn", 96, 128, {{"random_backbone", true}, {"backbone_weights", "a.pt"}})),
               Error);
}

TEST(AlexCnnBackbone, MissingWeightsFileIsNamed) {
  test::TempDir dir;
  const auto path = (dir / "alexnet_features.pt").string();
  const auto message = error_of([&] { make_model(spec_of("alexcnn", 96, 128, {{"backbone_weights", path}})); });
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("export_alexnet.py"), std::string::npos) << message;
}

TEST(AlexCnnBackbone, ForeignWeightsFileIsNamed) {
  test::TempDir dir;
  const auto path = dir / "features.pt";
  torch::save(torch::zeros({3}), path.string());  // a LibTorch file, but not an export_alexnet.py one
  const auto message =
      error_of([&] { make_model(spec_of("alexcnn", 96, 128, {{"backbone_weights", path.string()}})); });
  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
}

TEST(AlexCnnBackbone, IsFrozenWhileTheHeadTrains) {
  torch::manual_seed(2);
  auto model = AlexCnn(spec_of("alexcnn", 96, 128, params_for("alexcnn")));

  std::map<std::string, torch::Tensor> before;
  for (const auto& p : model->named_parameters()) before[p.key()] = p.value().detach().clone();
  size_t frozen = 0;
  for (const auto& p : model->named_parameters()) {
    const bool is_backbone = p.key().rfind("features.", 0) == 0;
    EXPECT_EQ(p.value().requires_grad(), !is_backbone) << p.key();
    frozen += is_backbone;
  }
  EXPECT_EQ(frozen, 10u);
  EXPECT_EQ(model->trainable_parameters().size(), model->parameters().size() - frozen);

  // Even an optimiser given every parameter must not move the backbone: it gets no gradient.
  torch::optim::Adam adam(model->parameters(), torch::optim::AdamOptions(1e-3));
  model->train();
  const auto images = random_images(4, 96, 128);
  const auto labels = torch::tensor({0, 1, 2, 3}, torch::kLong);
  for (int step = 0; step < 3; ++step) {
    adam.zero_grad();
    torch::nn::functional::cross_entropy(model->forward(images), labels).backward();
    adam.step();
  }
  for (const auto& p : model->named_parameters()) {
    const bool same = torch::equal(before[p.key()], p.value());
    if (p.key().rfind("features.", 0) == 0) {
      EXPECT_TRUE(same) << p.key() << " changed";
    } else {
      EXPECT_FALSE(same) << p.key() << " did not train";
    }
  }
}

TEST(ModelModes, TrainAndEvalReachEverySubmodule) {
  auto model = make_model(spec_of("alexcnn", 96, 128, params_for("alexcnn")));
  model->eval();
  for (const auto& m : model->modules()) EXPECT_FALSE(m->is_training());
  model->train();
  for (const auto& m : model->modules()) EXPECT_TRUE(m->is_training());
}

// Each model must be able to fit 8 random images with random labels: a model that cannot is
// wired wrong (detached head, frozen head, broken loss path).
class Overfit : public ::testing::TestWithParam<std::string> {};

TEST_P(Overfit, ReachesFullTrainingAccuracy) {
  const std::string name = GetParam();
  torch::manual_seed(3);
  const bool alex = name == "alexcnn";
  const int height = alex ? 96 : 64;
  const int width = alex ? 128 : 96;
  auto model = make_model(spec_of(name, height, width, params_for(name)));
  const auto images = random_images(8, height, width);
  const auto labels = torch::randint(0, 9, {8}, torch::kLong);

  // As the trainer does: a frozen stage is computed once and cached.
  const auto embedded = model->embed(images).detach();
  torch::optim::Adam adam(model->trainable_parameters(), torch::optim::AdamOptions(1e-3));
  double accuracy = 0.0;
  int step = 0;
  for (; step < 300; ++step) {
    // Judged as the model is used, in eval mode (batch-norm running statistics, no dropout).
    model->eval();
    {
      torch::NoGradGuard no_grad;
      accuracy = model->head(embedded).argmax(1).eq(labels).to(torch::kFloat64).mean().item<double>();
    }
    if (accuracy == 1.0) break;
    model->train();
    adam.zero_grad();
    torch::nn::functional::cross_entropy(model->head(embedded), labels).backward();
    adam.step();
  }
  EXPECT_EQ(accuracy, 1.0) << name;
  model->eval();
  torch::NoGradGuard no_grad;
  const auto predicted = model->forward(images).argmax(1);
  EXPECT_TRUE(torch::equal(predicted, labels)) << name << " after " << step << " steps";
}

INSTANTIATE_TEST_SUITE_P(AllModels, Overfit, ::testing::Values("ann", "cnn", "alexcnn", "pcnn", "crnn"),
                         [](const auto& info) { return info.param; });

TEST(ModelRegularisers, ChangeTheCnnAsDocumentedAndLeaveItsDefaultAlone) {
  const auto count = [](ClassifierImpl& m) {
    int64_t n = 0;
    for (const auto& p : m.parameters()) n += p.numel();
    return n;
  };
  auto plain = make_model(spec_of("cnn", 64, 96));
  auto pooled = make_model(spec_of("cnn", 64, 96, {{"global_pool", true}}));
  auto normed = make_model(spec_of("cnn", 64, 96, {{"batch_norm", true}}));
  // Global pooling: the first dense layer reads conv2 (16) values instead of 16 x 13 x 21.
  EXPECT_EQ(count(*plain) - count(*pooled), int64_t{64} * 16 * (13 * 21 - 1));
  // Batch norm: a scale and a shift per channel of both convolutions.
  EXPECT_EQ(count(*normed) - count(*plain), 2 * (8 + 16));
  // The report's network has neither.
  for (const auto& p : plain->named_parameters()) EXPECT_EQ(p.key().find("bn"), std::string::npos) << p.key();

  // Dropout acts in training only: in eval mode outputs are deterministic.
  torch::manual_seed(1);
  auto dropped = make_model(spec_of("cnn", 64, 96, {{"dropout", 0.5}}));
  const auto images = random_images(2, 64, 96);
  torch::NoGradGuard no_grad;
  dropped->eval();
  EXPECT_TRUE(torch::equal(dropped->forward(images), dropped->forward(images)));
  dropped->train();
  EXPECT_FALSE(torch::equal(dropped->forward(images), dropped->forward(images)));
}

TEST(ModelShapes, PcnnAndCrnnReadImagesAndMatricesOfAnySize) {
  torch::NoGradGuard no_grad;
  for (const std::string name : {"pcnn", "crnn"}) {
    for (const auto& [h, w] : {std::pair{64, 96}, {128, 431}, {288, 432}}) {
      auto model = make_model(spec_of(name, h, w));
      model->eval();
      EXPECT_EQ(model->forward(random_images(2, h, w)).sizes(), (std::vector<int64_t>{2, 9})) << name << " " << h << "x" << w;
    }
    ModelSpec matrix = spec_of(name, 128, 431);
    matrix.input = "matrix";
    matrix.parts = {{"mel", 128, 431}};
    auto model = make_model(matrix);
    model->eval();
    EXPECT_EQ(model->forward(torch::randn({3, 128 * 431}) * 20 - 40).sizes(), (std::vector<int64_t>{3, 9})) << name;
    EXPECT_EQ(model->penultimate(model->embed(torch::zeros({3, 128 * 431}))).size(0), 3) << name;
  }
  const auto message = error_of([] { make_model(spec_of("pcnn", 20, 96)); });
  EXPECT_NE(message.find("timbre"), std::string::npos) << message;
}

TEST(ModelSpecJson, RoundTripsAndValidates) {
  const ModelSpec spec = spec_of("cnn", 64, 96, {{"fc", 32}});
  EXPECT_EQ(model_spec_from_json(to_json(spec), "test"), spec);
  EXPECT_THROW(model_spec_from_json({{"name", "cnn"}, {"height", -1}}, "test"), Error);
  EXPECT_THROW(model_spec_from_json({{"height", 64}}, "test"), Error);
  EXPECT_THROW(model_spec_from_json({{"name", "cnn"}, {"num_classes", 1}}, "test"), Error);
  const auto message = error_of([] { model_spec_from_json({{"name", "cnn"}, {"widht", 3}}, "cfg.yaml"); });
  EXPECT_NE(message.find("cfg.yaml"), std::string::npos) << message;
  EXPECT_NE(message.find("model.widht"), std::string::npos) << message;
}

}  // namespace
}  // namespace jaams::models
