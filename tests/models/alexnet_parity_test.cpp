// jaams' alexcnn backbone against torchvision's alexnet.features, via scripts/export_alexnet.py.
// Skipped where Debian's Python with torchvision is not installed.
#include <torch/script.h>
#include <torch/torch.h>

#include <memory>

#include "jaams/models/alexcnn.hpp"
#include "jaams/models/package.hpp"
#include "test_support.hpp"

namespace jaams::models {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPython = "/usr/bin/python3";

class AlexNetParity : public ::testing::Test {
 protected:
  // One export per process (ctest runs each test alone): Python start-up and the torchvision
  // import cost seconds, so this suite keeps to few tests.
  static void SetUpTestSuite() {
    dir_ = std::make_unique<test::TempDir>();
    std::string output;
    if (!fs::exists(kPython) || test::run_command(std::string(kPython) + " -c 'import torchvision'", &output) != 0) {
      skip_reason_ = "no torchvision for " + std::string(kPython);
      return;
    }
    const std::string command = std::string(kPython) + " " JAAMS_SOURCE_DIR "/scripts/export_alexnet.py --random --seed 0 '" +
                                features().string() + "' --reference '" + reference().string() +
                                "' --reference-size 288x432 --reference-batch 2";
    export_status_ = test::run_command(command, &export_output_);
  }
  static void TearDownTestSuite() { dir_.reset(); }

  void SetUp() override {
    if (!skip_reason_.empty()) GTEST_SKIP() << skip_reason_;
    ASSERT_EQ(export_status_, 0) << export_output_;
  }

  static fs::path features() { return dir_->path() / "alexnet_features.pt"; }
  static fs::path reference() { return dir_->path() / "reference.pt"; }

  static torch::Tensor reference_tensor(const std::string& name) {
    auto file = torch::jit::load(reference().string());
    return file.attr("tensors").toGenericDict().at(name).toTensor();
  }

  static ModelSpec spec_with_weights(const fs::path& weights) {
    ModelSpec spec;
    spec.name = "alexcnn";
    spec.params = {{"backbone_weights", weights.string()}};
    return spec;
  }

  static inline std::unique_ptr<test::TempDir> dir_;
  static inline std::string skip_reason_;
  static inline int export_status_ = -1;
  static inline std::string export_output_;
};

TEST_F(AlexNetParity, EmbedMatchesTorchvisionFeatures) {
  auto model = AlexCnn(spec_with_weights(features()));
  EXPECT_FALSE(model->random_backbone());
  const auto input = reference_tensor("input");
  const auto expected = reference_tensor("output");
  ASSERT_EQ(input.sizes(), (std::vector<int64_t>{2, 3, 288, 432}));
  ASSERT_EQ(expected.sizes(), (std::vector<int64_t>{2, 256, 8, 12}));

  const auto embedded = model->embed(input);
  ASSERT_EQ(embedded.sizes(), expected.sizes());
  const double max_error = (embedded - expected).abs().max().item<double>();
  EXPECT_LT(max_error, 1e-4);
  // The comparison means something only if the features are not trivially zero, and a backbone
  // that was not loaded (another random init) does not match.
  EXPECT_GT(expected.abs().max().item<double>(), 1e-2);
  ModelSpec random_spec = spec_with_weights(features());
  random_spec.params = {{"random_backbone", true}};
  torch::manual_seed(5);
  auto random_model = AlexCnn(random_spec);
  EXPECT_GT((random_model->embed(input) - expected).abs().max().item<double>(), 1e-2);
}

TEST_F(AlexNetParity, PackageCarriesTheBackbone) {
  test::TempDir dir;
  const auto weights = dir / "copy.pt";
  fs::copy_file(features(), weights);
  torch::manual_seed(6);
  const auto spec = spec_with_weights(weights);
  auto model = AlexCnn(spec);
  model->eval();
  save_package(dir / "model.jaams", *model, spec, {});
  fs::remove(weights);  // the package alone must suffice

  const auto package = load_package(dir / "model.jaams");
  const auto images = torch::randint(0, 256, {2, 3, 288, 432}, torch::kUInt8);
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::equal(model->forward(images), package.model->forward(images)));
}

}  // namespace
}  // namespace jaams::models
