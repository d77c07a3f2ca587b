#include "jaams/train/process_group.hpp"

#include <torch/torch.h>

#include <cstdlib>
#include <limits>

#include "jaams/util/error.hpp"

#if defined(USE_C10D_GLOO)
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#if defined(USE_C10D_NCCL)
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif
#if defined(USE_C10D_GLOO) || defined(USE_C10D_NCCL)
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

namespace jaams::train {

namespace {

const char* variable(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : nullptr;
}

int integer_variable(const char* name, long low, long high) {
  const char* text = variable(name);
  if (text == nullptr) throw Error("distributed training: environment variable " + std::string(name) + " is not set");
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || value < low || value > high) {
    throw Error("distributed training: " + std::string(name) + "='" + text + "' must be an integer in [" + std::to_string(low) +
                ", " + std::to_string(high) + "]");
  }
  return static_cast<int>(value);
}

}  // namespace

DistributedEnv distributed_env_from_environment() {
  DistributedEnv env;
  const bool torchrun = variable("WORLD_SIZE") != nullptr || variable("RANK") != nullptr;
  const bool slurm = !torchrun && variable("SLURM_NTASKS") != nullptr && variable("SLURM_PROCID") != nullptr;
  if (!torchrun && !slurm) return env;
  constexpr long kMaxRanks = 1 << 20;
  if (torchrun) {
    env.launcher = "torchrun";
    env.world_size = integer_variable("WORLD_SIZE", 1, kMaxRanks);
    env.rank = integer_variable("RANK", 0, env.world_size - 1);
    env.local_rank = variable("LOCAL_RANK") ? integer_variable("LOCAL_RANK", 0, kMaxRanks) : 0;
  } else {
    env.launcher = "slurm";
    env.world_size = integer_variable("SLURM_NTASKS", 1, kMaxRanks);
    env.rank = integer_variable("SLURM_PROCID", 0, env.world_size - 1);
    env.local_rank = variable("SLURM_LOCALID") ? integer_variable("SLURM_LOCALID", 0, kMaxRanks) : 0;
  }
  if (!env.active()) return env;
  const char* addr = variable("MASTER_ADDR");
  if (addr == nullptr) {
    throw Error("distributed training: MASTER_ADDR is not set (the host of rank 0; torchrun sets it, under srun export it "
                "in the batch script)");
  }
  env.master_addr = addr;
  env.master_port = integer_variable("MASTER_PORT", 1, 65535);
  const char* agent = variable("TORCHELASTIC_USE_AGENT_STORE");
  env.agent_store = agent != nullptr && std::string(agent) == "True";
  if (env.agent_store && variable("TORCHELASTIC_RESTART_COUNT")) {
    env.restart_count = integer_variable("TORCHELASTIC_RESTART_COUNT", 0, std::numeric_limits<int>::max());
  }
  return env;
}

std::vector<std::int64_t> rank_share(const std::vector<std::int64_t>& order, int batch_size, int rank, int world_size) {
  const auto n = static_cast<std::int64_t>(order.size());
  const std::int64_t local = batch_size / world_size;
  std::vector<std::int64_t> share;
  share.reserve(static_cast<std::size_t>(n / world_size + local));
  for (std::int64_t start = 0; start < n; start += batch_size) {
    const std::int64_t begin = std::min(n, start + rank * local);
    const std::int64_t end = std::min(n, begin + local);
    share.insert(share.end(), order.begin() + begin, order.begin() + end);
  }
  return share;
}

std::pair<std::int64_t, std::int64_t> rank_slice(std::int64_t n, int rank, int world_size) {
  return {n * rank / world_size, n * (rank + 1) / world_size};
}

#if defined(USE_C10D_GLOO) || defined(USE_C10D_NCCL)

struct ProcessGroup::Impl {
  c10::intrusive_ptr<c10d::Store> store;
#if defined(USE_C10D_GLOO)
  c10::intrusive_ptr<c10d::ProcessGroupGloo> gloo;
#endif
#if defined(USE_C10D_NCCL)
  c10::intrusive_ptr<c10d::ProcessGroupNCCL> nccl;
#endif
  torch::Device device{torch::kCPU};  // where the backend wants its tensors
  int rank = 0;
  int size = 1;

  // Runs one collective and waits for it; a failure (timeout, a peer gone) becomes a
  // RuntimeFailure that says which rank saw it.
  template <class Start>
  void run(const char* what, Start start) {
    try {
#if defined(USE_C10D_GLOO)
      if (gloo) {
        start(*gloo)->wait();
        return;
      }
#endif
#if defined(USE_C10D_NCCL)
      if (nccl) {
        start(*nccl)->wait();
        return;
      }
#endif
    } catch (const std::exception& e) {
      throw RuntimeFailure("distributed training: rank " + std::to_string(rank) + " of " + std::to_string(size) + ": " + what +
                           " failed, another rank has probably stopped (see its log): " + first_line(e.what()));
    }
  }

  static std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }
};

ProcessGroup::ProcessGroup(std::unique_ptr<Impl> impl, int rank, int size, std::string backend)
    : impl_(std::move(impl)), rank_(rank), size_(size), backend_(std::move(backend)) {}

ProcessGroup::~ProcessGroup() = default;

std::unique_ptr<ProcessGroup> ProcessGroup::join(const DistributedEnv& env, const std::string& backend, const torch::Device& device,
                                                 std::chrono::seconds timeout) {
  const std::string chosen = backend == "auto" ? (device.is_cuda() ? "nccl" : "gloo") : backend;
#if !defined(USE_C10D_NCCL)
  if (chosen == "nccl") {
    throw Error("training.dist_backend: this jaams was built against a LibTorch without NCCL; use gloo (CPU tensors)");
  }
#endif
#if !defined(USE_C10D_GLOO)
  if (chosen == "gloo") throw Error("training.dist_backend: this jaams was built without Gloo (libgloo-dev); use nccl");
#endif
  if (chosen == "gloo" && device.is_cuda()) {
    throw Error("training.dist_backend: gloo reduces CPU tensors; with training.device " + device.str() + " use nccl or auto");
  }
  auto impl = std::make_unique<Impl>();
  impl->rank = env.rank;
  impl->size = env.world_size;
  impl->device = chosen == "nccl" ? device : torch::Device(torch::kCPU);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(timeout);
  try {
    c10d::TCPStoreOptions store_options;
    store_options.port = static_cast<std::uint16_t>(env.master_port);
    store_options.isServer = env.rank == 0 && !env.agent_store;
    store_options.numWorkers = static_cast<std::size_t>(env.world_size);
    store_options.timeout = ms;
    impl->store = c10::make_intrusive<c10d::TCPStore>(env.master_addr, store_options);
    // As PyTorch's own env:// rendezvous does, so that a restarted attempt does not read the keys
    // of the one before.
    if (env.agent_store) {
      impl->store = c10::make_intrusive<c10d::PrefixStore>("/worker/attempt_" + std::to_string(env.restart_count), impl->store);
    }
#if defined(USE_C10D_GLOO)
    if (chosen == "gloo") {
      auto options = c10d::ProcessGroupGloo::Options::create(ms);
      options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
      impl->gloo = c10::make_intrusive<c10d::ProcessGroupGloo>(impl->store, env.rank, env.world_size, options);
    }
#endif
#if defined(USE_C10D_NCCL)
    if (chosen == "nccl") {
      auto options = c10d::ProcessGroupNCCL::Options::create();
      options->timeout = ms;
      impl->nccl = c10::make_intrusive<c10d::ProcessGroupNCCL>(impl->store, env.rank, env.world_size, options);
    }
#endif
  } catch (const jaams::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw RuntimeFailure("distributed training: rank " + std::to_string(env.rank) + " of " + std::to_string(env.world_size) +
                         " could not join the group at " + env.master_addr + ":" + std::to_string(env.master_port) + " (" +
                         chosen + "): " + Impl::first_line(e.what()));
  }
  return std::unique_ptr<ProcessGroup>(new ProcessGroup(std::move(impl), env.rank, env.world_size, chosen));
}

void ProcessGroup::broadcast_from_rank0(const std::vector<torch::Tensor>& tensors) {
  for (const auto& t : tensors) {
    std::vector<torch::Tensor> one{t};
    impl_->run("broadcast", [&](auto& group) { return group.broadcast(one, c10d::BroadcastOptions{}); });
  }
}

void ProcessGroup::sum(const std::vector<torch::Tensor>& tensors, std::int64_t bucket_bytes) {
  // Buckets of consecutive tensors that share dtype and device, flattened into one buffer each.
  std::size_t i = 0;
  while (i < tensors.size()) {
    std::size_t j = i;
    std::int64_t bytes = 0;
    while (j < tensors.size() && tensors[j].scalar_type() == tensors[i].scalar_type() &&
           tensors[j].device() == tensors[i].device() && (j == i || bytes + tensors[j].nbytes() <= std::size_t(bucket_bytes))) {
      bytes += static_cast<std::int64_t>(tensors[j].nbytes());
      ++j;
    }
    std::vector<torch::Tensor> flat;
    for (std::size_t k = i; k < j; ++k) flat.push_back(tensors[k].reshape({-1}));
    std::vector<torch::Tensor> bucket{torch::cat(flat)};
    c10d::AllreduceOptions options;
    options.reduceOp = c10d::ReduceOp::SUM;
    impl_->run("all-reduce", [&](auto& group) { return group.allreduce(bucket, options); });
    std::int64_t offset = 0;
    for (std::size_t k = i; k < j; ++k) {
      const auto n = tensors[k].numel();
      tensors[k].copy_(bucket[0].narrow(0, offset, n).view_as(tensors[k]));
      offset += n;
    }
    i = j;
  }
}

std::vector<double> ProcessGroup::sum(std::vector<double> values) {
  if (values.empty()) return values;
  auto t = torch::tensor(values, torch::kFloat64).to(impl_->device);
  sum(std::vector<torch::Tensor>{t});
  t = t.cpu();
  for (std::size_t k = 0; k < values.size(); ++k) values[k] = t[static_cast<std::int64_t>(k)].item<double>();
  return values;
}

void ProcessGroup::barrier() {
  // A one-element all-reduce rather than c10d's barrier: Gloo's barrier has no timeout of its own.
  sum(std::vector<double>{0.0});
}

#else  // no c10d backend in this LibTorch

struct ProcessGroup::Impl {};
ProcessGroup::~ProcessGroup() = default;
std::unique_ptr<ProcessGroup> ProcessGroup::join(const DistributedEnv&, const std::string&, const torch::Device&, std::chrono::seconds) {
  throw Error("distributed training: this jaams was built without c10d (needs LibTorch's Gloo or NCCL); run one process");
}
void ProcessGroup::broadcast_from_rank0(const std::vector<torch::Tensor>&) {}
void ProcessGroup::sum(const std::vector<torch::Tensor>&, std::int64_t) {}
std::vector<double> ProcessGroup::sum(std::vector<double> values) { return values; }
void ProcessGroup::barrier() {}

#endif

}  // namespace jaams::train
