#include "jaams/models/torchscript_export.hpp"
#include "jaams/predict/predictor.hpp"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <numeric>
#include <optional>
#include <thread>

#include "jaams/models/device.hpp"
#include "jaams/pipeline/audio_to_images.hpp"
#include "jaams/train/calibration.hpp"
#include "jaams/util/error.hpp"

namespace jaams::predict {
namespace fs = std::filesystem;

void validate(const PredictOptions& o) {
  if (o.threads < 0) throw Error("predict: threads must be >= 0 (0: all cores), got " + std::to_string(o.threads));
  if (o.batch_size < 0)
    throw Error("predict: batch size must be >= 1 (0: default), got " + std::to_string(o.batch_size));
  if (o.top_k < 1) throw Error("predict: top-k must be >= 1, got " + std::to_string(o.top_k));
}

int default_batch_size(torch::Device device) { return device.is_cuda() ? 32 : 1; }

int checked_batch_size(int requested, torch::Device device, const std::string& source) {
  if (requested == 0) return default_batch_size(device);
  if (requested > kMaxBatchSize) {
    spdlog::warn("{}: --batch-size {} would need memory for {} segments at once (the batch and a queue twice "
                 "its size); using {}",
                 source, requested, 3LL * requested, kMaxBatchSize);
    return kMaxBatchSize;
  }
  return requested;
}

PackageSettings package_settings(const models::Package& package, const std::string& source) {
  const auto& meta = package.meta;
  PackageSettings s;
  if (!meta.contains("classes") || !meta["classes"].is_array()) {
    throw Error(source + ": package metadata has no \"classes\" list (was it written by jaams train?)");
  }
  for (const auto& c : meta["classes"]) {
    if (!c.is_string() || c.get<std::string>().empty())
      throw Error(source + ": package \"classes\" must be non-empty names");
    s.classes.push_back(c.get<std::string>());
  }
  if (static_cast<int>(s.classes.size()) != package.spec.num_classes) {
    throw Error(source + ": package names " + std::to_string(s.classes.size()) + " classes but its model has " +
                std::to_string(package.spec.num_classes) + " outputs");
  }
  if (!meta.contains("kind") || !meta["kind"].is_string())
    throw Error(source + ": package metadata has no image \"kind\"");
  try {
    s.kind = features::parse_feature_kind(meta["kind"].get<std::string>());
  } catch (const Error& e) {
    throw Error(source + ": package image kind: " + e.what());
  }
  s.layout.kinds = {s.kind};
  // Packages written before matrix inputs existed have no "input": one image kind.
  if (meta.contains("input")) {
    try {
      const auto& input = meta.at("input");
      s.layout.form = data::parse_input_form(input.at("form").get<std::string>());
      s.layout.kinds.clear();
      const std::string label = input.at("kinds").get<std::string>();
      for (std::size_t start = 0; start <= label.size();) {
        const auto plus = std::min(label.find('+', start), label.size());
        s.layout.kinds.push_back(features::parse_feature_kind(label.substr(start, plus - start)));
        start = plus + 1;
      }
      data::validate(s.layout, source);
    } catch (const std::exception& e) {
      throw Error(source + ": package \"input\" settings: " + e.what());
    }
  }
  if ((s.layout.form == data::InputForm::matrix) != package.spec.is_matrix()) {
    throw Error(source + ": package input form '" + data::to_string(s.layout.form) + "' differs from its model's '" +
                package.spec.input + "'");
  }
  if (!meta.contains("pipeline")) throw Error(source + ": package metadata has no \"pipeline\" settings");
  s.pipeline = pipeline::pipeline_config_from_json(meta["pipeline"], source);
  s.temperature = train::package_temperature(meta, source);
  s.tag_names = package.model->tag_names();
  if (s.layout.form == data::InputForm::matrix) {
    if (s.layout.kinds.size() != package.spec.parts.size()) throw Error(source + ": package input kinds differ from its model's parts");
    for (std::size_t k = 0; k < s.layout.kinds.size(); ++k) {
      const auto& part = package.spec.parts[k];
      const auto shape = pipeline::AudioToImages::matrix_shape(s.pipeline, s.layout.kinds[k]);
      if (part.kind != features::to_string(s.layout.kinds[k]) || shape.first != part.rows || shape.second != part.cols) {
        throw Error(source + ": the pipeline makes " + features::to_string(s.layout.kinds[k]) + " matrices of " +
                    std::to_string(shape.first) + "x" + std::to_string(shape.second) + ", the model reads " + part.kind + " " +
                    std::to_string(part.rows) + "x" + std::to_string(part.cols));
      }
    }
  } else if (s.pipeline.image.height != package.spec.height || s.pipeline.image.width != package.spec.width) {
    throw Error(source + ": pipeline image size " + std::to_string(s.pipeline.image.height) + "x" +
                std::to_string(s.pipeline.image.width) + " differs from the model's input " +
                std::to_string(package.spec.height) + "x" + std::to_string(package.spec.width));
  }
  return s;
}

std::vector<std::size_t> top_classes(const std::vector<float>& probabilities, std::size_t k) {
  std::vector<std::size_t> order(probabilities.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return probabilities[a] > probabilities[b]; });
  order.resize(std::min(k, order.size()));
  return order;
}

Predictor::Predictor(models::Package package, const std::string& source, PredictOptions options)
    : package_(std::move(package)), source_(source), options_(std::move(options)) {
  validate(options_);
  if (!package_.model) throw Error(source_ + ": package holds no model");
  settings_ = package_settings(package_, source_);
  if (package_.meta.value("random_backbone", false)) {
    spdlog::warn("{}: alexcnn with a random (untrained) AlexNet backbone", source_);
  }
  package_.model->eval();
  options_.batch_size = checked_batch_size(options_.batch_size, device(), source_);
}

torch::Device Predictor::device() const { return package_.model->device(); }

std::size_t Predictor::embedding_size() {
  torch::NoGradGuard no_grad;
  auto& model = *package_.model;
  const torch::Tensor e = model.penultimate(model.embed(models::example_input(package_.spec).to(device())));
  if (!e.defined()) throw Error(source_ + ": model '" + package_.spec.name + "' gives no embeddings (no penultimate layer)");
  return static_cast<std::size_t>(e.flatten(1).size(1));
}

Predictor load_predictor(const fs::path& package_path, const PredictOptions& options) {
  validate(options);
  const torch::Device device = resolve_device(options.device);
  return Predictor(models::load_package(package_path, device), package_path.string(), options);
}

namespace {

// What workers hand to the scorer: a segment image, or the end of a file.
struct QueueItem {
  std::size_t file = 0;
  bool end = false;
  // segment
  int index = 0;
  double start_seconds = 0.0;
  double duration_seconds = 0.0;
  image::Image image;         // image input
  std::vector<float> values;  // matrix input: the kinds' matrices flattened and concatenated
  // end
  std::string error;
  double audio_seconds = 0.0;
  double header_seconds = 0.0;  // the file's length as its header gives it
};

// A bounded FIFO between the workers and the scorer. Workers block while it is full, so images
// can never pile up faster than the model scores them.
class SegmentQueue {
 public:
  SegmentQueue(std::size_t capacity, std::size_t producers) : capacity_(capacity), producers_(producers) {}

  // False when the run was cancelled.
  bool push(QueueItem&& item) {
    std::unique_lock<std::mutex> lock(mutex_);
    // End markers carry no image; letting them through keeps a cancelled worker from blocking.
    not_full_.wait(lock, [&] { return cancelled_ || item.end || items_.size() < capacity_; });
    if (cancelled_) return false;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }

  // Waits for an item; nullopt once every producer has finished and the queue is drained.
  std::optional<QueueItem> pop() {
    std::unique_lock<std::mutex> lock(mutex_);
    not_empty_.wait(lock, [&] { return !items_.empty() || producers_ == 0; });
    if (items_.empty()) return std::nullopt;
    QueueItem item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

  bool finished() {
    std::lock_guard<std::mutex> lock(mutex_);
    return producers_ == 0 && items_.empty();
  }

  void producer_done() {
    std::lock_guard<std::mutex> lock(mutex_);
    --producers_;
    not_empty_.notify_all();
  }

  void cancel() {
    std::lock_guard<std::mutex> lock(mutex_);
    cancelled_ = true;
    not_full_.notify_all();
  }

  bool cancelled() {
    std::lock_guard<std::mutex> lock(mutex_);
    return cancelled_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable not_full_, not_empty_;
  std::deque<QueueItem> items_;
  std::size_t capacity_;
  std::size_t producers_;
  bool cancelled_ = false;
};

// The reason without the "<path>: " prefix jaams errors start with (the path has its own field).
std::string short_reason(const fs::path& path, std::string reason) {
  for (const std::string& prefix : {path.string() + ": ", "'" + path.string() + "': "}) {
    if (reason.rfind(prefix, 0) == 0) return reason.substr(prefix.size());
  }
  return reason;
}

// The mean of the segments' embeddings: a track's embedding.
std::vector<float> mean_embedding(const std::vector<SegmentResult>& segments) {
  std::vector<double> sum;
  for (const auto& s : segments) {
    sum.resize(s.embedding.size(), 0.0);
    for (std::size_t i = 0; i < s.embedding.size(); ++i) sum[i] += s.embedding[i];
  }
  std::vector<float> mean(sum.size());
  for (std::size_t i = 0; i < sum.size(); ++i) mean[i] = static_cast<float>(sum[i] / static_cast<double>(segments.size()));
  return mean;
}

// Per-file bookkeeping on the scorer's side, alive while the file is in flight.
struct FileState {
  std::vector<SegmentResult> segments;
  std::vector<std::vector<float>> tags;  // per scored segment, with PredictOptions::tags
  std::size_t in_batch = 0;  // segments waiting in the batch being assembled
  bool ended = false;
  std::string error;
  double audio_seconds = 0.0;
  double header_seconds = 0.0;
};

bool all_finite(const std::vector<float>& values) {
  return std::all_of(values.begin(), values.end(), [](float v) { return std::isfinite(v); });
}

}  // namespace

void Predictor::run(const std::vector<fs::path>& files, const std::function<void(FileResult&&)>& on_result) {
  if (files.empty()) return;
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const std::size_t workers =
      std::min<std::size_t>(files.size(), static_cast<std::size_t>(options_.threads > 0 ? options_.threads : cores));
  const std::size_t batch_size = static_cast<std::size_t>(options_.batch_size);
  const std::size_t capacity = options_.queue_segments > 0 ? options_.queue_segments : 2 * batch_size;
  const int height = package_.spec.height, width = package_.spec.width;
  const std::size_t image_bytes = std::size_t(height) * width * 3;
  const bool matrix_input = package_.spec.is_matrix();
  const int64_t matrix_size = matrix_input ? package_.spec.matrix_size() : 0;
  const bool want_tags = options_.tags && !settings_.tag_names.empty();
  const torch::Device device = this->device();

  SegmentQueue queue(capacity, workers);
  std::atomic<std::size_t> next_file{0};
  std::mutex worker_error_mutex;
  std::exception_ptr worker_error;  // a failure that is not about one file

  auto worker = [&] {
    try {
      pipeline::SegmentOutputs outputs;
      outputs.images = !matrix_input;
      outputs.matrices = matrix_input;
      pipeline::AudioToImages converter(settings_.pipeline, settings_.layout.kinds, false, outputs);
      for (;;) {
        const std::size_t f = next_file++;
        if (f >= files.size() || queue.cancelled()) break;
        QueueItem end;
        end.file = f;
        end.end = true;
        try {
          const auto summary = converter.process(
              files[f],
              [&](pipeline::SegmentImages&& s) {
                QueueItem item;
                item.file = f;
                item.index = s.index;
                item.start_seconds = s.start_seconds;
                item.duration_seconds = s.duration_seconds;
                if (matrix_input) {
                  item.values.reserve(static_cast<std::size_t>(matrix_size));
                  for (const auto& m : s.matrices) item.values.insert(item.values.end(), m.data.begin(), m.data.end());
                } else {
                  item.image = std::move(s.images.front());
                }
                return queue.push(std::move(item));
              },
              options_.max_segments);
          end.audio_seconds = summary.seconds;
          end.header_seconds = summary.info.duration_seconds();
        } catch (const std::exception& e) {
          end.error = e.what();
          if (end.error.empty()) end.error = "failed";
        }
        if (!queue.push(std::move(end))) break;
      }
    } catch (...) {
      // Not a file's fault (e.g. the converter could not be built): the whole run stops.
      {
        std::lock_guard<std::mutex> lock(worker_error_mutex);
        if (!worker_error) worker_error = std::current_exception();
      }
      queue.cancel();
    }
    queue.producer_done();
  };

  std::vector<std::thread> pool;
  // Whatever leaves this function (a finished run, a throwing callback or model), the workers
  // are told to stop and joined first.
  struct Joiner {
    SegmentQueue& queue;
    std::vector<std::thread>& pool;
    ~Joiner() {
      queue.cancel();
      for (auto& t : pool) t.join();
    }
  } joiner{queue, pool};
  for (std::size_t w = 0; w < workers; ++w) pool.emplace_back(worker);

  // The batch: images copied into one (pinned, for an asynchronous copy to a GPU) HWC buffer.
  torch::TensorOptions host = torch::TensorOptions().dtype(torch::kUInt8);
  torch::Tensor buffer = matrix_input ? torch::empty({static_cast<int64_t>(batch_size), matrix_size}, torch::kFloat32)
                                      : torch::empty({static_cast<int64_t>(batch_size), height, width, 3}, host);
  if (device.is_cuda()) buffer = buffer.pin_memory();
  struct Slot {
    std::size_t file;
    int index;
    double start_seconds, duration_seconds;
  };
  std::vector<Slot> slots;
  slots.reserve(batch_size);
  std::map<std::size_t, FileState> states;

  auto finish = [&](std::size_t f) {
    auto it = states.find(f);
    FileState& st = it->second;
    FileResult r;
    r.input_index = f;
    r.path = files[f];
    r.audio_seconds = st.audio_seconds;
    // --max-segments stops decoding early: the length is then the header's, not what was read.
    if (options_.max_segments > 0) r.file_seconds = st.header_seconds;
    std::vector<std::vector<float>> rows;
    rows.reserve(st.segments.size());
    for (const auto& s : st.segments) rows.push_back(s.probabilities);
    if (st.error.empty() && !std::all_of(rows.begin(), rows.end(), all_finite)) {
      // Never a row of NaN probabilities: a damaged model or input says so instead.
      st.error = "the model gave non-finite probabilities (is the model package damaged?)";
    }
    if (!st.error.empty()) {
      r.error = short_reason(files[f], st.error);
    } else {
      r.probabilities = eval::pool(rows, options_.pooling);
      r.segments = std::move(st.segments);
      if (options_.embeddings) r.embedding = mean_embedding(r.segments);
      if (want_tags && !st.tags.empty()) {
        r.tags.assign(st.tags.front().size(), 0.0f);
        for (const auto& t : st.tags)
          for (std::size_t i = 0; i < t.size(); ++i) r.tags[i] += t[i] / static_cast<float>(st.tags.size());
      }
    }
    states.erase(it);
    on_result(std::move(r));
  };

  auto score = [&] {
    if (slots.empty()) return;
    const auto n = static_cast<int64_t>(slots.size());
    torch::Tensor probs, tags, embeddings;
    {
      torch::NoGradGuard no_grad;
      try {
        // The NHWC buffer seen as [N, 3, H, W] is channels-last memory: the convolutions take it as it is.
        torch::Tensor inputs = buffer.slice(0, 0, n).to(device, /*non_blocking=*/true);
        if (!matrix_input) inputs = inputs.permute({0, 3, 1, 2});
        torch::Tensor logits;
        if (options_.embeddings) {
          // forward() is head(embed()): the embedding stage runs once for both outputs.
          const torch::Tensor embedded = package_.model->embed(inputs);
          logits = package_.model->head(embedded);
          embeddings = package_.model->penultimate(embedded);
          if (!embeddings.defined())
            throw Error(source_ + ": model '" + package_.spec.name + "' gives no embeddings (no penultimate layer)");
          embeddings = embeddings.flatten(1).to(torch::kCPU, torch::kFloat).contiguous();
        } else {
          logits = package_.model->forward(inputs);
        }
        probs = torch::softmax(logits, 1).to(torch::kCPU, torch::kFloat).contiguous();
        if (want_tags) tags = package_.model->tags(inputs).to(torch::kCPU, torch::kFloat).contiguous();
      } catch (const c10::Error& e) {
        throw Error(source_ + ": scoring a batch of " + std::to_string(n) + " segments on " + device.str() +
                    " failed (a smaller --batch-size may help): " + e.what_without_backtrace());
      }
    }
    const auto classes = static_cast<std::size_t>(probs.size(1));
    const float* p = probs.data_ptr<float>();
    std::vector<std::size_t> touched;
    for (int64_t i = 0; i < n; ++i) {
      const Slot& slot = slots[static_cast<std::size_t>(i)];
      FileState& st = states[slot.file];
      st.segments.push_back({slot.index, slot.start_seconds, slot.duration_seconds,
                             std::vector<float>(p + i * classes, p + (i + 1) * classes), {}});
      if (options_.embeddings) {
        const auto f = static_cast<std::size_t>(embeddings.size(1));
        const float* e = embeddings.data_ptr<float>() + i * f;
        st.segments.back().embedding.assign(e, e + f);
      }
      if (want_tags) {
        const auto t = static_cast<std::size_t>(tags.size(1));
        const float* q = tags.data_ptr<float>() + i * t;
        st.tags.emplace_back(q, q + t);
      }
      if (--st.in_batch == 0) touched.push_back(slot.file);
    }
    slots.clear();
    for (const std::size_t f : touched) {
      if (states[f].ended) finish(f);
    }
  };

  for (;;) {
    // A partial batch waits for more segments while workers are still busy; once none is ready
    // and the workers are done, it is scored as it is.
    std::optional<QueueItem> item = queue.pop();
    if (!item) {
      score();
      break;
    }
    FileState& st = states[item->file];
    if (item->end) {
      st.ended = true;
      st.error = std::move(item->error);
      st.audio_seconds = item->audio_seconds;
      st.header_seconds = item->header_seconds;
      if (st.in_batch == 0) finish(item->file);
    } else {
      if (matrix_input) {
        if (static_cast<int64_t>(item->values.size()) != matrix_size) {
          throw Error(source_ + ": the pipeline made " + std::to_string(item->values.size()) +
                      " matrix values for a model reading " + std::to_string(matrix_size));
        }
        std::memcpy(buffer.data_ptr<float>() + slots.size() * static_cast<std::size_t>(matrix_size), item->values.data(),
                    sizeof(float) * item->values.size());
      } else {
        const image::Image& img = item->image;
        if (img.height != height || img.width != width || img.rgb.size() != image_bytes) {
          throw Error(source_ + ": the pipeline made a " + std::to_string(img.height) + "x" + std::to_string(img.width) +
                      " image for a model reading " + std::to_string(height) + "x" + std::to_string(width));
        }
        std::memcpy(buffer.data_ptr<std::uint8_t>() + slots.size() * image_bytes, img.rgb.data(), image_bytes);
      }
      slots.push_back({item->file, item->index, item->start_seconds, item->duration_seconds});
      ++st.in_batch;
      if (slots.size() == batch_size) score();
    }
    if (queue.finished()) {
      score();
      break;
    }
  }
  {
    std::lock_guard<std::mutex> lock(worker_error_mutex);
    if (worker_error) std::rethrow_exception(worker_error);
  }
  // Each file taken got an end marker and each batch was scored, so nothing can be left over.
  if (!states.empty()) throw std::logic_error("predict: " + std::to_string(states.size()) + " file(s) left unfinished");
}

FileResult Predictor::predict_file(const fs::path& path) {
  FileResult out;
  run({path}, [&](FileResult&& r) { out = std::move(r); });
  return out;
}

}  // namespace jaams::predict
