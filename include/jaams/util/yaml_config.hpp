#pragma once
// Strict reading of jaams' YAML configs. Every key a reader does not ask for is an error, so a
// typo ("sampel_rate") is caught instead of silently falling back to a default. Messages name the
// file and the full dotted key: "configs/x.yaml: training.epochs: expected an integer, got 'ten'".
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <initializer_list>
#include <set>
#include <string>
#include <vector>

namespace jaams {

// Loads a YAML file; a missing file or a syntax error is a jaams::Error naming the file (and line).
YAML::Node load_yaml_file(const std::filesystem::path& path);

// Applies "a.b.c=value" to `root`, creating mappings as needed. The value is parsed as YAML
// ("3", "0.5", "[mel, chroma]", "true"); "a.b=" with nothing after '=' removes the key, so it
// takes its default. Throws jaams::Error for a malformed assignment.
void apply_override(YAML::Node& root, const std::string& assignment);

class YamlSection {
 public:
  // `node` may be null/undefined (an absent section: every read keeps its default).
  YamlSection(YAML::Node node, std::string path, std::string source);

  // Reads `key` into `value` when present; keeps `value` otherwise. T: bool, int, std::int64_t,
  // std::uint64_t, double, std::string, std::vector<std::string>, std::filesystem::path.
  template <typename T>
  YamlSection& read(const std::string& key, T& value);

  // Reads a string that must be one of `allowed`.
  YamlSection& read_choice(const std::string& key, std::string& value, std::initializer_list<const char*> allowed);

  // A nested mapping (absent -> empty section).
  YamlSection section(const std::string& key);

  bool has(const std::string& key) const;
  // The raw node of a key (marks it as read).
  YAML::Node raw(const std::string& key);

  // Throws jaams::Error for the first key of this mapping that no read() asked for.
  void reject_unknown_keys() const;

  // "training.epochs" for key "epochs" in section "training".
  std::string key_path(const std::string& key) const;
  [[noreturn]] void fail(const std::string& key, const std::string& problem) const;

 private:
  YAML::Node node_;
  std::string path_;
  std::string source_;
  std::set<std::string> seen_;
};

}  // namespace jaams
