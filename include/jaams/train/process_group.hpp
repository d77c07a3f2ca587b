#pragma once
// Data-parallel training on PyTorch's distributed engine (c10d): one process per rank, started by
// `torchrun --no_python` or Slurm's `srun`, which say who is who in environment variables. The
// ranks meet at a TCPStore on MASTER_ADDR:MASTER_PORT (rank 0 serves it) and talk over Gloo
// (CPU tensors) or NCCL (CUDA tensors). jaams does no networking of its own.
//
// A collective that waits longer than training.dist_timeout, or whose peer has gone (a killed
// rank), throws jaams::RuntimeFailure naming the rank, instead of hanging.
#include <torch/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace jaams::train {

// Who this process is, from the launcher's variables.
struct DistributedEnv {
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;  // the rank's index on its machine: picks cuda:<local_rank>
  std::string master_addr;
  int master_port = 0;
  std::string launcher;  // "torchrun" (RANK, WORLD_SIZE, ...), "slurm" (SLURM_PROCID, ...), "" alone
  // torchrun's agent already serves the store on MASTER_PORT (TORCHELASTIC_USE_AGENT_STORE=True):
  // every rank joins it as a client, under the key prefix of this restart attempt.
  bool agent_store = false;
  int restart_count = 0;

  bool active() const { return world_size > 1; }
};

// Reads RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT (as torchrun sets them), or else
// SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID with MASTER_ADDR and MASTER_PORT set by the batch
// script. Without them: one process. Throws jaams::Error naming the variable that is malformed
// or missing (a rank out of range, WORLD_SIZE without MASTER_ADDR, ...).
DistributedEnv distributed_env_from_environment();

// The part of one epoch's shuffled `order` that `rank` trains on: every global batch of
// `batch_size` consecutive entries is cut into `world_size` chunks of batch_size / world_size
// (the last, short batch into what is left, so late ranks may get less or nothing). The ranks'
// parts are disjoint and together are `order`. Chunked by BatchLoader with the local batch size,
// a rank's part gives its chunk of each global batch in turn.
std::vector<std::int64_t> rank_share(const std::vector<std::int64_t>& order, int batch_size, int rank, int world_size);

// A rank's slice of `n` evaluation samples: [begin, end), contiguous, sizes differing by at most one.
std::pair<std::int64_t, std::int64_t> rank_slice(std::int64_t n, int rank, int world_size);

class ProcessGroup {
 public:
  // Joins the group described by `env`. backend: "auto" (nccl on a CUDA device, gloo otherwise),
  // "gloo" or "nccl". Throws jaams::Error for a backend this build lacks, jaams::RuntimeFailure
  // when the other ranks do not turn up within `timeout`.
  static std::unique_ptr<ProcessGroup> join(const DistributedEnv& env, const std::string& backend, const torch::Device& device,
                                            std::chrono::seconds timeout);
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  const std::string& backend() const { return backend_; }

  // Every tensor gets rank 0's values (in place).
  void broadcast_from_rank0(const std::vector<torch::Tensor>& tensors);
  // Every tensor becomes the sum over the ranks (in place). Tensors of one dtype and device are
  // packed into buckets of at most `bucket_bytes`, one all-reduce per bucket instead of one per
  // tensor.
  void sum(const std::vector<torch::Tensor>& tensors, std::int64_t bucket_bytes = 25 << 20);
  // Sum over the ranks of a few doubles (losses, counts).
  std::vector<double> sum(std::vector<double> values);
  void barrier();

 private:
  struct Impl;
  ProcessGroup(std::unique_ptr<Impl> impl, int rank, int size, std::string backend);

  std::unique_ptr<Impl> impl_;
  int rank_ = 0;
  int size_ = 1;
  std::string backend_;
};

}  // namespace jaams::train
