#pragma once
// Mini-batches assembled on a background thread, so the model never waits for data: while the
// model works on batch k, batch k+1..k+prefetch are gathered (index_select into contiguous
// memory, pinned when the model is on a GPU).
#include <torch/types.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "jaams/data/segment_store.hpp"

namespace jaams::data {

// Where the trainer takes its batches from: BatchLoader (fixed inputs) or
// train::AugmentedBatchLoader (inputs made anew each epoch).
class BatchSource {
 public:
  virtual ~BatchSource() = default;
  // The next batch; false when the epoch is done. Rethrows an error of the loader's threads.
  virtual bool next(torch::Tensor& inputs, torch::Tensor& labels) = 0;
  // Seconds next() spent blocked waiting for a batch (the data-loading share of step time).
  virtual double wait_seconds() const = 0;
  virtual std::size_t batches() const = 0;
};

class BatchLoader : public BatchSource {
 public:
  // `inputs` [N, ...] and `labels` [N]; batches follow `order` (indices into N), the last one
  // may be short.
  BatchLoader(torch::Tensor inputs, torch::Tensor labels, std::vector<std::int64_t> order, int batch_size,
              int prefetch = 4, bool pin_memory = false);
  // The same over inputs left on disk: each batch is read from the preprocess cache as it is
  // assembled, so only the prefetched batches are in memory.
  BatchLoader(std::shared_ptr<const SegmentStore> store, torch::Tensor labels, std::vector<std::int64_t> order, int batch_size,
              int prefetch = 4, bool pin_memory = false);
  ~BatchLoader() override;
  BatchLoader(const BatchLoader&) = delete;
  BatchLoader& operator=(const BatchLoader&) = delete;

  bool next(torch::Tensor& inputs, torch::Tensor& labels) override;
  double wait_seconds() const override { return wait_seconds_; }
  std::size_t batches() const override { return (order_.size() + batch_size_ - 1) / batch_size_; }

 private:
  // Exactly one of `inputs` and `store` holds the samples.
  BatchLoader(torch::Tensor inputs, std::shared_ptr<const SegmentStore> store, torch::Tensor labels,
              std::vector<std::int64_t> order, int batch_size, int prefetch, bool pin_memory);
  void produce();

  torch::Tensor inputs_, labels_;
  std::shared_ptr<const SegmentStore> store_;
  std::vector<std::int64_t> order_;
  std::size_t batch_size_;
  std::size_t prefetch_;
  bool pin_memory_;
  std::deque<std::pair<torch::Tensor, torch::Tensor>> queue_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool done_ = false;
  bool stop_ = false;
  std::exception_ptr error_;
  double wait_seconds_ = 0.0;
  std::thread thread_;
};

// A permutation of 0..n-1 that depends only on (seed, epoch): a resumed run shuffles exactly as
// an uninterrupted one. Portable (own Fisher-Yates over a 64-bit generator).
std::vector<std::int64_t> epoch_order(std::int64_t n, std::uint64_t seed, int epoch);

}  // namespace jaams::data
