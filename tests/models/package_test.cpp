// Model packages and checkpoints: exact round trips, and clear errors for files that are not.
#include <torch/torch.h>

#include <fstream>

#include "jaams/models/package.hpp"
#include "jaams/models/registry.hpp"
#include "jaams/util/error.hpp"
#include "test_support.hpp"

namespace jaams::models {
namespace {

namespace fs = std::filesystem;

ModelSpec small_spec(const std::string& name, nlohmann::json params = nullptr) {
  ModelSpec spec;
  spec.name = name;
  spec.height = name == "alexcnn" ? 96 : 64;
  spec.width = name == "alexcnn" ? 128 : 96;
  if (params.is_null()) params = name == "alexcnn" ? nlohmann::json{{"random_backbone", true}} : nlohmann::json::object();
  spec.params = params;
  return spec;
}

torch::Tensor images_for(const ModelSpec& spec, int n = 3) {
  return torch::randint(0, 256, {n, 3, spec.height, spec.width}, torch::kUInt8);
}

using test::error_of;

// A few Adam steps so weights differ from any fresh initialisation.
void train_steps(ClassifierImpl& model, torch::optim::Optimizer& optimizer, const torch::Tensor& images, int steps) {
  const auto labels = torch::arange(images.size(0), torch::kLong) % model.spec().num_classes;
  model.train();
  for (int i = 0; i < steps; ++i) {
    optimizer.zero_grad();
    torch::nn::functional::cross_entropy(model.forward(images), labels).backward();
    optimizer.step();
  }
}

class PackageRoundTrip : public ::testing::TestWithParam<std::string> {};

// The regularised cnn (batch-norm statistics are buffers) round-trips too.
TEST(PackageRoundTripRegularised, CnnWithBatchNormDropoutAndGlobalPooling) {
  torch::manual_seed(10);
  const auto spec = small_spec("cnn", {{"batch_norm", true}, {"dropout", 0.3}, {"global_pool", true}});
  auto model = make_model(spec);
  torch::optim::Adam adam(model->trainable_parameters(), torch::optim::AdamOptions(1e-3));
  const auto images = images_for(spec);
  train_steps(*model, adam, images, 2);
  model->eval();
  test::TempDir dir;
  save_package(dir / "m.jaams", *model, spec, {{"classes", {"a", "b"}}});
  const auto package = load_package(dir / "m.jaams", torch::kCPU);
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::equal(model->forward(images), package.model->forward(images)));
}

TEST_P(PackageRoundTrip, LoadedModelGivesIdenticalOutputs) {
  torch::manual_seed(10);
  const auto spec = small_spec(GetParam());
  auto model = make_model(spec);
  torch::optim::Adam adam(model->trainable_parameters(), torch::optim::AdamOptions(1e-3));
  const auto images = images_for(spec);
  train_steps(*model, adam, images, 2);
  model->eval();

  test::TempDir dir;
  const auto path = dir / "model.jaams";
  const nlohmann::json meta{{"classes", {"blues", "classical"}}, {"features", {{"kind", "mel"}}}};
  save_package(path, *model, spec, meta);

  torch::manual_seed(99);  // a rebuilt model must not depend on the RNG (random backbone included)
  const auto package = load_package(path, torch::kCPU);
  EXPECT_EQ(package.spec, spec);
  EXPECT_EQ(package.meta["classes"], meta["classes"]);
  EXPECT_EQ(package.meta["features"], meta["features"]);
  EXPECT_EQ(package.meta["model"], to_json(spec));
  EXPECT_TRUE(package.meta["jaams_version"].is_string());
  EXPECT_FALSE(package.model->is_training());
  EXPECT_EQ(read_package_meta(path), package.meta);

  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::equal(model->forward(images), package.model->forward(images)));
  // Frozen parameters stay frozen after loading.
  EXPECT_EQ(package.model->trainable_parameters().size(), model->trainable_parameters().size());

  // No temporaries left behind by the atomic write.
  size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1u);
}

INSTANTIATE_TEST_SUITE_P(AllModels, PackageRoundTrip, ::testing::Values("ann", "cnn", "alexcnn", "pcnn", "crnn"),
                         [](const auto& info) { return info.param; });

TEST(PackageErrors, MissingFileIsNamed) {
  test::TempDir dir;
  const auto path = dir / "absent.jaams";
  const auto message = error_of([&] { load_package(path); });
  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  EXPECT_NE(message.find("no such file"), std::string::npos) << message;
}

TEST(PackageErrors, GarbageIsNotAPackage) {
  test::TempDir dir;
  const auto path = dir / "garbage.jaams";
  std::ofstream(path, std::ios::binary) << "this is not a model package\x01\x02\x03";
  const auto message = error_of([&] { load_package(path); });
  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  EXPECT_NE(message.find("not a jaams model package"), std::string::npos) << message;
}

TEST(PackageErrors, TruncatedPackageIsNamed) {
  torch::manual_seed(11);
  test::TempDir dir;
  const auto spec = small_spec("cnn");
  auto model = make_model(spec);
  const auto path = dir / "model.jaams";
  save_package(path, *model, spec, {});
  fs::resize_file(path, fs::file_size(path) / 2);
  const auto message = error_of([&] { load_package(path); });
  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
}

TEST(PackageErrors, OtherLibTorchArchiveIsNotAPackage) {
  test::TempDir dir;
  const auto path = dir / "tensor.pt";
  torch::save(torch::ones({2, 2}), path.string());
  const auto message = error_of([&] { load_package(path); });
  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  EXPECT_NE(message.find("not a jaams model package"), std::string::npos) << message;
}

TEST(PackageErrors, UnknownModelNameIsNamed) {
  test::TempDir dir;
  const auto path = dir / "future.jaams";
  // A package as a later jaams with another model would write it.
  torch::serialize::OutputArchive archive;
  archive.write("jaams_format", c10::IValue(std::string("jaams-model-package")));
  archive.write("jaams_format_version", c10::IValue(int64_t{1}));
  archive.write("meta", c10::IValue(nlohmann::json{{"model", {{"name", "transformer"}}}}.dump()));
  archive.write("weights", c10::IValue(c10::Dict<std::string, torch::Tensor>()));
  archive.save_to(path.string());
  const auto message = error_of([&] { load_package(path); });
  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  EXPECT_NE(message.find("transformer"), std::string::npos) << message;
}

TEST(PackageErrors, TensorShapeMismatchNamesFileAndTensor) {
  torch::manual_seed(12);
  test::TempDir dir;
  const auto path = dir / "model.jaams";
  auto model = make_model(small_spec("cnn", {{"fc", 64}}));
  // The spec stored says fc: 32, the weights are those of fc: 64.
  save_package(path, *model, small_spec("cnn", {{"fc", 32}}), {});
  const auto message = error_of([&] { load_package(path); });
  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  EXPECT_NE(message.find("fc1.weight"), std::string::npos) << message;
}

TEST(PackageErrors, SpecMustDescribeTheModel) {
  test::TempDir dir;
  auto model = make_model(small_spec("cnn"));
  EXPECT_THROW(save_package(dir / "m.jaams", *model, small_spec("ann"), {}), std::invalid_argument);
  EXPECT_THROW(save_package(dir / "m.jaams", *model, small_spec("cnn"), nlohmann::json::array()),
               std::invalid_argument);
  EXPECT_FALSE(fs::exists(dir / "m.jaams"));
}

TEST(Checkpoint, ResumedTrainingMatchesUninterruptedTraining) {
  const auto spec = small_spec("cnn");
  torch::manual_seed(13);
  const auto images = images_for(spec, 4);
  auto model = make_model(spec);
  torch::optim::Adam adam(model->trainable_parameters(), torch::optim::AdamOptions(1e-3));
  train_steps(*model, adam, images, 3);

  test::TempDir dir;
  const auto path = dir / "checkpoint.pt";
  const nlohmann::json state{{"epoch", 3}, {"history", {0.5, 0.25}}};
  save_checkpoint(path, *model, adam, state);
  train_steps(*model, adam, images, 3);  // uninterrupted run

  torch::manual_seed(14);  // different initial weights: the checkpoint must override them
  auto resumed = make_model(spec);
  torch::optim::Adam resumed_adam(resumed->trainable_parameters(), torch::optim::AdamOptions(1e-3));
  EXPECT_EQ(load_checkpoint(path, *resumed, resumed_adam), state);
  train_steps(*resumed, resumed_adam, images, 3);

  const auto a = model->parameters();
  const auto b = resumed->parameters();
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i], b[i])) << "parameter " << i;
}

TEST(Checkpoint, PackagesAndCheckpointsAreNotInterchangeable) {
  torch::manual_seed(15);
  test::TempDir dir;
  const auto spec = small_spec("ann", {{"hidden", 8}});
  auto model = make_model(spec);
  torch::optim::Adam adam(model->trainable_parameters());
  save_checkpoint(dir / "ckpt.pt", *model, adam, {{"epoch", 1}});
  save_package(dir / "model.jaams", *model, spec, {});

  const auto message = error_of([&] { load_package(dir / "ckpt.pt"); });
  EXPECT_NE(message.find("checkpoint"), std::string::npos) << message;
  EXPECT_THROW(load_checkpoint(dir / "model.jaams", *model, adam), Error);
}

TEST(Checkpoint, OtherModelSpecIsRefused) {
  torch::manual_seed(16);
  test::TempDir dir;
  auto model = make_model(small_spec("ann", {{"hidden", 8}}));
  torch::optim::Adam adam(model->trainable_parameters());
  save_checkpoint(dir / "ckpt.pt", *model, adam, {});

  auto other = make_model(small_spec("cnn"));
  torch::optim::Adam other_adam(other->trainable_parameters());
  const auto message = error_of([&] { load_checkpoint(dir / "ckpt.pt", *other, other_adam); });
  EXPECT_NE(message.find((dir / "ckpt.pt").string()), std::string::npos) << message;

  auto wider = make_model(small_spec("ann", {{"hidden", 16}}));
  torch::optim::Adam wider_adam(wider->trainable_parameters());
  EXPECT_THROW(load_checkpoint(dir / "ckpt.pt", *wider, wider_adam), Error);
}

}  // namespace
}  // namespace jaams::models
