#include "jaams/models/model_params.hpp"

#include <utility>

#include "jaams/util/error.hpp"

namespace jaams::models {

ParamReader::ParamReader(const nlohmann::json& params, std::string model)
    : params_(params.is_null() ? nlohmann::json::object() : params), model_(std::move(model)) {
  if (!params_.is_object()) throw Error("model.params of model '" + model_ + "' must be a mapping, got " + params.dump());
}

const nlohmann::json* ParamReader::find(const std::string& key) {
  known_.insert(key);
  const auto it = params_.find(key);
  return it == params_.end() || it->is_null() ? nullptr : &*it;
}

bool ParamReader::has(const std::string& key) const {
  const auto it = params_.find(key);
  return it != params_.end() && !it->is_null();
}

int ParamReader::positive_int(const std::string& key, int default_value) {
  const auto* value = find(key);
  if (value == nullptr) return default_value;
  if (!value->is_number_integer() || value->get<long long>() < 1 || value->get<long long>() > 1'000'000) {
    throw Error("model." + key + ": expected a positive integer for model '" + model_ + "', got " + value->dump());
  }
  return value->get<int>();
}

int ParamReader::integer(const std::string& key, int default_value, int min_value, int max_value) {
  const auto* value = find(key);
  if (value == nullptr) return default_value;
  if (!value->is_number_integer() || value->get<long long>() < min_value || value->get<long long>() > max_value) {
    throw Error("model." + key + ": expected an integer in [" + std::to_string(min_value) + ", " + std::to_string(max_value) +
                "] for model '" + model_ + "', got " + value->dump());
  }
  return value->get<int>();
}

double ParamReader::number(const std::string& key, double default_value, double min_value, double max_value) {
  const auto* value = find(key);
  if (value == nullptr) return default_value;
  if (!value->is_number() || !(value->get<double>() >= min_value) || !(value->get<double>() <= max_value)) {
    throw Error("model." + key + ": expected a number in [" + std::to_string(min_value) + ", " + std::to_string(max_value) +
                "] for model '" + model_ + "', got " + value->dump());
  }
  return value->get<double>();
}

bool ParamReader::boolean(const std::string& key, bool default_value) {
  const auto* value = find(key);
  if (value == nullptr) return default_value;
  if (!value->is_boolean()) {
    throw Error("model." + key + ": expected true or false for model '" + model_ + "', got " + value->dump());
  }
  return value->get<bool>();
}

std::optional<std::string> ParamReader::string(const std::string& key) {
  const auto* value = find(key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string() || value->get<std::string>().empty()) {
    throw Error("model." + key + ": expected a non-empty string for model '" + model_ + "', got " + value->dump());
  }
  return value->get<std::string>();
}

void ParamReader::finish() const {
  for (const auto& item : params_.items()) {
    if (known_.count(item.key()) != 0) continue;
    std::string known;
    for (const auto& k : known_) known += (known.empty() ? "" : ", ") + k;
    throw Error("model." + item.key() + ": unknown parameter for model '" + model_ + "' (known: " +
                (known.empty() ? std::string("none") : known) + ")");
  }
}

}  // namespace jaams::models
