#include "jaams/models/compact_cnn.hpp"

#include <torch/csrc/jit/frontend/tracer.h>
#include <torch/torch.h>

#include <algorithm>
#include <limits>
#include <sstream>
#include <utility>

#include "jaams/models/classifier.hpp"
#include "jaams/models/tensor_file.hpp"
#include "jaams/util/error.hpp"

namespace jaams::models {

namespace {

// Written by scripts/import_compact_cnn.py; change both together.
constexpr const char* kFormat = "jaams-compact-cnn-v1";

constexpr std::array<std::array<int64_t, 2>, CompactCnnImpl::kBlocks> kPools{
    {{2, 4}, {3, 4}, {2, 5}, {2, 4}, {4, 4}}};

// Inputs go through the network this many at a time, which bounds the memory of large batches
// (on the generic path block 1's full-resolution output is 16 MB per 29-s input).
constexpr int64_t kChunk = 8;

// The order of the network's 50 outputs (README of keunwoochoi/music-auto_tagging-keras).
const std::vector<std::string>& builtin_tag_names() {
  static const std::vector<std::string> names{
      "rock",     "pop",          "alternative",     "indie",     "electronic",   "female vocalists",
      "dance",    "00s",          "alternative rock", "jazz",     "beautiful",    "metal",
      "chillout", "male vocalists", "classic rock",  "soul",      "indie rock",   "Mellow",
      "electronica", "80s",       "folk",            "90s",       "chill",        "instrumental",
      "punk",     "oldies",       "blues",           "hard rock", "ambient",      "acoustic",
      "experimental", "female vocalist", "guitar",   "Hip-Hop",   "70s",          "party",
      "country",  "easy listening", "sexy",          "catchy",    "funk",         "electro",
      "heavy metal", "Progressive rock", "60s",      "rnb",       "indie pop",    "sad",
      "House",    "happy"};
  return names;
}

// Per-channel count, mean and sum of squared deviations, merged input by input in double (Chan,
// Golub, LeVeque), so the result does not depend on how the set is cut into batches.
class Moments {
 public:
  // y: [n, C, H, W] convolution outputs of n inputs.
  void add(const torch::Tensor& y) {
    const auto [var, mean] = torch::var_mean(y, at::IntArrayRef{2, 3}, /*unbiased=*/false, /*keepdim=*/false);
    const auto means = mean.to(torch::kCPU, torch::kDouble);
    const auto vars = var.to(torch::kCPU, torch::kDouble);
    const double n = static_cast<double>(y.size(2) * y.size(3));
    for (int64_t i = 0; i < y.size(0); ++i) merge(means[i], vars[i] * n, n);
  }
  // Per-input sums and sums of squares [n, C] (double) over `positions` values each.
  void add_sums(const torch::Tensor& sums, const torch::Tensor& squares, int64_t positions) {
    const double n = static_cast<double>(positions);
    for (int64_t i = 0; i < sums.size(0); ++i) merge(sums[i] / n, squares[i] - sums[i] * sums[i] / n, n);
  }
  torch::Tensor mean() const { return mean_; }
  torch::Tensor variance() const { return m2_ / count_; }

 private:
  // One input's per-channel mean and sum of squared deviations over n values.
  void merge(const torch::Tensor& mean, const torch::Tensor& m2, double n) {
    if (count_ == 0) {
      mean_ = mean.clone();
      m2_ = m2.clone();
    } else {
      const auto delta = mean - mean_;
      const double total = count_ + n;
      mean_ = mean_ + delta * (n / total);
      m2_ = m2_ + m2 + delta * delta * (count_ * n / total);
    }
    count_ += n;
  }

  double count_ = 0;
  torch::Tensor mean_, m2_;
};

// Throws unless `x` is a [N, 1, 96, T] float input whose T the pools leave a column of.
void check_melgrams(const torch::Tensor& x, const std::string& what) {
  const std::string expected = "compact_cnn " + what + ": expects mel spectrograms [N, 1, 96, T >= " +
                               std::to_string(CompactCnnImpl::kMinFrames) + "] (dB), got ";
  if (!x.defined()) throw Error(expected + "an empty tensor");
  if (x.dim() != 4 || x.size(1) != 1 || x.size(2) != CompactCnnImpl::kMels ||
      x.size(3) < CompactCnnImpl::kMinFrames || !x.is_floating_point()) {
    throw Error(expected + shape_string(x.sizes()) + " " + std::string(c10::toString(x.scalar_type())));
  }
}

std::string statistics_missing(const std::string& what) {
  return "compact_cnn " + what +
         ": batch-norm statistics are not set; fit them over a reference set (fit_batchnorm_statistics) or set "
         "them (set_batchnorm_statistics): the network's stored ones are unused initial values (Keras mode-2 "
         "batch norm)";
}

// Block 1's convolution (1 -> 32 maps, 3x3, zero padding 1) at output position (r, c) of the
// image `img` [h, w]: acc[k] for each map k. `taps` holds the kernel tap-major, [9][32], so the
// loop over maps is contiguous and vectorises.
inline void first_conv_at(const float* img, int64_t h, int64_t w, int64_t r, int64_t c, const float* taps,
                          const float* bias, float* acc) {
  constexpr int64_t m = CompactCnnImpl::kMaps;
  for (int64_t k = 0; k < m; ++k) acc[k] = bias[k];
  for (int64_t i = 0; i < 3; ++i) {
    const int64_t rr = r + i - 1;
    if (rr < 0 || rr >= h) continue;
    for (int64_t j = 0; j < 3; ++j) {
      const int64_t cc = c + j - 1;
      if (cc < 0 || cc >= w) continue;
      const float v = img[rr * w + cc];
      const float* t = taps + (i * 3 + j) * m;
      for (int64_t k = 0; k < m; ++k) acc[k] += v * t[k];
    }
  }
}

// The first block dominates the cost on the CPU: its full-resolution output (16 MB per 29-s
// input) costs more to write and pool than to compute, and LibTorch runs a 1-channel input in the
// slower NCHW layout. These two kernels never materialise it (measured on 2 threads: 6 ms per
// input against 43 ms for conv2d + max_pool2d; 6 ms against ~45 ms for conv2d + var_mean).

// conv(x) max-pooled 2x4: x [N, 1, H, W] float on the CPU -> [N, 32, H/2, W/4], channels-last.
torch::Tensor first_conv_pooled(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias) {
  constexpr int64_t m = CompactCnnImpl::kMaps;
  const auto in = x.contiguous();
  const int64_t n = in.size(0), h = in.size(2), w = in.size(3), ph = h / kPools[0][0], pw = w / kPools[0][1];
  auto out = torch::empty({n, ph, pw, m});
  const auto taps_t = weight.reshape({m, 9}).t().contiguous();
  const auto bias_t = bias.contiguous();
  const float* src = in.data_ptr<float>();
  const float* taps = taps_t.data_ptr<float>();
  const float* b = bias_t.data_ptr<float>();
  float* dst = out.data_ptr<float>();
  at::parallel_for(0, n * ph, 1, [&](int64_t begin, int64_t end) {
    float acc[m], best[m];
    for (int64_t job = begin; job < end; ++job) {
      const int64_t sample = job / ph, pr = job % ph;
      const float* img = src + sample * h * w;
      float* row = dst + job * pw * m;
      for (int64_t pc = 0; pc < pw; ++pc) {
        std::fill(best, best + m, -std::numeric_limits<float>::infinity());
        for (int64_t dr = 0; dr < kPools[0][0]; ++dr) {
          for (int64_t dc = 0; dc < kPools[0][1]; ++dc) {
            first_conv_at(img, h, w, kPools[0][0] * pr + dr, kPools[0][1] * pc + dc, taps, b, acc);
            for (int64_t k = 0; k < m; ++k) best[k] = std::max(best[k], acc[k]);
          }
        }
        std::copy(best, best + m, row + pc * m);
      }
    }
  });
  return out.permute({0, 3, 1, 2});
}

// first_conv_pooled in tensor operations, for tracing (TorchScript export): the tracer records
// tensor operations only, and the kernel above writes through pointers. The same arithmetic in
// the same order (the bias, then each tap's product added, row by row; a tap outside the image
// adds 0), so the exported model gives the kernel's numbers exactly.
torch::Tensor first_conv_pooled_traceable(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias) {
  constexpr int64_t m = CompactCnnImpl::kMaps;
  const int64_t h = x.size(2), w = x.size(3);
  const auto padded = torch::constant_pad_nd(x.contiguous(), {1, 1, 1, 1});
  const auto taps = weight.reshape({m, 9});
  auto acc = bias.view({1, m, 1, 1}).expand({x.size(0), m, h, w});
  for (int64_t i = 0; i < 3; ++i) {
    for (int64_t j = 0; j < 3; ++j) {
      acc = acc + padded.narrow(2, i, h).narrow(3, j, w) * taps.select(1, i * 3 + j).view({1, m, 1, 1});
    }
  }
  // Channels-last, as the kernel's output: the next convolution then runs the same algorithm.
  return torch::max_pool2d(acc, kPools[0], kPools[0]).contiguous(torch::MemoryFormat::ChannelsLast);
}

// Per input and map, the sum and the sum of squares (double) of conv(x) over all H x W positions:
// [N, 32] each.
std::pair<torch::Tensor, torch::Tensor> first_conv_sums(const torch::Tensor& x, const torch::Tensor& weight,
                                                         const torch::Tensor& bias) {
  constexpr int64_t m = CompactCnnImpl::kMaps;
  const auto in = x.contiguous();
  const int64_t n = in.size(0), h = in.size(2), w = in.size(3);
  auto sums = torch::zeros({n, h, m}, torch::kDouble);
  auto squares = torch::zeros({n, h, m}, torch::kDouble);
  const auto taps_t = weight.reshape({m, 9}).t().contiguous();
  const auto bias_t = bias.contiguous();
  const float* src = in.data_ptr<float>();
  const float* taps = taps_t.data_ptr<float>();
  const float* b = bias_t.data_ptr<float>();
  double* s = sums.data_ptr<double>();
  double* q = squares.data_ptr<double>();
  at::parallel_for(0, n * h, 1, [&](int64_t begin, int64_t end) {
    float acc[m];
    for (int64_t job = begin; job < end; ++job) {
      const float* img = src + (job / h) * h * w;
      double* sj = s + job * m;
      double* qj = q + job * m;
      for (int64_t c = 0; c < w; ++c) {
        first_conv_at(img, h, w, job % h, c, taps, b, acc);
        for (int64_t k = 0; k < m; ++k) {
          const double v = acc[k];
          sj[k] += v;
          qj[k] += v * v;
        }
      }
    }
  });
  return {sums.sum(1), squares.sum(1)};
}

// Whether the first block can run on the CPU kernels above.
bool cpu_float(const torch::Tensor& x, const torch::Tensor& weight) {
  return x.device().is_cpu() && weight.device().is_cpu() && x.scalar_type() == torch::kFloat &&
         weight.scalar_type() == torch::kFloat;
}

}  // namespace

CompactCnnImpl::CompactCnnImpl() : tag_names_(builtin_tag_names()) {
  for (int k = 0; k < kBlocks; ++k) {
    const std::string n = std::to_string(k + 1);
    conv_[k] = register_module(
        "conv" + n, torch::nn::Conv2d(torch::nn::Conv2dOptions(k == 0 ? 1 : kMaps, kMaps, 3).padding(1)));
    bn_[k] = register_module("bn" + n, torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(kMaps).eps(kBatchNormEpsilon)));
  }
  tags_ = register_module("tags", torch::nn::Linear(kMaps, kTags));
  // A frozen backbone: nothing here is trained.
  for (auto& p : parameters()) p.set_requires_grad(false);
}

void CompactCnnImpl::load_weights(const std::filesystem::path& file) {
  const TensorFileKind kind{kFormat, "scripts/import_compact_cnn.py",
                            "the Keras HDF5 weights must be converted first (see models/compact_cnn/README.md)"};
  const std::string what = "compact_cnn weights '" + file.string() + "'";
  const auto tensors = TensorFile::read(file, kind, what);

  const auto params = named_parameters(/*recurse=*/true);
  for (const auto& item : tensors.tensors()) {
    if (!params.contains(item.first)) throw Error(what + ": tensor " + item.first + " does not belong to compact_cnn");
  }
  std::vector<std::string> names;
  std::istringstream lines(tensors.string("tag_names"));
  for (std::string line; std::getline(lines, line);) names.push_back(line);
  if (names.size() != static_cast<size_t>(kTags) ||
      std::any_of(names.begin(), names.end(), [](const std::string& s) { return s.empty(); })) {
    throw Error(what + ": tag_names holds " + std::to_string(names.size()) + " lines, expected " +
                std::to_string(kTags) + " non-empty tag names");
  }

  // Every tensor is checked before any is copied: a refused file leaves the model as it was.
  std::vector<std::pair<torch::Tensor, torch::Tensor>> copies;
  for (const auto& item : params) copies.emplace_back(item.value(), tensors.tensor(item.key(), item.value().sizes()));
  torch::NoGradGuard no_grad;
  for (auto& [target, value] : copies) target.copy_(value);
  tag_names_ = std::move(names);
  // Statistics fitted with other weights are meaningless for these.
  for (auto& bn : bn_) {
    bn->running_mean.zero_();
    bn->running_var.fill_(1);
    bn->num_batches_tracked.zero_();
  }
}

void CompactCnnImpl::set_batchnorm_statistics(const torch::Tensor& mean, const torch::Tensor& var) {
  const std::vector<int64_t> shape{kBlocks, kMaps};
  for (const auto* t : {&mean, &var}) {
    if (!t->defined() || t->sizes() != at::IntArrayRef(shape) || !t->is_floating_point()) {
      throw Error("compact_cnn batch-norm statistics: expected mean and var of shape [5, 32], got " +
                  (t->defined() ? shape_string(t->sizes()) : std::string("an empty tensor")));
    }
  }
  if (!torch::isfinite(mean).all().item<bool>() || !torch::isfinite(var).all().item<bool>() ||
      (var < 0).any().item<bool>()) {
    throw Error("compact_cnn batch-norm statistics: mean and var must be finite, var >= 0");
  }
  torch::NoGradGuard no_grad;
  for (int k = 0; k < kBlocks; ++k) {
    bn_[k]->running_mean.copy_(mean[k]);
    bn_[k]->running_var.copy_(var[k]);
    bn_[k]->num_batches_tracked.fill_(1);
  }
}

bool CompactCnnImpl::has_batchnorm_statistics() const {
  return std::all_of(bn_.begin(), bn_.end(), [](const auto& bn) { return bn->num_batches_tracked.template item<int64_t>() > 0; });
}

torch::Tensor CompactCnnImpl::batchnorm_mean() const {
  std::vector<torch::Tensor> rows;
  for (const auto& bn : bn_) rows.push_back(bn->running_mean.detach().to(torch::kCPU));
  return torch::stack(rows);
}

torch::Tensor CompactCnnImpl::batchnorm_var() const {
  std::vector<torch::Tensor> rows;
  for (const auto& bn : bn_) rows.push_back(bn->running_var.detach().to(torch::kCPU));
  return torch::stack(rows);
}

torch::Tensor CompactCnnImpl::block(int k, const torch::Tensor& x) const {
  // Frozen batch norm is an affine map per channel, folded into the convolution: one pass fewer.
  const auto& bn = bn_[k];
  const auto scale = bn->weight * torch::rsqrt(bn->running_var + kBatchNormEpsilon);
  const auto weight = (conv_[k]->weight * scale.view({-1, 1, 1, 1})).contiguous(torch::MemoryFormat::ChannelsLast);
  const auto bias = (conv_[k]->bias - bn->running_mean) * scale + bn->bias;
  // ELU is increasing, so it commutes with max-pooling: applying it after the pool touches 8-16x fewer values.
  if (k == 0 && cpu_float(x, weight)) {
    if (torch::jit::tracer::isTracing()) return torch::elu(first_conv_pooled_traceable(x, weight, bias));
    return torch::elu(first_conv_pooled(x, weight, bias));
  }
  const auto y = torch::conv2d(x, weight, bias, /*stride=*/1, /*padding=*/1);
  return torch::elu(torch::max_pool2d(y, kPools[k], kPools[k]));
}

torch::Tensor CompactCnnImpl::pooled_averages(const torch::Tensor& melgrams) {
  const auto device = conv_[0]->weight.device();
  const int64_t n = melgrams.size(0);
  std::vector<torch::Tensor> rows;
  for (int64_t start = 0; start < n; start += kChunk) {
    // Channels-last: faster convolutions with oneDNN (as in the cnn model).
    auto x = melgrams.narrow(0, start, std::min(kChunk, n - start))
                 .to(device, conv_[0]->weight.scalar_type())
                 .contiguous(torch::MemoryFormat::ChannelsLast);
    std::vector<torch::Tensor> averages;
    for (int k = 0; k < kBlocks; ++k) {
      x = block(k, x);
      averages.push_back(x.mean({2, 3}));
    }
    rows.push_back(torch::cat(averages, 1));
  }
  if (rows.empty()) return torch::empty({0, kFeatures}, conv_[0]->weight.options());
  return torch::cat(rows, 0);
}

torch::Tensor CompactCnnImpl::features(const torch::Tensor& melgrams) {
  check_melgrams(melgrams, "features");
  if (!has_batchnorm_statistics()) throw Error(statistics_missing("features"));
  torch::NoGradGuard no_grad;
  return pooled_averages(melgrams);
}

torch::Tensor CompactCnnImpl::tags(const torch::Tensor& melgrams) {
  check_melgrams(melgrams, "tags");
  if (!has_batchnorm_statistics()) throw Error(statistics_missing("tags"));
  torch::NoGradGuard no_grad;
  // The last block's average is its single 1x1 output for T < 2560, which the tag layer was trained on.
  const auto last = pooled_averages(melgrams).narrow(1, kFeatures - kMaps, kMaps);
  return torch::sigmoid(tags_->forward(last));
}

void CompactCnnImpl::fit_batchnorm_statistics(const torch::Tensor& melgrams, int batch_size) {
  check_melgrams(melgrams, "fit_batchnorm_statistics");
  fit_batchnorm_statistics(
      melgrams.size(0), [&](int64_t begin, int64_t end) { return melgrams.slice(0, begin, end); }, batch_size,
      /*cache_outputs=*/true);
}

void CompactCnnImpl::fit_batchnorm_statistics(int64_t n, const std::function<torch::Tensor(int64_t, int64_t)>& melgrams,
                                              int batch_size, bool cache_outputs) {
  if (n < 1) throw Error("compact_cnn fit_batchnorm_statistics: no inputs");
  if (batch_size < 1) throw Error("compact_cnn fit_batchnorm_statistics: batch_size must be >= 1");
  torch::NoGradGuard no_grad;
  const auto device = conv_[0]->weight.device();
  const auto dtype = conv_[0]->weight.scalar_type();
  for (auto& bn : bn_) bn->num_batches_tracked.zero_();  // until every block is fitted

  // `cache` (when defined) holds the input of block `cached` for all n inputs; else block 1's
  // input is read anew. Block 1's output is 4x the size of the melgrams, so it is recomputed (one
  // input map: cheap) rather than cached; from block 2 on the outputs are small (<= 174 kB per
  // input) and, with `cache_outputs`, cached on the CPU for the later passes.
  torch::Tensor cache;
  int cached = 0;
  for (int k = 0; k < kBlocks; ++k) {
    const bool keep = cache_outputs && k >= 2;
    torch::Tensor next_cache;
    Moments moments;
    for (int64_t start = 0; start < n; start += batch_size) {
      const int64_t count = std::min<int64_t>(batch_size, n - start);
      torch::Tensor input = cache.defined() ? cache.narrow(0, start, count) : melgrams(start, start + count);
      if (!cache.defined()) check_melgrams(input, "fit_batchnorm_statistics");
      auto x = input.to(device, dtype).contiguous(torch::MemoryFormat::ChannelsLast);
      for (int j = cached; j < k; ++j) x = block(j, x);
      if (keep) {
        if (!next_cache.defined()) next_cache = torch::empty({n, x.size(1), x.size(2), x.size(3)}, dtype);
        next_cache.narrow(0, start, count).copy_(x);
      }
      if (k == 0 && cpu_float(x, conv_[0]->weight)) {
        const auto [sums, squares] = first_conv_sums(x, conv_[0]->weight, conv_[0]->bias);
        moments.add_sums(sums, squares, x.size(2) * x.size(3));
      } else {
        moments.add(conv_[k]->forward(x));
      }
    }
    bn_[k]->running_mean.copy_(moments.mean());
    bn_[k]->running_var.copy_(moments.variance());
    if (keep) {
      cache = next_cache;
      cached = k;
    }
  }
  for (auto& bn : bn_) bn->num_batches_tracked.fill_(1);
}

}  // namespace jaams::models
