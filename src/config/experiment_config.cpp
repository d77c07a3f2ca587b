#include "jaams/config/experiment_config.hpp"

#include <yaml-cpp/yaml.h>

#include <map>
#include <set>

#include "jaams/util/data_files.hpp"
#include "jaams/util/error.hpp"
#include "jaams/util/yaml_config.hpp"

namespace jaams::config {
namespace {

nlohmann::json yaml_to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json j = nlohmann::json::object();
      for (const auto& kv : node) j[kv.first.as<std::string>()] = yaml_to_json(kv.second);
      return j;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json j = nlohmann::json::array();
      for (const auto& v : node) j.push_back(yaml_to_json(v));
      return j;
    }
    case YAML::NodeType::Scalar: {
      const std::string& s = node.Scalar();
      if (node.Tag() == "!") return s;  // quoted: keep as string
      if (s == "true" || s == "false") return s == "true";
      try {
        std::size_t pos = 0;
        const long long i = std::stoll(s, &pos);
        if (pos == s.size()) return i;
        const double d = std::stod(s, &pos);
        if (pos == s.size()) return d;
      } catch (const std::exception&) {
      }
      return s;
    }
    default:
      return nullptr;
  }
}

YAML::Node json_to_yaml(const nlohmann::json& j) {
  if (j.is_object()) {
    YAML::Node n(YAML::NodeType::Map);
    for (const auto& [k, v] : j.items()) n[k] = json_to_yaml(v);
    return n;
  }
  if (j.is_array()) {
    YAML::Node n(YAML::NodeType::Sequence);
    for (const auto& v : j) n.push_back(json_to_yaml(v));
    return n;
  }
  if (j.is_string()) return YAML::Node(j.get<std::string>());
  if (j.is_boolean()) return YAML::Node(j.get<bool>());
  if (j.is_number_integer()) return YAML::Node(j.get<long long>());
  if (j.is_number()) return YAML::Node(j.get<double>());
  return YAML::Node();
}

std::vector<features::FeatureKind> read_kinds(YamlSection& s, const std::string& key, std::vector<features::FeatureKind> fallback) {
  std::vector<std::string> names;
  s.read(key, names);
  if (names.empty()) return fallback;
  std::vector<features::FeatureKind> kinds;
  for (const auto& n : names) {
    try {
      kinds.push_back(features::parse_feature_kind(n));
    } catch (const Error& e) {
      s.fail(key, e.what());
    }
  }
  return kinds;
}

}  // namespace

ExperimentConfig load_experiment_config(const std::filesystem::path& path, const std::vector<std::string>& overrides) {
  YAML::Node root = path.empty() ? YAML::Node(YAML::NodeType::Map) : load_yaml_file(path);
  for (const auto& o : overrides) apply_override(root, o);
  const std::string source = path.empty() ? std::string("config") : path.string();

  ExperimentConfig c;
  c.source = path;
  YamlSection top(root, "", source);

  // features.kind / features.kinds are jaams' own; the rest of `features` is librosa's parameters.
  {
    YAML::Node features = root["features"];
    YAML::Node stripped(YAML::NodeType::Map);
    YAML::Node own(YAML::NodeType::Map);
    if (features.IsDefined() && features.IsMap()) {
      for (const auto& kv : features) {
        const std::string key = kv.first.as<std::string>();
        (key == "kind" || key == "kinds" || key == "input" ? own : stripped)[key] = kv.second;
      }
      root["features"] = stripped;
    }
    YamlSection kinds(own, "features", source);
    std::string kind = features::to_string(c.kind);
    kinds.read("kind", kind);
    try {
      c.kind = features::parse_feature_kind(kind);
    } catch (const Error& e) {
      kinds.fail("kind", e.what());
    }
    c.preprocess_kinds = read_kinds(kinds, "kinds", c.preprocess_kinds);
    kinds.read_choice("input", c.input, {"image", "matrix"});
    if (c.input == "image" && !features::has_image(c.kind)) {
      kinds.fail("kind", std::string("'") + features::to_string(c.kind) + "' has no image form; set features.input: matrix");
    }
  }
  try {
    c.pipeline = pipeline::read_pipeline_config(top);
  } catch (const Error& e) {
    const std::string msg = e.what();
    throw Error(msg.rfind(source, 0) == 0 ? msg : source + ": " + msg);
  }

  YamlSection data = top.section("data");
  data.read("root", c.data.root)
      .read("genres", c.data.genres)
      .read("labels", c.data.labels)
      .read_choice("load", c.data.load, {"auto", "memory", "stream"})
      .read_choice("split", c.data.split, {"track", "paper", "filtered", "folders", "kfold", "csv"})
      .read("folds", c.data.folds)
      .read("fold", c.data.fold)
      .read("split_seed", c.data.split_seed)
      .read("train_fraction", c.data.train_fraction)
      .read("val_fraction", c.data.val_fraction)
      .read("test_fraction", c.data.test_fraction)
      .read("filtered_lists", c.data.filtered_lists)
      .read("train", c.data.train_root)
      .read("val", c.data.val_root)
      .read("test", c.data.test_root)
      .read("cache", c.data.cache);
  data.reject_unknown_keys();
  for (std::size_t i = 0; i < c.data.genres.size(); ++i) {
    if (c.data.genres[i].empty()) data.fail("genres", "a genre name is empty");
    for (std::size_t j = 0; j < i; ++j) {
      if (c.data.genres[j] == c.data.genres[i]) data.fail("genres", "genre '" + c.data.genres[i] + "' is listed twice");
    }
  }
  const double sum = c.data.train_fraction + c.data.val_fraction + c.data.test_fraction;
  if (c.data.train_fraction <= 0 || c.data.val_fraction < 0 || c.data.test_fraction < 0 || std::abs(sum - 1.0) > 1e-6) {
    data.fail("train_fraction", "train/val/test fractions must be non-negative, train > 0, and sum to 1");
  }
  if (c.data.folds < 2 || c.data.folds > 100) data.fail("folds", "must be in [2, 100], got " + std::to_string(c.data.folds));
  if (c.data.fold < 1 || c.data.fold > c.data.folds) {
    data.fail("fold", "must be in [1, data.folds = " + std::to_string(c.data.folds) + "], got " + std::to_string(c.data.fold));
  }
  if (c.data.split == "csv" && c.data.labels.empty()) {
    data.fail("split", "'csv' takes the split column of data.labels, which is not set");
  }
  if (c.data.split == "folders" && c.data.train_root.empty() && c.data.test_root.empty()) {
    data.fail("split", "'folders' needs data.train and/or data.test (each a <genre>/<file> tree)");
  }

  YamlSection model = top.section("model");
  model.read("name", c.model);
  if (root["model"].IsDefined() && root["model"].IsMap()) {
    for (const auto& kv : root["model"]) {
      const std::string key = kv.first.as<std::string>();
      if (key != "name") c.model_params[key] = yaml_to_json(model.raw(key));
    }
  }

  YamlSection t = top.section("training");
  t.read("epochs", c.training.epochs)
      .read("batch_size", c.training.batch_size)
      .read("learning_rate", c.training.learning_rate)
      .read("weight_decay", c.training.weight_decay)
      .read("seed", c.training.seed)
      .read("device", c.training.device)
      .read("threads", c.training.threads)
      .read("loader_threads", c.training.loader_threads)
      .read("patience", c.training.patience)
      .read("overfit", c.training.overfit)
      .read_choice("dist_backend", c.training.dist_backend, {"auto", "gloo", "nccl"})
      .read("dist_timeout", c.training.dist_timeout);
  t.reject_unknown_keys();
  if (c.training.epochs < 1) t.fail("epochs", "must be at least 1");
  if (c.training.batch_size < 1) t.fail("batch_size", "must be at least 1");
  if (!(c.training.learning_rate > 0)) t.fail("learning_rate", "must be positive");
  if (c.training.weight_decay < 0) t.fail("weight_decay", "must not be negative");
  if (c.training.threads < 0) t.fail("threads", "must not be negative");
  if (c.training.loader_threads < 0) t.fail("loader_threads", "must not be negative");
  if (c.training.patience < 0) t.fail("patience", "must not be negative");
  if (c.training.overfit < 0) t.fail("overfit", "must not be negative");
  if (c.training.dist_timeout < 1) t.fail("dist_timeout", "must be at least 1 second");

  YamlSection a = top.section("augment");
  auto& g = c.augment;
  a.read("crop", g.crop)
      .read("shift_seconds", g.shift_seconds)
      .read("gain_db", g.gain_db)
      .read("noise", g.noise)
      .read("noise_snr_min", g.noise_snr_min)
      .read("noise_snr_max", g.noise_snr_max)
      .read_choice("noise_color", g.noise_color, {"white", "pink", "mixed"})
      .read("pitch_semitones", g.pitch_semitones)
      .read("time_masks", g.time_masks)
      .read("time_mask_width", g.time_mask_width)
      .read("freq_masks", g.freq_masks)
      .read("freq_mask_width", g.freq_mask_width)
      .read("mixup", g.mixup);
  a.reject_unknown_keys();
  if (!(g.shift_seconds >= 0 && g.shift_seconds <= c.pipeline.segments.seconds)) {
    a.fail("shift_seconds", "must be in [0, audio.segment_seconds]");
  }
  if (!(g.gain_db >= 0 && g.gain_db <= 40)) a.fail("gain_db", "must be in [0, 40]");
  if (!(g.noise >= 0 && g.noise <= 1)) a.fail("noise", "is a probability: must be in [0, 1]");
  if (!(g.noise_snr_min >= -20 && g.noise_snr_min <= g.noise_snr_max && g.noise_snr_max <= 100)) {
    a.fail("noise_snr_min", "noise_snr_min <= noise_snr_max must hold, both in [-20, 100] dB");
  }
  if (!(g.pitch_semitones >= 0 && g.pitch_semitones <= 12)) a.fail("pitch_semitones", "must be in [0, 12]");
  if (g.time_masks < 0 || g.time_masks > 100) a.fail("time_masks", "must be in [0, 100]");
  if (g.freq_masks < 0 || g.freq_masks > 100) a.fail("freq_masks", "must be in [0, 100]");
  if (g.time_mask_width < 0) a.fail("time_mask_width", "must not be negative");
  if (g.freq_mask_width < 0) a.fail("freq_mask_width", "must not be negative");
  if (!(g.mixup >= 0 && g.mixup <= 10)) a.fail("mixup", "is Beta's alpha: must be in [0, 10] (0: off)");

  YamlSection ev = top.section("eval");
  ev.read("bootstrap", c.eval.bootstrap);
  ev.reject_unknown_keys();
  if (c.eval.bootstrap < 0) ev.fail("bootstrap", "must not be negative (0 turns the confidence intervals off)");

  top.read("output", c.output);
  top.reject_unknown_keys();
  if (c.data.filtered_lists.empty()) c.data.filtered_lists = find_data_file("configs/splits");
  // With data.labels and no genres given, the classes are the CSV's (train::prepare_data).
  if (c.data.genres.empty() && c.data.labels.empty()) {
    c.data.genres = {"blues", "classical", "country", "disco", "hiphop", "metal", "pop", "reggae", "rock"};
  }
  return c;
}

nlohmann::json to_json(const ExperimentConfig& c) {
  nlohmann::json j = pipeline::to_json(c.pipeline);
  j["features"]["kind"] = features::to_string(c.kind);
  std::vector<std::string> kinds;
  for (auto k : c.preprocess_kinds) kinds.push_back(features::to_string(k));
  j["features"]["kinds"] = kinds;
  j["features"]["input"] = c.input;
  j["data"] = {{"root", c.data.root.string()},
               {"labels", c.data.labels.string()},
               {"load", c.data.load},
               {"genres", c.data.genres},
               {"split", c.data.split},
               {"split_seed", c.data.split_seed},
               {"folds", c.data.folds},
               {"fold", c.data.fold},
               {"train_fraction", c.data.train_fraction},
               {"val_fraction", c.data.val_fraction},
               {"test_fraction", c.data.test_fraction},
               {"filtered_lists", c.data.filtered_lists.string()},
               {"train", c.data.train_root.string()},
               {"val", c.data.val_root.string()},
               {"test", c.data.test_root.string()},
               {"cache", c.data.cache.string()}};
  nlohmann::json model = c.model_params;
  model["name"] = c.model;
  j["model"] = model;
  j["training"] = {{"epochs", c.training.epochs},       {"batch_size", c.training.batch_size},
                   {"learning_rate", c.training.learning_rate}, {"weight_decay", c.training.weight_decay},
                   {"seed", c.training.seed},           {"device", c.training.device},
                   {"threads", c.training.threads},     {"loader_threads", c.training.loader_threads},
                   {"patience", c.training.patience},   {"overfit", c.training.overfit},
                   {"dist_backend", c.training.dist_backend}, {"dist_timeout", c.training.dist_timeout}};
  const auto& g = c.augment;
  j["augment"] = {{"crop", g.crop},
                  {"shift_seconds", g.shift_seconds},
                  {"gain_db", g.gain_db},
                  {"noise", g.noise},
                  {"noise_snr_min", g.noise_snr_min},
                  {"noise_snr_max", g.noise_snr_max},
                  {"noise_color", g.noise_color},
                  {"pitch_semitones", g.pitch_semitones},
                  {"time_masks", g.time_masks},
                  {"time_mask_width", g.time_mask_width},
                  {"freq_masks", g.freq_masks},
                  {"freq_mask_width", g.freq_mask_width},
                  {"mixup", g.mixup}};
  j["eval"] = {{"bootstrap", c.eval.bootstrap}};
  j["output"] = c.output.string();
  return j;
}

namespace {
// Leaf keys of a config JSON, dotted ("training.epochs" -> value).
void flatten(const nlohmann::json& j, const std::string& prefix, std::map<std::string, nlohmann::json>& out) {
  if (j.is_object() && !j.empty()) {
    for (const auto& [k, v] : j.items()) flatten(v, prefix.empty() ? k : prefix + "." + k, out);
  } else {
    out[prefix] = j;
  }
}
}  // namespace

std::vector<std::string> resume_conflicts(const ExperimentConfig& before, const ExperimentConfig& now) {
  // What a resumed run may change: how long and where it trains, not what it learns from.
  static const std::set<std::string> safe{"training.epochs", "training.patience", "training.threads",
                                          "training.loader_threads", "training.device", "training.dist_backend",
                                          "training.dist_timeout", "data.load", "eval.bootstrap",
                                          "output"};
  std::map<std::string, nlohmann::json> a, b;
  flatten(to_json(before), "", a);
  flatten(to_json(now), "", b);
  std::set<std::string> keys;
  for (const auto& [k, v] : a) keys.insert(k);
  for (const auto& [k, v] : b) keys.insert(k);
  std::vector<std::string> differ;
  for (const auto& k : keys) {
    if (safe.count(k) != 0) continue;
    const auto x = a.find(k), y = b.find(k);
    if (x == a.end() || y == b.end() || x->second != y->second) differ.push_back(k);
  }
  return differ;
}

std::string to_yaml(const ExperimentConfig& c) {
  const nlohmann::json j = to_json(c);
  YAML::Emitter out;
  out << json_to_yaml(j);
  return std::string("# Effective jaams config (defaults filled in, overrides applied)\n") + out.c_str() + "\n";
}

}  // namespace jaams::config
