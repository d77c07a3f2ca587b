#include "predict_fixtures.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>
#include <stdexcept>

#include "jaams/data/manifest.hpp"
#include "jaams/models/package.hpp"
#include "jaams/models/registry.hpp"

namespace jaams::predict::fixtures {
namespace fs = std::filesystem;

const std::vector<std::string>& tiny_classes() {
  static const std::vector<std::string> classes{"blues", "classical", "metal"};
  return classes;
}

pipeline::PipelineConfig tiny_pipeline() {
  pipeline::PipelineConfig p;
  p.sample_rate = 22050;
  p.features.sample_rate = 22050;
  p.segments.seconds = 2.0;
  p.segments.hop_seconds = 2.0;
  p.segments.remainder = audio::RemainderPolicy::pad;  // the tests count segments under pad
  p.image.height = 32;
  p.image.width = 48;
  return p;
}

void write_package(const fs::path& path, const PackageRecipe& r) {
  models::ModelSpec spec;
  spec.name = r.model == "transfer_stats" ? "transfer" : r.model;
  spec.num_classes = static_cast<int>(r.classes.size());
  spec.height = r.height;
  spec.width = r.width;
  spec.params = r.model == "ann"              ? nlohmann::json{{"hidden", 16}}
                : r.model == "alexcnn"        ? nlohmann::json{{"conv", 8}, {"fc", 16}, {"random_backbone", true}}
                : r.model == "pcnn"           ? nlohmann::json{{"filters", 4}, {"timbre_rows", 8}, {"rhythm_cols", 8}, {"fc", 16}}
                : r.model == "crnn"           ? nlohmann::json::object()
                : r.model == "stats"          ? nlohmann::json{{"hidden", 16}}
                : r.model == "transfer"       ? nlohmann::json::object()
                : r.model == "transfer_stats" ? nlohmann::json{{"add_stats", true}, {"hidden", 8}}
                                              : nlohmann::json{{"conv1", 4}, {"conv2", 6}, {"kernel", 3}, {"fc", 16}};
  std::string kind = r.kind, kinds;
  if (r.model == "stats" || r.model == "transfer" || r.model == "transfer_stats") {
    spec.input = "matrix";
    if (r.model != "stats") spec.parts.push_back({"compact_mel", 96, 1360});
    if (r.model != "transfer") spec.parts.push_back({"stats", 128, 1});
    for (const auto& p : spec.parts) kinds += (kinds.empty() ? "" : "+") + p.kind;
    kind = spec.parts.front().kind;
    spec.height = spec.parts.size() == 1 ? spec.parts[0].rows : 1;
    spec.width = spec.parts.size() == 1 ? spec.parts[0].cols : static_cast<int>(spec.matrix_size());
  }
  torch::manual_seed(r.seed);
  auto model = models::make_model(spec);
  // Random weights give nearly uniform outputs; larger ones make the classes disagree clearly.
  {
    torch::NoGradGuard no_grad;
    for (auto& p : model->parameters()) p.mul_(4.0);
  }
  // The frozen statistics a trained model has (transfer: compact_cnn's batch norm; stats and
  // transfer: the head's standardisation), from random inputs.
  if (spec.is_matrix()) {
    // Segments of different loudness, as a training set has: features that vary between them.
    const auto inputs = torch::randn({8, spec.matrix_size()}) * 10 + torch::randn({8, 1}) * 20;
    const auto rows = [&inputs](std::int64_t b, std::int64_t e) { return inputs.slice(0, b, e); };
    model->fit_frozen_stage(inputs.size(0), rows, 8, /*bounded_memory=*/false);
    torch::NoGradGuard no_grad;
    const auto embedded = model->embed(inputs);
    model->fit_head_inputs(embedded.size(0), [&embedded](std::int64_t b, std::int64_t e) { return embedded.slice(0, b, e); });
  }
  nlohmann::json meta = {{"classes", r.classes},     {"kind", kind},     {"pipeline", pipeline::to_json(r.pipeline)},
                         {"random_backbone", false}, {"split", "track"}, {"trained_on", "nothing (test package)"}};
  if (spec.is_matrix()) meta["input"] = {{"form", "matrix"}, {"kinds", kinds}};
  meta.merge_patch(r.meta_patch);
  for (const auto& key : r.remove_meta) meta.erase(key);
  models::save_package(path, *model, spec, meta);
}

std::vector<float> music(double seconds, int sample_rate, int variant) {
  const auto n = static_cast<std::size_t>(std::llround(seconds * sample_rate));
  std::vector<float> y(n, 0.0f);
  std::mt19937 rng(static_cast<unsigned>(1000 + variant));
  std::normal_distribution<float> noise(0.0f, 1.0f);
  const double base = 110.0 * std::pow(2.0, variant % 12 / 12.0);
  double phase[3] = {0, 0, 0};
  for (std::size_t i = 0; i < n; ++i) {
    const double t = double(i) / sample_rate;
    const int second = static_cast<int>(t);
    // Each second another chord and loudness; the pattern depends on the variant.
    const int step = (second * (variant + 3) + variant) % 7;
    const double ratios[3] = {1.0, 1.25 + 0.05 * step, 1.5 + 0.5 * (step % 3)};
    const double level = 0.15 + 0.1 * ((second + variant) % 4);
    double v = 0.0;
    for (int k = 0; k < 3; ++k) {
      phase[k] += 2.0 * M_PI * base * (1 + step) * ratios[k] / sample_rate;
      v += std::sin(phase[k]) / (k + 1);
    }
    const double noise_level = 0.02 * (1 + (variant + second) % 5);
    y[i] = static_cast<float>(level * v + noise_level * noise(rng));
  }
  // Peak at 0.8: 16-bit FLAC refuses samples beyond full scale.
  float peak = 0.0f;
  for (const float v : y) peak = std::max(peak, std::abs(v));
  if (peak > 0.0f)
    for (float& v : y) v *= 0.8f / peak;
  return y;
}

std::vector<float> interleave(const std::vector<float>& mono, int channels) {
  std::vector<float> out(mono.size() * static_cast<std::size_t>(channels));
  for (std::size_t i = 0; i < mono.size(); ++i)
    for (int c = 0; c < channels; ++c) out[i * channels + c] = mono[i] * (1.0f - 0.1f * c);
  return out;
}

std::vector<std::string> read_csv_header(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot open");
  data::CsvReader reader(in, path.string());
  std::vector<std::string> header;
  reader.next(header);
  return header;
}

std::vector<Row> read_csv(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot open");
  data::CsvReader reader(in, path.string());
  std::vector<std::string> header, fields;
  std::vector<Row> rows;
  if (!reader.next(header)) return rows;
  while (reader.next(fields)) {
    if (fields.size() != header.size()) throw std::runtime_error(reader.where() + "wrong number of fields");
    Row row;
    for (std::size_t i = 0; i < header.size(); ++i) row[header[i]] = fields[i];
    rows.push_back(std::move(row));
  }
  return rows;
}

double number(const Row& row, const std::string& column) {
  const auto it = row.find(column);
  if (it == row.end()) throw std::runtime_error("no column " + column);
  return std::stod(it->second);
}

}  // namespace jaams::predict::fixtures
