#pragma once
// Reads a model's hyper-parameters (ModelSpec::params) with defaults, and rejects keys the model
// does not know, so a typo in a config ("hiden: 500") fails loudly instead of training the
// default. Errors name the key as `model.<key>`.
#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <string>

namespace jaams::models {

class ParamReader {
 public:
  // `params` must be an object or null (no parameters); `model` is used in messages.
  ParamReader(const nlohmann::json& params, std::string model);

  // An integer >= 1.
  int positive_int(const std::string& key, int default_value);
  bool boolean(const std::string& key, bool default_value);
  // An integer in [min_value, max_value].
  int integer(const std::string& key, int default_value, int min_value, int max_value);
  // A number in [min_value, max_value].
  double number(const std::string& key, double default_value, double min_value, double max_value);
  // A non-empty string, or nullopt when the key is absent.
  std::optional<std::string> string(const std::string& key);
  bool has(const std::string& key) const;

  // Throws jaams::Error for any key that none of the getters above asked for.
  void finish() const;

 private:
  const nlohmann::json* find(const std::string& key);

  nlohmann::json params_;
  std::string model_;
  std::set<std::string> known_;
};

}  // namespace jaams::models
