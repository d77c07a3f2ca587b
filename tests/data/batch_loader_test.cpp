#include <gtest/gtest.h>
#include <torch/torch.h>

#include <vector>

#include "jaams/data/batch_loader.hpp"

namespace jaams::data {
namespace {

// Every batch holds inputs[order[k]] and labels[order[k]] for its k, in order, and the batches
// together cover the order exactly once, whatever the memory layout of the inputs.
void expect_batches_follow_order(const torch::Tensor& inputs, int batch_size) {
  const std::int64_t n = inputs.size(0);
  const auto labels = torch::arange(n, torch::kInt64) * 10;
  const std::vector<std::int64_t> order = epoch_order(n, 7, 0);
  BatchLoader loader(inputs, labels, order, batch_size, /*prefetch=*/2);
  torch::Tensor x, y;
  std::size_t k = 0;
  std::size_t batches = 0;
  while (loader.next(x, y)) {
    ++batches;
    ASSERT_EQ(x.size(0), y.size(0));
    EXPECT_EQ(x.sizes().slice(1), inputs.sizes().slice(1));
    for (std::int64_t i = 0; i < x.size(0); ++i, ++k) {
      ASSERT_LT(k, order.size());
      EXPECT_TRUE(torch::equal(x[i], inputs[order[k]])) << "sample " << order[k];
      EXPECT_EQ(y[i].item<std::int64_t>(), order[k] * 10);
    }
  }
  EXPECT_EQ(k, order.size());
  EXPECT_EQ(batches, loader.batches());
}

TEST(BatchLoader, ContiguousImagesAreGatheredInOrder) {
  expect_batches_follow_order(torch::randint(0, 256, {11, 3, 5, 7}, torch::kUInt8), 4);
}

TEST(BatchLoader, ChannelsLastFeaturesKeepTheirValues) {
  // What alexcnn's frozen stage yields: channels-last feature maps.
  const auto features = torch::randn({9, 6, 4, 5}).contiguous(torch::MemoryFormat::ChannelsLast);
  ASSERT_FALSE(features.is_contiguous());
  expect_batches_follow_order(features, 4);
}

TEST(BatchLoader, StridedInputsAreGatheredToo) {
  // Every other sample of a larger tensor: samples are not one dense block apart.
  const auto every_other = torch::randn({14, 2, 3}).slice(0, 0, 14, 2);
  expect_batches_follow_order(every_other, 3);
  expect_batches_follow_order(torch::randn({6, 2, 3}).transpose(1, 2), 5);
}

TEST(BatchLoader, EmptyOrderGivesNoBatch) {
  BatchLoader loader(torch::zeros({3, 2}), torch::zeros({3}, torch::kInt64), {}, 2);
  torch::Tensor x, y;
  EXPECT_FALSE(loader.next(x, y));
  EXPECT_EQ(loader.batches(), 0u);
}

}  // namespace
}  // namespace jaams::data
