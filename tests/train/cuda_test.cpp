// GPU checks: they run where LibTorch sees CUDA and skip cleanly elsewhere (CI has no GPU).
#include <gtest/gtest.h>
#include <ATen/Context.h>
#include <torch/torch.h>

#include "jaams/models/device.hpp"
#include "jaams/models/package.hpp"
#include "jaams/models/registry.hpp"
#include "jaams/util/error.hpp"
#include "test_support.hpp"

namespace jaams {
namespace {

// Also turns off TF32 convolutions (LibTorch's default on Ampere and later), whose ~1e-3 rounding
// would blur a comparison with the CPU's float32.
#define JAAMS_REQUIRE_CUDA()                                                                            \
  if (!torch::cuda::is_available()) GTEST_SKIP() << "CUDA not available in this LibTorch build"; \
  at::globalContext().setAllowTF32CuDNN(false);                                                         \
  at::globalContext().setAllowTF32CuBLAS(false)

models::ModelSpec small_cnn() {
  models::ModelSpec spec;
  spec.name = "cnn";
  spec.num_classes = 4;
  spec.height = 48;
  spec.width = 64;
  return spec;
}

TEST(Device, CpuAlwaysResolvesAndUnknownNamesAreRefused) {
  EXPECT_EQ(resolve_device("cpu").type(), torch::kCPU);
  EXPECT_THROW(resolve_device("tpu"), Error);
  if (!torch::cuda::is_available()) {
    EXPECT_EQ(resolve_device("auto").type(), torch::kCPU);
    EXPECT_THROW(resolve_device("cuda"), Error);
  } else {
    EXPECT_EQ(resolve_device("auto").type(), torch::kCUDA);
  }
}

TEST(Cuda, TrainingStepGivesTheSameLossAsOnCpu) {
  JAAMS_REQUIRE_CUDA();
  torch::manual_seed(3);
  auto cpu_model = models::make_model(small_cnn());
  auto gpu_model = models::make_model(small_cnn());
  {
    torch::NoGradGuard no_grad;
    auto src = cpu_model->parameters();
    auto dst = gpu_model->parameters();
    for (std::size_t i = 0; i < src.size(); ++i) dst[i].copy_(src[i]);
  }
  gpu_model->to(torch::kCUDA);
  const auto images = torch::randint(0, 256, {8, 3, 48, 64}).to(torch::kUInt8);
  const auto labels = torch::randint(0, 4, {8}, torch::kInt64);
  torch::optim::Adam cpu_opt(cpu_model->trainable_parameters(), 1e-3);
  torch::optim::Adam gpu_opt(gpu_model->trainable_parameters(), 1e-3);
  for (int step = 0; step < 3; ++step) {
    cpu_opt.zero_grad();
    auto cpu_loss = torch::nn::functional::cross_entropy(cpu_model->forward(images), labels);
    cpu_loss.backward();
    cpu_opt.step();
    gpu_opt.zero_grad();
    auto gpu_loss = torch::nn::functional::cross_entropy(gpu_model->forward(images.to(torch::kCUDA)), labels.to(torch::kCUDA));
    gpu_loss.backward();
    gpu_opt.step();
    EXPECT_NEAR(cpu_loss.item<double>(), gpu_loss.item<double>(), 1e-3) << "step " << step;
  }
}

TEST(Cuda, PackageTrainedOnGpuPredictsTheSameOnCpu) {
  JAAMS_REQUIRE_CUDA();
  test::TempDir dir;
  torch::manual_seed(5);
  auto model = models::make_model(small_cnn());
  model->to(torch::kCUDA);
  torch::optim::Adam opt(model->trainable_parameters(), 1e-3);
  const auto images = torch::randint(0, 256, {6, 3, 48, 64}).to(torch::kUInt8);
  const auto labels = torch::randint(0, 4, {6}, torch::kInt64);
  for (int step = 0; step < 5; ++step) {
    opt.zero_grad();
    torch::nn::functional::cross_entropy(model->forward(images.to(torch::kCUDA)), labels.to(torch::kCUDA)).backward();
    opt.step();
  }
  model->eval();
  const auto gpu_probs = torch::softmax(model->forward(images.to(torch::kCUDA)), 1).cpu();
  models::save_package(dir / "m.jaams", *model, small_cnn(), nlohmann::json::object());
  const auto cpu = models::load_package(dir / "m.jaams", torch::kCPU);
  const auto cpu_probs = torch::softmax(cpu.model->forward(images), 1);
  EXPECT_LT((cpu_probs - gpu_probs).abs().max().item<double>(), 1e-4);
  EXPECT_TRUE(torch::equal(cpu_probs.argmax(1), gpu_probs.argmax(1)));
}

}  // namespace
}  // namespace jaams
