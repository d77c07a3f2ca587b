// jaams export: every model as a TorchScript module that Python's torch.jit.load runs to the
// probabilities jaams gives on the same inputs (tests/predict/torchscript_parity.py).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <string>
#include <vector>

#include "jaams/models/package.hpp"
#include "jaams/models/registry.hpp"
#include "jaams/util/npy.hpp"
#include "predict_fixtures.hpp"
#include "test_support.hpp"

namespace jaams::predict {
namespace {

using test::run_command;
using test::run_jaams;

// Every model of the registry, and transfer with the stats vector beside the backbone.
std::vector<std::string> export_recipes() {
  auto names = models::model_names();
  names.push_back("transfer_stats");
  return names;
}

void write_rows(const std::filesystem::path& path, const torch::Tensor& t) {
  const auto rows = t.to(torch::kFloat32).reshape({t.size(0), -1}).contiguous();
  write_npy(path, rows.data_ptr<float>(), static_cast<std::size_t>(rows.size(0)), static_cast<std::size_t>(rows.size(1)));
}

TEST(TorchScriptExport, EveryModelGivesJaamsProbabilitiesInPython) {
  if (run_command("/usr/bin/python3 -c 'import numpy, torch'") != 0) GTEST_SKIP() << "python3-torch is not installed";
  test::TempDir dir;
  std::string names;
  for (const auto& name : export_recipes()) {
    fixtures::PackageRecipe recipe;
    recipe.model = name;
    // alexcnn's, pcnn's and crnn's poolings need more than the predict tests' 32x48 images.
    recipe.height = recipe.pipeline.image.height = 96;
    recipe.width = recipe.pipeline.image.width = 128;
    const auto package_path = dir / (name + ".jaams");
    fixtures::write_package(package_path, recipe);
    run_jaams("--quiet export --model " + package_path.string() + " --output " + (dir / (name + ".pt")).string());

    const auto package = models::load_package(package_path);
    torch::manual_seed(11);
    const auto inputs = package.spec.is_matrix() ? torch::randn({3, package.spec.matrix_size()}) * 10
                                                 : torch::randint(0, 256, {3, 3, package.spec.height, package.spec.width}).to(torch::kUInt8);
    torch::NoGradGuard no_grad;
    // What the predictor computes for a batch of segments.
    const auto probs = torch::softmax(package.model->forward(inputs), 1);
    write_rows(dir / (name + ".inputs.npy"), inputs);
    write_rows(dir / (name + ".expected.npy"), probs);
    names += " " + name;
  }
  std::string output;
  const int status = run_command("/usr/bin/python3 " JAAMS_SOURCE_DIR "/tests/predict/torchscript_parity.py " +
                                     dir.path().string() + names,
                                 &output);
  EXPECT_EQ(status, 0) << output;
  for (const auto& name : export_recipes()) EXPECT_NE(output.find(name + ": "), std::string::npos) << output;
  std::cout << output;
}

TEST(TorchScriptExport, ABrokenPackageIsRefusedByName) {
  test::TempDir dir;
  const auto bad = dir / "bad.jaams";
  fixtures::PackageRecipe recipe;
  recipe.remove_meta = {"classes"};
  fixtures::write_package(bad, recipe);
  const auto out = run_jaams("export --model " + bad.string() + " --output " + (dir / "m.pt").string(), 2);
  EXPECT_NE(out.find("bad.jaams"), std::string::npos) << out;
  EXPECT_NE(out.find("classes"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(dir / "m.pt"));
}

}  // namespace
}  // namespace jaams::predict
