#include "jaams/models/compact_cnn.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <sstream>

#include "jaams/models/classifier.hpp"
#include "jaams/models/tensor_file.hpp"
#include "jaams/util/error.hpp"

namespace jaams::models {

namespace {

// Written by scripts/import_compact_cnn.py; change both together.
constexpr const char* kFormat = "jaams-compact-cnn-v1";

constexpr std::array<std::array<int64_t, 2>, CompactCnnImpl::kBlocks> kPools{
    {{2, 4}, {3, 4}, {2, 5}, {2, 4}, {4, 4}}};

// Inputs go through the network this many at a time: block 1's output is 4 MB per 29-s input.
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
    for (int64_t i = 0; i < y.size(0); ++i) {
      const auto m2 = vars[i] * n;
      if (count_ == 0) {
        mean_ = means[i].clone();
        m2_ = m2;
      } else {
        const auto delta = means[i] - mean_;
        const double total = count_ + n;
        mean_ = mean_ + delta * (n / total);
        m2_ = m2_ + m2 + delta * delta * (count_ * n / total);
      }
      count_ += n;
    }
  }
  torch::Tensor mean() const { return mean_.to(torch::kFloat); }
  torch::Tensor variance() const { return (m2_ / count_).to(torch::kFloat); }

 private:
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
  const auto y = torch::conv2d(x, weight, bias, /*stride=*/1, /*padding=*/1);
  // ELU is increasing, so it commutes with max-pooling: applying it after the pool touches 8-16x fewer values.
  return torch::elu(torch::max_pool2d(y, kPools[k], kPools[k]));
}

torch::Tensor CompactCnnImpl::pooled_averages(const torch::Tensor& melgrams) {
  const auto device = conv_[0]->weight.device();
  const int64_t n = melgrams.size(0);
  std::vector<torch::Tensor> rows;
  for (int64_t start = 0; start < n; start += kChunk) {
    // Channels-last: faster convolutions with oneDNN (as in the cnn model).
    auto x = melgrams.narrow(0, start, std::min(kChunk, n - start))
                 .to(device, torch::kFloat)
                 .contiguous(torch::MemoryFormat::ChannelsLast);
    std::vector<torch::Tensor> averages;
    for (int k = 0; k < kBlocks; ++k) {
      x = block(k, x);
      averages.push_back(x.mean({2, 3}));
    }
    rows.push_back(torch::cat(averages, 1));
  }
  if (rows.empty()) return torch::empty({0, kFeatures}, torch::TensorOptions().device(device));
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
  if (melgrams.size(0) < 1) throw Error("compact_cnn fit_batchnorm_statistics: no inputs");
  if (batch_size < 1) throw Error("compact_cnn fit_batchnorm_statistics: batch_size must be >= 1");
  torch::NoGradGuard no_grad;
  const auto device = conv_[0]->weight.device();
  const int64_t n = melgrams.size(0);
  for (auto& bn : bn_) bn->num_batches_tracked.zero_();  // until every block is fitted

  // `cache` holds the input of block `cached` for all n inputs. Block 1's output is 4x the size
  // of the melgrams, so it is recomputed (one input map: cheap) rather than cached; from block 2
  // on the outputs are small (<= 174 kB per input) and cached on the CPU for the later passes.
  torch::Tensor cache = melgrams;
  int cached = 0;
  for (int k = 0; k < kBlocks; ++k) {
    const bool keep = k >= 2;
    torch::Tensor next_cache;
    Moments moments;
    for (int64_t start = 0; start < n; start += batch_size) {
      const int64_t count = std::min<int64_t>(batch_size, n - start);
      auto x = cache.narrow(0, start, count).to(device, torch::kFloat).contiguous(torch::MemoryFormat::ChannelsLast);
      for (int j = cached; j < k; ++j) x = block(j, x);
      if (keep) {
        if (!next_cache.defined()) next_cache = torch::empty({n, x.size(1), x.size(2), x.size(3)});
        next_cache.narrow(0, start, count).copy_(x);
      }
      moments.add(conv_[k]->forward(x));
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
