#pragma once
// compact_cnn: the music-pretrained convnet of K. Choi, G. Fazekas, M. Sandler, K. Cho, "Transfer
// learning for music classification and regression tasks" (ISMIR 2017), trained on the 50 most
// frequent Last.fm tags of the Million Song Dataset; a frozen backbone (models/compact_cnn/README.md).
//   input:    [N, 1, 96, T] float mel spectrogram in dB, 0 at the clip's maximum, floored at -80
//             (12 kHz audio, 512-point frames at hop 256: T = 1360 for 29 s; see
//             pipeline/compact_cnn_input.hpp). Any T >= 1280 works: the time pools span 1280 frames.
//   5 blocks: Conv2d(3x3, 'same', 32 maps) -> batch norm (eps 1e-3, frozen statistics) -> ELU(1)
//             -> max-pool (2,4), (3,4), (2,5), (2,4), (4,4): 96x1360 -> 48x340 -> 16x85 -> 8x17
//             -> 4x4 -> 1x1.
//   features: the global average of each block's pooled output, block 1 first: [N, 160].
//   tags:     Linear(32 -> 50) + sigmoid on the last block's output (its average over time when T
//             leaves more than one column): [N, 50], in the order of tag_names().
// Batch norm: the network was trained with old Keras "mode 2" batch norm, which always normalises
// with the statistics of the current batch; the stored running statistics are unused initial
// values and are not imported. Here the statistics are fitted once over a reference set
// (fit_batchnorm_statistics) or given (set_batchnorm_statistics) and then frozen, so every clip is
// scored alone and deterministically, whatever the module's train/eval mode. They are buffers
// (bnK.running_mean, bnK.running_var; bnK.num_batches_tracked is 1 once they are set), so a model
// package carries them; features() and tags() refuse to run before they are set.
// Parameter names: conv1..conv5 (weight, bias), bn1..bn5 (weight = gamma, bias = beta), tags.
#include <torch/nn/module.h>

#include <functional>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <array>
#include <filesystem>
#include <string>
#include <vector>

namespace jaams::models {

class CompactCnnImpl : public torch::nn::Module {
 public:
  static constexpr int kBlocks = 5;
  static constexpr int64_t kMaps = 32;
  static constexpr int64_t kMels = 96;
  static constexpr int64_t kFrames = 1360;     // 29 s at 12 kHz, hop 256
  static constexpr int64_t kMinFrames = 1280;  // the shortest input the pools leave a column of
  static constexpr int64_t kFeatures = kBlocks * kMaps;
  static constexpr int64_t kTags = 50;
  static constexpr double kBatchNormEpsilon = 1e-3;  // old Keras' default

  // Untrained (random) weights and no batch-norm statistics; load_weights() gives the real ones.
  CompactCnnImpl();

  // Copies the tensors and tag names of a scripts/import_compact_cnn.py file (the shipped one is
  // models/compact_cnn/compact_cnn.pt) and clears the batch-norm statistics, which belong to the
  // old weights. Throws jaams::Error naming the file (and the tensor) when it is missing, foreign
  // or mismatched.
  void load_weights(const std::filesystem::path& file);

  // Freezes the given statistics: mean and biased variance of each block's convolution output,
  // [5, 32] each (row k for block k+1); var >= 0.
  void set_batchnorm_statistics(const torch::Tensor& mean, const torch::Tensor& var);
  // Fits them over `melgrams` ([N, 1, 96, T] on the CPU, N >= 1), block by block: block k's
  // statistics are the per-channel mean and biased variance over (N, H, W) of its convolution
  // output, its input being the output of blocks 1..k-1 with their statistics already frozen.
  // Works in batches of `batch_size` (accumulated in double: the result does not depend on it
  // beyond rounding); caches only the small outputs of blocks 2 and later.
  void fit_batchnorm_statistics(const torch::Tensor& melgrams, int batch_size);
  // The same over `n` melgrams read batch by batch; without `cache_outputs` nothing per input is
  // kept and every pass recomputes the earlier blocks (for sets larger than memory).
  void fit_batchnorm_statistics(std::int64_t n, const std::function<torch::Tensor(std::int64_t, std::int64_t)>& melgrams,
                                int batch_size, bool cache_outputs);
  bool has_batchnorm_statistics() const;
  // The frozen statistics as [5, 32] float tensors (on the CPU).
  torch::Tensor batchnorm_mean() const;
  torch::Tensor batchnorm_var() const;

  // [N, 160] pooled block outputs, and [N, 50] tag probabilities, without autograd; each row
  // depends on its own input only. Inputs may be on any device (moved to the module's).
  torch::Tensor features(const torch::Tensor& melgrams);
  torch::Tensor tags(const torch::Tensor& melgrams);

  // The 50 tag names, in output order ("rock", "pop", "alternative", ...): the built-in list
  // until load_weights() reads the file's.
  const std::vector<std::string>& tag_names() const { return tag_names_; }

 private:
  // Block k with frozen statistics (folded into the convolution): [N, 32, H', W'].
  torch::Tensor block(int k, const torch::Tensor& x) const;
  // The pooled outputs' averages [N, 160] of a checked input.
  torch::Tensor pooled_averages(const torch::Tensor& melgrams);

  std::array<torch::nn::Conv2d, kBlocks> conv_{nullptr, nullptr, nullptr, nullptr, nullptr};
  std::array<torch::nn::BatchNorm2d, kBlocks> bn_{nullptr, nullptr, nullptr, nullptr, nullptr};
  torch::nn::Linear tags_{nullptr};
  std::vector<std::string> tag_names_;
};
TORCH_MODULE(CompactCnn);

}  // namespace jaams::models
