#include "jaams/models/package.hpp"

#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <cstdio>
#include <map>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "jaams/models/registry.hpp"
#include "jaams/util/atomic_file.hpp"
#include "jaams/util/error.hpp"
#include "jaams/version.hpp"

namespace jaams::models {

namespace fs = std::filesystem;

namespace {

constexpr const char* kPackageFormat = "jaams-model-package";
constexpr const char* kCheckpointFormat = "jaams-checkpoint";
constexpr int64_t kFormatVersion = 1;

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

// Every parameter and buffer, by its dotted name, on the CPU.
c10::Dict<std::string, torch::Tensor> collect_weights(ClassifierImpl& model) {
  c10::Dict<std::string, torch::Tensor> weights;
  for (const auto& item : model.named_parameters(/*recurse=*/true)) {
    weights.insert(item.key(), item.value().detach().to(torch::kCPU).contiguous());
  }
  for (const auto& item : model.named_buffers(/*recurse=*/true)) {
    weights.insert(item.key(), item.value().detach().to(torch::kCPU).contiguous());
  }
  return weights;
}

// FNV-1a (64 bit) over every tensor's name, shape and bytes, in name order: a package whose
// weights were damaged after writing no longer matches the checksum its metadata carries.
std::string weights_checksum(const std::map<std::string, torch::Tensor>& weights) {
  std::uint64_t hash = 1469598103934665603ull;
  auto mix = [&hash](const void* data, std::size_t n) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < n; ++i) hash = (hash ^ bytes[i]) * 1099511628211ull;
  };
  for (const auto& [name, tensor] : weights) {
    mix(name.data(), name.size());
    for (const int64_t d : tensor.sizes()) mix(&d, sizeof d);
    const torch::Tensor t = tensor.contiguous();
    mix(t.data_ptr(), t.numel() * t.element_size());
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

std::map<std::string, torch::Tensor> sorted_weights(const c10::Dict<std::string, torch::Tensor>& weights) {
  std::map<std::string, torch::Tensor> out;
  for (const auto& item : weights) out.emplace(item.key(), item.value());
  return out;
}

// Serialises into memory first and writes the bytes with jaams' own atomic writer: LibTorch's
// file writer aborts the process when a write fails (a full disk), and a failure here must be
// an error that leaves the previous file in place.
void write_archive(const fs::path& path, torch::serialize::OutputArchive& archive) {
  std::ostringstream bytes;
  archive.save_to(bytes);
  write_file_atomic(path, bytes.str());
}

void write_common(torch::serialize::OutputArchive& archive, const char* format, ClassifierImpl& model,
                  nlohmann::json meta) {
  const auto weights = collect_weights(model);
  meta["weights_checksum"] = weights_checksum(sorted_weights(weights));
  archive.write("jaams_format", c10::IValue(std::string(format)));
  archive.write("jaams_format_version", c10::IValue(kFormatVersion));
  archive.write("meta", c10::IValue(meta.dump()));
  archive.write("weights", c10::IValue(weights));
}

// An opened jaams archive: its format, metadata and the archive for further reads.
struct Opened {
  std::string format;
  nlohmann::json meta;
  torch::serialize::InputArchive archive;
};

Opened open_archive(const fs::path& path, torch::Device device) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw Error(quoted(path) + ": no such file");
  if (!fs::is_regular_file(path, ec)) throw Error(quoted(path) + ": not a regular file");
  Opened opened;
  try {
    opened.archive.load_from(path.string(), device);
  } catch (const c10::Error& e) {
    throw Error(quoted(path) + ": not a jaams model package (unreadable as a LibTorch archive: " +
                e.what_without_backtrace() + ")");
  }
  c10::IValue format;
  c10::IValue version;
  c10::IValue meta;
  if (!opened.archive.try_read("jaams_format", format) || !format.isString() ||
      !opened.archive.try_read("jaams_format_version", version) || !version.isInt() ||
      !opened.archive.try_read("meta", meta) || !meta.isString()) {
    throw Error(quoted(path) + ": not a jaams model package (a LibTorch archive without jaams metadata)");
  }
  opened.format = format.toStringRef();
  if (opened.format != kPackageFormat && opened.format != kCheckpointFormat) {
    throw Error(quoted(path) + ": not a jaams model package (format '" + opened.format + "')");
  }
  if (version.toInt() > kFormatVersion) {
    throw Error(quoted(path) + ": written by a newer jaams (format version " + std::to_string(version.toInt()) +
                ", this one reads up to " + std::to_string(kFormatVersion) + ")");
  }
  try {
    opened.meta = nlohmann::json::parse(meta.toStringRef());
  } catch (const nlohmann::json::exception& e) {
    throw Error(quoted(path) + ": corrupt metadata (" + e.what() + ")");
  }
  if (!opened.meta.is_object() || !opened.meta.contains("model")) {
    throw Error(quoted(path) + ": corrupt metadata (no \"model\" entry)");
  }
  return opened;
}

// Copies the stored weights into `model`, requiring an exact match of names and shapes.
void load_weights(Opened& opened, ClassifierImpl& model, const fs::path& path) {
  c10::IValue stored;
  if (!opened.archive.try_read("weights", stored) || !stored.isGenericDict()) {
    throw Error(quoted(path) + ": corrupt package (no weights)");
  }
  std::map<std::string, torch::Tensor> weights;
  for (const auto& item : stored.toGenericDict()) {
    if (!item.key().isString() || !item.value().isTensor()) throw Error(quoted(path) + ": corrupt package (weights)");
    const torch::Tensor& t = item.value().toTensor();
    // A cut storage record loads as a tensor that reaches past its storage (garbage or NaN).
    const auto needed = static_cast<std::size_t>((t.storage_offset() + t.numel()) * t.element_size());
    if (!t.has_storage() || t.storage().nbytes() < needed) {
      throw Error(quoted(path) + ": corrupt package (tensor " + item.key().toStringRef() + " holds " +
                  std::to_string(t.has_storage() ? t.storage().nbytes() : 0) + " bytes, its shape " +
                  shape_string(t.sizes()) + " needs " + std::to_string(needed) + ")");
    }
    weights.emplace(item.key().toStringRef(), t);
  }
  if (opened.meta.contains("weights_checksum")) {  // packages written before it have none
    const std::string expected = opened.meta["weights_checksum"].is_string() ? opened.meta["weights_checksum"].get<std::string>() : "";
    if (weights_checksum(weights) != expected) {
      throw Error(quoted(path) + ": corrupt package (the weights do not match the checksum in its metadata)");
    }
  }

  const std::string model_name = model.spec().name;
  std::vector<std::pair<std::string, torch::Tensor>> targets;
  for (const auto& item : model.named_parameters(/*recurse=*/true)) targets.emplace_back(item.key(), item.value());
  for (const auto& item : model.named_buffers(/*recurse=*/true)) targets.emplace_back(item.key(), item.value());

  torch::NoGradGuard no_grad;
  for (auto& [name, target] : targets) {
    const auto found = weights.find(name);
    if (found == weights.end()) {
      throw Error(quoted(path) + ": lacks tensor " + name + " of model '" + model_name + "'");
    }
    if (found->second.sizes() != target.sizes()) {
      throw Error(quoted(path) + ": tensor " + name + " has shape " + shape_string(found->second.sizes()) +
                  ", model '" + model_name + "' expects " + shape_string(target.sizes()));
    }
    target.copy_(found->second);
    weights.erase(found);
  }
  if (!weights.empty()) {
    throw Error(quoted(path) + ": tensor " + weights.begin()->first + " does not belong to model '" + model_name + "'");
  }
}

void check_same_shape_spec(const ModelSpec& spec, const ModelSpec& model_spec) {
  if (!spec.same_shape(model_spec)) {
    throw std::invalid_argument("save_package: spec " + to_json(spec).dump() + " does not describe the model (" +
                                to_json(model_spec).dump() + ")");
  }
}

}  // namespace

void save_package(const fs::path& path, ClassifierImpl& model, const ModelSpec& spec, const nlohmann::json& meta) {
  check_same_shape_spec(spec, model.spec());
  if (!meta.is_null() && !meta.is_object()) throw std::invalid_argument("save_package: meta must be a JSON object");
  nlohmann::json full = meta.is_null() ? nlohmann::json::object() : meta;
  full["model"] = to_json(spec);
  full["jaams_version"] = kVersion;

  torch::serialize::OutputArchive archive;
  write_common(archive, kPackageFormat, model, full);
  write_archive(path, archive);
}

nlohmann::json read_package_meta(const fs::path& path) {
  auto opened = open_archive(path, torch::kCPU);
  if (opened.format != kPackageFormat) {
    throw Error(quoted(path) + ": is a training checkpoint, not a model package (use the package written when "
                "training ends)");
  }
  return opened.meta;
}

Package load_package(const fs::path& path, torch::Device device) {
  auto opened = open_archive(path, torch::kCPU);
  if (opened.format != kPackageFormat) {
    throw Error(quoted(path) + ": is a training checkpoint, not a model package (use the package written when "
                "training ends)");
  }
  Package package;
  package.meta = opened.meta;
  try {
    package.spec = model_spec_from_json(opened.meta["model"], quoted(path));
    package.model = make_model(package.spec, WeightInit::kLoadedLater);
  } catch (const Error& e) {
    const std::string what = e.what();
    if (what.rfind(quoted(path), 0) == 0) throw;
    throw Error(quoted(path) + ": " + what);
  }
  load_weights(opened, *package.model, path);
  package.model->to(device);
  package.model->eval();
  return package;
}

void save_checkpoint(const fs::path& path, ClassifierImpl& model, const torch::optim::Optimizer& optimizer,
                     const nlohmann::json& state) {
  const nlohmann::json meta{{"model", to_json(model.spec())}, {"jaams_version", kVersion}, {"state", state}};
  torch::serialize::OutputArchive archive;
  write_common(archive, kCheckpointFormat, model, meta);
  torch::serialize::OutputArchive optimizer_archive;
  optimizer.save(optimizer_archive);
  archive.write("optimizer", optimizer_archive);
  write_archive(path, archive);
}

nlohmann::json load_checkpoint(const fs::path& path, ClassifierImpl& model, torch::optim::Optimizer& optimizer) {
  // Optimiser state must land where the parameters are.
  auto opened = open_archive(path, model.device());
  if (opened.format != kCheckpointFormat) throw Error(quoted(path) + ": is a model package, not a training checkpoint");
  const ModelSpec stored = model_spec_from_json(opened.meta["model"], quoted(path));
  const ModelSpec& current = model.spec();
  if (!stored.same_shape(current)) {
    throw Error(quoted(path) + ": checkpoint of model " + to_json(stored).dump() + ", but training uses " +
                to_json(current).dump() + "; remove the checkpoint or restore the old settings");
  }
  load_weights(opened, model, path);
  torch::serialize::InputArchive optimizer_archive;
  if (!opened.archive.try_read("optimizer", optimizer_archive)) {
    throw Error(quoted(path) + ": corrupt checkpoint (no optimizer state)");
  }
  try {
    optimizer.load(optimizer_archive);
  } catch (const c10::Error& e) {
    throw Error(quoted(path) + ": optimizer state does not fit this training run (" + e.what_without_backtrace() + ")");
  }
  return opened.meta.value("state", nlohmann::json());
}

}  // namespace jaams::models
