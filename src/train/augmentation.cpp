#include "jaams/train/augmentation.hpp"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include "jaams/audio/augment.hpp"
#include "jaams/audio/segmenter.hpp"
#include "jaams/data/preprocess.hpp"
#include "jaams/pipeline/audio_to_images.hpp"
#include "jaams/util/error.hpp"

namespace jaams::train {

void apply_spec_masks(torch::Tensor sample, const config::AugmentConfig& a, Rng& rng) {
  if (sample.dim() != 3) throw Error("augment: masks need a [channels, rows, columns] input");
  const auto rows = static_cast<int>(sample.size(1));
  const auto cols = static_cast<int>(sample.size(2));
  const double mean = sample.to(torch::kFloat64).mean().item<double>();
  const auto fill = sample.is_floating_point() ? mean : std::round(mean);
  auto mask = [&](int dim, int extent, int count, int max_width) {
    for (int m = 0; m < count; ++m) {
      const int width = rng.uniform_int(0, std::min(max_width, extent));
      const int first = rng.uniform_int(0, extent - width);
      if (width > 0) sample.narrow(dim, first, width).fill_(fill);
    }
  };
  mask(2, cols, a.time_masks, a.time_mask_width);
  mask(1, rows, a.freq_masks, a.freq_mask_width);
}

MixedBatch mix_batch(const torch::Tensor& inputs, const torch::Tensor& labels, double alpha, Rng& rng) {
  MixedBatch out;
  out.lambda = rng.beta(alpha, alpha);
  std::vector<std::int64_t> perm(static_cast<std::size_t>(inputs.size(0)));
  std::iota(perm.begin(), perm.end(), 0);
  for (std::size_t i = perm.size(); i > 1; --i) {
    std::swap(perm[i - 1], perm[static_cast<std::size_t>(rng.uniform_int(0, static_cast<int>(i) - 1))]);
  }
  const auto index = torch::tensor(perm, torch::kInt64).to(inputs.device());
  const auto x = inputs.scalar_type() == torch::kUInt8 ? inputs.to(torch::kFloat32).div_(255.0f) : inputs;
  out.inputs = x.mul(out.lambda).add_(x.index_select(0, index), 1.0 - out.lambda);
  out.other_labels = labels.index_select(0, index.to(labels.device()));
  return out;
}

std::uint64_t augment_seed(std::uint64_t seed, int epoch, std::int64_t sample) {
  return splitmix64(splitmix64(seed ^ 0xa5a5'0001ULL) ^ splitmix64(static_cast<std::uint64_t>(epoch) << 32 ^
                                                                    static_cast<std::uint64_t>(sample)));
}

AugmentedSamples::AugmentedSamples(const config::ExperimentConfig& config, const data::InputLayout& layout,
                                   const data::InputSet& train, const std::filesystem::path& dir,
                                   const std::vector<std::string>& classes)
    : config_(config), layout_(layout), inputs_(train.inputs), labels_(train.labels), shapes_(train.shapes) {
  const auto& a = config_.augment;
  if (a.masks() && layout_.form == data::InputForm::matrix && shapes_.size() != 1) {
    throw Error("augment: time and frequency masks need one input matrix, the model reads " +
                std::to_string(shapes_.size()) + " (" + data::kinds_label(layout_) + ")");
  }
  if (!a.changes_audio()) return;
  const auto t0 = std::chrono::steady_clock::now();
  const int rate = config_.pipeline.sample_rate;
  std::unordered_map<std::string, int> track_index;
  std::vector<std::vector<double>> starts;
  const auto labels = train.labels.accessor<std::int64_t, 1>();
  for (std::int64_t i = 0; i < train.size(); ++i) {
    const std::string& id = train.track_ids[static_cast<std::size_t>(i)];
    auto it = track_index.find(id);
    if (it == track_index.end()) {
      const auto source = data::read_track_source(dir, classes.at(static_cast<std::size_t>(labels[i])), id);
      try {
        audio_.push_back(audio::load_mono(source.audio, rate));
      } catch (const Error& e) {
        throw Error(std::string("augment: the audio of training track '") + id + "' is needed for waveform augmentation: " +
                    e.what());
      }
      starts.push_back(source.segment_starts);
      it = track_index.emplace(id, static_cast<int>(audio_.size()) - 1).first;
    }
    const auto& track_starts = starts[static_cast<std::size_t>(it->second)];
    const auto segment = static_cast<std::size_t>(train.segments[static_cast<std::size_t>(i)]);
    track_of_.push_back(it->second);
    start_of_.push_back(segment < track_starts.size() ? track_starts[segment] : 0.0);
  }
  std::size_t total = 0;
  for (const auto& t : audio_) total += t.size();
  spdlog::info("augment: {} training tracks decoded ({:.0f} s of audio, {:.0f} MB) in {:.1f} s", audio_.size(),
               double(total) / rate, total * sizeof(float) / 1e6,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
}

AugmentedSamples::~AugmentedSamples() = default;

std::unique_ptr<pipeline::AudioToImages> AugmentedSamples::make_converter() const {
  pipeline::SegmentOutputs outputs;
  outputs.images = layout_.form == data::InputForm::image;
  outputs.matrices = layout_.form == data::InputForm::matrix;
  return std::make_unique<pipeline::AudioToImages>(config_.pipeline, layout_.kinds, false, outputs);
}

AugmentedSamples::Cut AugmentedSamples::segment_audio(std::int64_t index, int epoch) const {
  if (audio_.empty()) throw Error("augment: no waveform augmentation configured");
  Rng rng(augment_seed(config_.training.seed, epoch, index));
  return augmented_audio(index, rng);
}

const std::vector<float>& AugmentedSamples::track_audio(std::int64_t index) const {
  return audio_.at(static_cast<std::size_t>(track_of_.at(static_cast<std::size_t>(index))));
}

AugmentedSamples::Cut AugmentedSamples::augmented_audio(std::int64_t index, Rng& rng) const {
  const auto& a = config_.augment;
  const int rate = config_.pipeline.sample_rate;
  const auto& track = audio_[static_cast<std::size_t>(track_of_[static_cast<std::size_t>(index)])];
  const auto length = static_cast<std::size_t>(std::llround(config_.pipeline.segments.seconds * rate));
  const double speed = a.pitch_semitones > 0 ? std::pow(2.0, rng.uniform(-a.pitch_semitones, a.pitch_semitones) / 12.0) : 1.0;
  const auto span = static_cast<std::ptrdiff_t>(std::llround(double(length) * speed));
  const auto last = std::max<std::ptrdiff_t>(0, static_cast<std::ptrdiff_t>(track.size()) - span);
  const std::ptrdiff_t fixed = std::llround(start_of_[static_cast<std::size_t>(index)] * rate);
  std::ptrdiff_t start = fixed;
  if (a.crop) {
    start = rng.uniform_int(0, static_cast<int>(last));
  } else if (a.shift_seconds > 0) {
    // A padded last segment may already reach past the end; a shift never moves it further out.
    start = std::clamp<std::ptrdiff_t>(fixed + std::llround(rng.uniform(-a.shift_seconds, a.shift_seconds) * rate), 0,
                                       std::max(last, fixed));
  }
  Cut cut{audio::read_segment(track, start, length, speed), start};
  auto& samples = cut.samples;
  if (a.gain_db > 0) audio::apply_gain(samples, rng.uniform(-a.gain_db, a.gain_db));
  if (a.noise > 0 && rng.chance(a.noise)) {
    const double snr = rng.uniform(a.noise_snr_min, a.noise_snr_max);
    const bool pink = a.noise_color == "pink" || (a.noise_color == "mixed" && rng.chance(0.5));
    audio::add_noise(samples, snr, pink ? audio::NoiseColor::pink : audio::NoiseColor::white, rng);
  }
  return cut;
}

torch::Tensor AugmentedSamples::sample(std::int64_t index, int epoch, pipeline::AudioToImages& converter) const {
  const auto& a = config_.augment;
  Rng rng(augment_seed(config_.training.seed, epoch, index));
  torch::Tensor x;
  if (a.changes_audio()) {
    const auto segment = converter.images_for(augmented_audio(index, rng).samples);
    if (layout_.form == data::InputForm::image) {
      const auto& image = segment.images.front();
      x = data::image_to_tensor(image.rgb.data(), image.height, image.width);
    } else {
      x = torch::empty({inputs_.size(1)}, torch::kFloat32);
      float* out = x.data_ptr<float>();
      for (const auto& m : segment.matrices) out = std::copy(m.data.begin(), m.data.end(), out);
    }
    if (!x.sizes().equals(inputs_.sizes().slice(1))) {
      throw Error("augment: an augmented segment's input has another shape than the cached ones");
    }
  } else {
    x = inputs_[index].clone();
  }
  if (a.masks()) {
    const auto view = layout_.form == data::InputForm::image ? x : x.view({1, shapes_.front().first, shapes_.front().second});
    apply_spec_masks(view, a, rng);
  }
  return x;
}

AugmentedBatchLoader::AugmentedBatchLoader(const AugmentedSamples& samples, std::vector<std::int64_t> order, int batch_size,
                                           int epoch, int workers, int prefetch, bool pin_memory)
    : samples_(samples),
      order_(std::move(order)),
      batch_size_(static_cast<std::size_t>(std::max(1, batch_size))),
      batches_((order_.size() + batch_size_ - 1) / batch_size_),
      prefetch_(static_cast<std::size_t>(std::max(1, prefetch))),
      epoch_(epoch),
      pin_memory_(pin_memory) {
  for (int w = 0; w < std::max(1, workers); ++w) threads_.emplace_back([this, w] { work(static_cast<std::size_t>(w)); });
}

AugmentedBatchLoader::~AugmentedBatchLoader() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

torch::Tensor AugmentedBatchLoader::make_batch(std::size_t batch, pipeline::AudioToImages& converter) const {
  const std::size_t first = batch * batch_size_;
  const std::size_t end = std::min(order_.size(), first + batch_size_);
  std::vector<torch::Tensor> items;
  items.reserve(end - first);
  for (std::size_t i = first; i < end; ++i) items.push_back(samples_.sample(order_[i], epoch_, converter));
  return torch::stack(items);
}

void AugmentedBatchLoader::work(std::size_t worker) {
  torch::NoGradGuard no_grad;
  try {
    const auto converter = samples_.make_converter();
    for (;;) {
      std::size_t batch;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        cv_.wait(lock, [&] { return stop_ || claimed_ >= batches_ || claimed_ < next_batch_ + prefetch_; });
        if (stop_ || claimed_ >= batches_) return;
        batch = claimed_++;
      }
      auto x = make_batch(batch, *converter);
      const std::size_t first = batch * batch_size_;
      const auto count = static_cast<std::int64_t>(std::min(order_.size(), first + batch_size_) - first);
      const auto index = torch::from_blob(const_cast<std::int64_t*>(order_.data() + first), {count}, torch::kInt64);
      auto y = samples_.labels().index_select(0, index);
      if (pin_memory_) {
        x = x.pin_memory();
        y = y.pin_memory();
      }
      std::lock_guard<std::mutex> lock(mutex_);
      ready_.emplace(batch, std::make_pair(std::move(x), std::move(y)));
      cv_.notify_all();
    }
  } catch (...) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!error_) error_ = std::current_exception();
    stop_ = true;
    cv_.notify_all();
  }
}

bool AugmentedBatchLoader::next(torch::Tensor& inputs, torch::Tensor& labels) {
  const auto t0 = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> lock(mutex_);
  cv_.wait(lock, [&] { return error_ || next_batch_ >= batches_ || ready_.count(next_batch_) != 0; });
  wait_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (error_) std::rethrow_exception(error_);
  if (next_batch_ >= batches_) return false;
  auto it = ready_.find(next_batch_);
  std::tie(inputs, labels) = std::move(it->second);
  ready_.erase(it);
  ++next_batch_;
  cv_.notify_all();
  return true;
}

}  // namespace jaams::train
