// Training-step speed of jaams' classifiers on a fixed synthetic set: images/s of full Adam
// steps (zero_grad, forward, cross_entropy, backward, step, plus the loss and accuracy read-back
// the trainer does), so it can be set beside the same models in PyTorch (scripts/bench_train.py,
// scripts/bench_train.sh).
//
//   bench_train_step --model ann|cnn|alexcnn|alexcnn-head|stats-head|transfer-head [--batch 32]
//                    [--steps 16] [--warmup 3] [--repeats 3] [--threads T] [--samples 256]
//                    [--loader] [--device cpu|cuda|cuda:N] [--amp bf16] [--default-malloc]
//
// ann, cnn: uint8 images [samples,3,288,432] through model->forward (uint8 -> float/255 inside).
// alexcnn-head: the trainable head of alexcnn on cached AlexNet features [samples,256,8,12], as
// the trainer runs it after computing the frozen stage once (random backbone: only speed counts).
// alexcnn: the whole model on images, frozen stage included, i.e. the cost the cache saves.
// stats-head, transfer-head: the feature heads of stats [128] and transfer [160] on cached
// embeddings (the trainer computes those once), standardised with the set's statistics.
//
// Without --loader, batches are contiguous slices of the set, which sits on the model's device
// (no copy): the model's speed alone. With --loader, the set stays in host memory and batches
// come from jaams' BatchLoader over a shuffled order, epoch after epoch, pinned and copied to a
// GPU exactly as the trainer feeds them; wait_share is the share of step time spent blocked on it.
// --amp bf16: forward and loss under LibTorch's autocast in bfloat16 (models/torch_compat.hpp);
// logit_rel_diff is ||bf16 - float32|| / ||float32|| of the logits of one batch, same weights.
// Every step reads its loss back (as the trainer does), which also synchronises a GPU.
//
// Like the jaams executable, the program first calls jaams::keep_freed_memory(); one switch
// measures what that is worth:
//   --default-malloc  skip keep_freed_memory(): glibc then serves every block over 32 MB
//                     (activations, the float images, Adam's temporaries) with a fresh mmap()
//                     whose pages are zeroed and faulted in again at every step.
//
// Prints one JSON line: images_per_s is the median over the repeats of steps*batch/wall time;
// images_per_cpu_s divides by the process's CPU time instead, which a busy machine disturbs less.
#include <torch/torch.h>

#include <nlohmann/json.hpp>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "jaams/data/batch_loader.hpp"
#include "jaams/models/device.hpp"
#include "jaams/models/registry.hpp"
#include "jaams/models/torch_compat.hpp"
#include "jaams/util/memory.hpp"

namespace {

using Clock = std::chrono::steady_clock;

// CPU seconds of the whole process (every thread): work done, whatever else the machine runs.
double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// Minor page faults so far: a step that reuses its memory has few, one that maps fresh pages for
// every large tensor has hundreds of thousands.
long minor_page_faults() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

struct Options {
  std::string model = "cnn";
  int batch = 32;
  int steps = 16;
  int warmup = 3;
  int repeats = 3;
  int threads = 0;  // 0: every core, as the trainer's default
  int samples = 256;
  bool loader = false;
  bool default_malloc = false;
  std::string device = "cpu";
  std::string amp;  // "" (float32) or "bf16"
  std::uint64_t seed = 42;
};

[[noreturn]] void usage(const char* argv0, const std::string& problem) {
  if (!problem.empty()) std::fprintf(stderr, "error: %s\n", problem.c_str());
  std::fprintf(stderr,
               "usage: %s --model ann|cnn|alexcnn|alexcnn-head|stats-head|transfer-head [--batch 32] [--steps 16] "
               "[--warmup 3] [--repeats 3] [--threads T] [--samples 256] [--loader] [--device cpu|cuda|cuda:N] "
               "[--amp bf16] [--default-malloc]\n",
               argv0);
  std::exit(problem.empty() ? 0 : 2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(argv[0], arg + " needs a value");
      return argv[++i];
    };
    auto positive = [&](int minimum) {
      const std::string v = value();
      char* end = nullptr;
      const long n = std::strtol(v.c_str(), &end, 10);
      if (*end != '\0' || n < minimum || n > 1'000'000) usage(argv[0], arg + " wants an integer >= " + std::to_string(minimum) + ", got " + v);
      return static_cast<int>(n);
    };
    if (arg == "--model") o.model = value();
    else if (arg == "--batch") o.batch = positive(1);
    else if (arg == "--steps") o.steps = positive(1);
    else if (arg == "--warmup") o.warmup = positive(0);
    else if (arg == "--repeats") o.repeats = positive(1);
    else if (arg == "--threads") o.threads = positive(0);
    else if (arg == "--samples") o.samples = positive(1);
    else if (arg == "--loader") o.loader = true;
    else if (arg == "--default-malloc") o.default_malloc = true;
    else if (arg == "--device") o.device = value();
    else if (arg == "--amp") o.amp = value();
    else if (arg == "-h" || arg == "--help") usage(argv[0], "");
    else usage(argv[0], "unknown argument " + arg);
  }
  if (o.model != "ann" && o.model != "cnn" && o.model != "alexcnn" && o.model != "alexcnn-head" &&
      o.model != "stats-head" && o.model != "transfer-head") {
    usage(argv[0], "--model must be ann, cnn, alexcnn, alexcnn-head, stats-head or transfer-head, got " + o.model);
  }
  if (!o.amp.empty() && o.amp != "bf16") usage(argv[0], "--amp must be bf16, got " + o.amp);
  return o;
}

// Feeds batches either as slices of the set or through BatchLoader, one epoch after another.
class BatchSource {
 public:
  BatchSource(torch::Tensor inputs, torch::Tensor labels, int batch, bool use_loader, torch::Device device,
              std::uint64_t seed)
      : inputs_(std::move(inputs)), labels_(std::move(labels)), batch_(batch), use_loader_(use_loader), device_(device),
        seed_(seed) {
    if (!use_loader_) {
      inputs_ = inputs_.to(device_);
      labels_ = labels_.to(device_);
    }
  }

  void next(torch::Tensor& x, torch::Tensor& y) {
    const std::int64_t n = inputs_.size(0);
    if (!use_loader_) {
      // Full batches only, so every step does the same work.
      if (offset_ + batch_ > n) offset_ = 0;
      x = inputs_.narrow(0, offset_, std::min<std::int64_t>(batch_, n));
      y = labels_.narrow(0, offset_, std::min<std::int64_t>(batch_, n));
      offset_ += batch_;
      return;
    }
    while (!loader_ || !loader_->next(x, y)) {
      if (loader_) wait_seconds_ += loader_->wait_seconds();
      // Same arguments as the trainer's loader (prefetch 4, pinned for a GPU).
      loader_ = std::make_unique<jaams::data::BatchLoader>(inputs_, labels_, jaams::data::epoch_order(n, seed_, ++epoch_),
                                                           batch_, 4, device_.is_cuda());
    }
    x = x.to(device_, /*non_blocking=*/true);
    y = y.to(device_, /*non_blocking=*/true);
  }

  // Seconds blocked in BatchLoader::next so far.
  double wait_seconds() const { return wait_seconds_ + (loader_ ? loader_->wait_seconds() : 0.0); }

 private:
  torch::Tensor inputs_, labels_;
  std::int64_t batch_;
  bool use_loader_;
  torch::Device device_;
  std::uint64_t seed_;
  std::int64_t offset_ = 0;
  int epoch_ = 0;
  double wait_seconds_ = 0.0;
  std::unique_ptr<jaams::data::BatchLoader> loader_;
};

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  if (!o.default_malloc) jaams::keep_freed_memory();
  try {
    const int threads = o.threads > 0 ? o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    torch::set_num_threads(threads);
    torch::manual_seed(static_cast<std::uint64_t>(o.seed));

    const torch::Device device = jaams::resolve_device(o.device);
    const bool head_only = o.model.size() > 5 && o.model.compare(o.model.size() - 5, 5, "-head") == 0;
    jaams::models::ModelSpec spec;
    spec.name = head_only ? o.model.substr(0, o.model.size() - 5) : o.model;
    spec.num_classes = 9;
    spec.height = 288;
    spec.width = 432;
    if (spec.name == "alexcnn") spec.params = {{"random_backbone", true}};
    if (spec.name == "stats" || spec.name == "transfer") {
      spec.input = "matrix";
      spec.parts = {spec.name == "stats" ? jaams::models::InputPart{"stats", 1, 128}
                                         : jaams::models::InputPart{"compact_mel", 96, 1360}};
      spec.height = spec.parts[0].rows;
      spec.width = spec.parts[0].cols;
    }
    // Heads on random embeddings: the transfer backbone's weights would never be used.
    auto model = jaams::models::make_model(
        spec, spec.name == "transfer" ? jaams::models::WeightInit::kLoadedLater : jaams::models::WeightInit::kFromSpec);
    model->to(device);
    model->train();

    // The synthetic set: what the trainer holds in memory (uint8 images, or cached features).
    torch::Tensor inputs;
    if (head_only) {
      auto shape = model->embedding_shape();
      shape.insert(shape.begin(), o.samples);
      inputs = torch::rand(shape);  // non-negative, like the ReLU'd features
      const auto on_device = inputs.to(device);
      model->fit_head_inputs(o.samples, [&](std::int64_t b, std::int64_t e) { return on_device.slice(0, b, e); });
    } else {
      inputs = torch::randint(0, 256, {o.samples, 3, spec.height, spec.width}, torch::kUInt8);
    }
    const auto labels = torch::randint(0, spec.num_classes, {o.samples}, torch::kInt64);

    torch::optim::Adam optimizer(model->trainable_parameters(), torch::optim::AdamOptions(1e-3));
    BatchSource source(inputs, labels, o.batch, o.loader, device, o.seed);
    const bool bf16 = o.amp == "bf16";
    auto logits_of = [&](const torch::Tensor& x) { return head_only ? model->head(x) : model->forward(x); };

    // bf16's effect on what the model computes: the same batch and weights, in eval mode (no dropout).
    double logit_rel_diff = 0.0;
    if (bf16) {
      torch::NoGradGuard no_grad;
      model->eval();
      const auto x = inputs.narrow(0, 0, std::min<std::int64_t>(o.batch, inputs.size(0))).to(device);
      const auto reference = logits_of(x).to(torch::kFloat);
      torch::Tensor low;
      {
        jaams::models::AutocastGuard autocast(device.type(), torch::kBFloat16);
        low = logits_of(x);
      }
      logit_rel_diff = ((low.to(torch::kFloat) - reference).norm() / reference.norm()).item<double>();
      model->train();
    }

    double loss_sum = 0.0;
    std::int64_t correct = 0, seen = 0;
    auto step = [&] {
      torch::Tensor x, y;
      source.next(x, y);
      optimizer.zero_grad();
      torch::Tensor logits, loss;
      {
        std::unique_ptr<jaams::models::AutocastGuard> autocast;
        if (bf16) autocast = std::make_unique<jaams::models::AutocastGuard>(device.type(), torch::kBFloat16);
        logits = logits_of(x);
        loss = torch::nn::functional::cross_entropy(logits, y);
      }
      loss.backward();
      optimizer.step();
      loss_sum += loss.item<double>();
      correct += logits.argmax(1).eq(y).sum().item<std::int64_t>();
      seen += y.size(0);
      return y.size(0);
    };

    for (int i = 0; i < o.warmup; ++i) step();
    std::vector<double> rates;
    double timed_seconds = 0.0;
    std::int64_t timed_images = 0;
    const double wait_before = source.wait_seconds();
    const double cpu_before = process_cpu_seconds();
    const long faults_before = minor_page_faults();
    for (int r = 0; r < o.repeats; ++r) {
      std::int64_t images = 0;
      const auto t0 = Clock::now();
      for (int i = 0; i < o.steps; ++i) images += step();
      const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
      timed_seconds += seconds;
      timed_images += images;
      rates.push_back(static_cast<double>(images) / seconds);
    }
    const double cpu_seconds = process_cpu_seconds() - cpu_before;
    const double faults_per_step = static_cast<double>(minor_page_faults() - faults_before) / (o.steps * o.repeats);
    const double wait = source.wait_seconds() - wait_before;
    std::vector<double> sorted = rates;
    std::sort(sorted.begin(), sorted.end());
    const double median = sorted.size() % 2 ? sorted[sorted.size() / 2]
                                            : 0.5 * (sorted[sorted.size() / 2 - 1] + sorted[sorted.size() / 2]);

    const nlohmann::json result = {{"impl", "jaams"},
                                   {"model", o.model},
                                   {"device", device.str()},
                                   {"amp", bf16 ? "bf16" : "none"},
                                   {"logit_rel_diff", logit_rel_diff},
                                   {"batch", o.batch},
                                   {"threads", threads},
                                   {"steps", o.steps},
                                   {"repeats", o.repeats},
                                   {"loader", o.loader},
                                   {"default_malloc", o.default_malloc},
                                   {"page_faults_per_step", faults_per_step},
                                   {"images_per_s", median},
                                   {"rates", rates},
                                   {"images_per_cpu_s", cpu_seconds > 0 ? timed_images / cpu_seconds : 0.0},
                                   {"wait_share", timed_seconds > 0 ? wait / timed_seconds : 0.0},
                                   {"mean_loss", loss_sum / (o.warmup + o.steps * o.repeats)},
                                   {"accuracy", seen ? static_cast<double>(correct) / seen : 0.0}};
    std::printf("%s\n", result.dump().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
