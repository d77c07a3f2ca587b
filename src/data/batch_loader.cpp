#include "jaams/data/batch_loader.hpp"

#include <torch/torch.h>

#include <chrono>
#include <numeric>
#include <random>

#include "jaams/util/random.hpp"

namespace jaams::data {

BatchLoader::BatchLoader(torch::Tensor inputs, torch::Tensor labels, std::vector<std::int64_t> order, int batch_size,
                         int prefetch, bool pin_memory)
    : BatchLoader(std::move(inputs), nullptr, std::move(labels), std::move(order), batch_size, prefetch, pin_memory) {}

BatchLoader::BatchLoader(std::shared_ptr<const SegmentStore> store, torch::Tensor labels, std::vector<std::int64_t> order,
                         int batch_size, int prefetch, bool pin_memory)
    : BatchLoader(torch::Tensor(), std::move(store), std::move(labels), std::move(order), batch_size, prefetch, pin_memory) {}

BatchLoader::BatchLoader(torch::Tensor inputs, std::shared_ptr<const SegmentStore> store, torch::Tensor labels,
                         std::vector<std::int64_t> order, int batch_size, int prefetch, bool pin_memory)
    : inputs_(std::move(inputs)),
      labels_(std::move(labels)),
      store_(std::move(store)),
      order_(std::move(order)),
      batch_size_(static_cast<std::size_t>(std::max(1, batch_size))),
      prefetch_(static_cast<std::size_t>(std::max(1, prefetch))),
      pin_memory_(pin_memory) {
  thread_ = std::thread([this] { produce(); });
}

BatchLoader::~BatchLoader() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BatchLoader::produce() {
  // Gathering is memory-bound; one intra-op thread keeps it off the cores the model uses.
  torch::NoGradGuard no_grad;
  try {
    // When every sample is one dense block of memory (NCHW images, channels-last features), a
    // batch is gathered as whole rows of an [N, block] view: ~6x faster than LibTorch's
    // element-wise 4-D index_select (BENCHMARKS.md, "Training speed"). Other inputs are gathered
    // as they are.
    const std::int64_t n = !store_ && inputs_.dim() > 1 ? inputs_.size(0) : 0;
    const std::int64_t block = n > 0 ? inputs_.numel() / n : 0;
    const bool by_rows = block > 0 && inputs_.stride(0) == block && inputs_.is_non_overlapping_and_dense();
    const torch::Tensor rows = by_rows ? inputs_.as_strided({n, block}, {block, 1}) : inputs_;
    for (std::size_t start = 0; start < order_.size(); start += batch_size_) {
      const std::size_t end = std::min(order_.size(), start + batch_size_);
      const auto count = static_cast<std::int64_t>(end - start);
      const auto index = torch::from_blob(order_.data() + start, {count}, torch::kInt64);
      auto x = store_ ? store_->gather(order_.data() + start, count) : rows.index_select(0, index);
      if (by_rows) {
        auto shape = inputs_.sizes().vec();
        shape[0] = count;
        x = x.as_strided(shape, inputs_.strides());  // the samples' own layout, batch-major
      }
      auto y = labels_.index_select(0, index);
      if (pin_memory_) {
        x = x.pin_memory();
        y = y.pin_memory();
      }
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [&] { return stop_ || queue_.size() < prefetch_; });
      if (stop_) return;
      queue_.emplace_back(std::move(x), std::move(y));
      cv_.notify_all();
    }
  } catch (...) {
    std::lock_guard<std::mutex> lock(mutex_);
    error_ = std::current_exception();
  }
  std::lock_guard<std::mutex> lock(mutex_);
  done_ = true;
  cv_.notify_all();
}

bool BatchLoader::next(torch::Tensor& inputs, torch::Tensor& labels) {
  const auto t0 = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> lock(mutex_);
  cv_.wait(lock, [&] { return !queue_.empty() || done_; });
  wait_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (queue_.empty()) {
    if (error_) std::rethrow_exception(error_);
    return false;
  }
  std::tie(inputs, labels) = std::move(queue_.front());
  queue_.pop_front();
  cv_.notify_all();
  return true;
}

std::vector<std::int64_t> epoch_order(std::int64_t n, std::uint64_t seed, int epoch) {
  std::vector<std::int64_t> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 engine(splitmix64(seed ^ splitmix64(static_cast<std::uint64_t>(epoch))));
  jaams::shuffle(order, engine);
  return order;
}

}  // namespace jaams::data
