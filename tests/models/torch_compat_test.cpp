#include <gtest/gtest.h>
#include <torch/torch.h>

#include "jaams/models/torch_compat.hpp"

namespace jaams::models {
namespace {

TEST(TorchCompat, AutocastGuardRunsMatrixProductsInBf16AndRestoresFloat32) {
  const auto a = torch::randn({8, 16});
  const auto b = torch::randn({16, 4});
  {
    AutocastGuard bf16(torch::kCPU, torch::kBFloat16);
    EXPECT_EQ(torch::mm(a, b).scalar_type(), torch::kBFloat16);
    {
      AutocastGuard nested(torch::kCPU, torch::kBFloat16);
      EXPECT_EQ(torch::mm(a, b).scalar_type(), torch::kBFloat16);
    }
    EXPECT_EQ(torch::mm(a, b).scalar_type(), torch::kBFloat16) << "an inner guard must not end the outer one";
  }
  EXPECT_EQ(torch::mm(a, b).scalar_type(), torch::kFloat);
}

}  // namespace
}  // namespace jaams::models
