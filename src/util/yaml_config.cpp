#include "jaams/util/yaml_config.hpp"

#include <spdlog/spdlog.h>

#include <cstdint>

#include "jaams/util/error.hpp"

namespace jaams {

namespace {

// yaml-cpp keeps every entry of a mapping that names a key twice and answers look-ups with the
// first, so `epochs: 1` then `epochs: 2` would silently train 1 epoch: refuse it instead.
void reject_duplicate_keys(const YAML::Node& node, const std::filesystem::path& path, const std::string& where) {
  if (node.IsMap()) {
    std::set<std::string> seen;
    for (const auto& kv : node) {
      const std::string key = kv.first.Scalar();
      const std::string dotted = where.empty() ? key : where + "." + key;
      if (!seen.insert(key).second) {
        throw Error(path.string() + ": line " + std::to_string(kv.first.Mark().line + 1) + ": key '" + dotted +
                    "' is given twice");
      }
      reject_duplicate_keys(kv.second, path, dotted);
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) reject_duplicate_keys(item, path, where);
  }
}

}  // namespace

YAML::Node load_yaml_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw Error(path.string() + ": config file not found");
  try {
    YAML::Node node = YAML::LoadFile(path.string());
    if (node.IsNull()) return YAML::Node(YAML::NodeType::Map);
    if (!node.IsMap()) throw Error(path.string() + ": a config must be a mapping of sections (key: value)");
    reject_duplicate_keys(node, path, "");
    return node;
  } catch (const YAML::Exception& e) {
    throw Error(path.string() + ": not valid YAML at line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

void apply_override(YAML::Node& root, const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw Error("--set '" + assignment + "': expected KEY.PATH=VALUE, e.g. training.epochs=20");
  }
  const std::string key = assignment.substr(0, eq);
  const std::string text = assignment.substr(eq + 1);
  YAML::Node value;
  try {
    value = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error("--set '" + assignment + "': value is not valid YAML: " + e.msg);
  }
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto dot = key.find('.', start);
    parts.push_back(key.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  // yaml-cpp nodes are handles: walk with fresh handles rather than reassigning one (which
  // would overwrite the node it refers to).
  std::vector<YAML::Node> chain{root};
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    if (parts[i].empty()) throw Error("--set '" + assignment + "': empty key part");
    YAML::Node child = chain.back()[parts[i]];
    if (!child.IsDefined() || child.IsNull()) {
      chain.back()[parts[i]] = YAML::Node(YAML::NodeType::Map);
      child = chain.back()[parts[i]];
    } else if (!child.IsMap()) {
      throw Error("--set '" + assignment + "': '" + parts[i] + "' is not a section");
    }
    chain.push_back(child);
  }
  if (text.empty()) {
    // "key=" drops the key: back to its default. Said in the log, since a value the config file
    // sets disappears with it.
    const YAML::Node old = chain.back()[parts.back()];
    if (old.IsDefined() && !old.IsNull()) {
      spdlog::info("--set {}=: the value {} is dropped, {} takes its default", key, YAML::Dump(old), key);
    } else {
      spdlog::info("--set {}=: {} takes its default", key, key);
    }
    chain.back().remove(parts.back());
  } else {
    chain.back()[parts.back()] = value;
  }
}

YamlSection::YamlSection(YAML::Node node, std::string path, std::string source)
    : node_(std::move(node)), path_(std::move(path)), source_(std::move(source)) {
  if (node_.IsDefined() && !node_.IsNull() && !node_.IsMap()) {
    throw Error(source_ + ": " + (path_.empty() ? std::string("top level") : path_) + ": expected a mapping");
  }
}

std::string YamlSection::key_path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

void YamlSection::fail(const std::string& key, const std::string& problem) const {
  throw Error(source_ + ": " + key_path(key) + ": " + problem);
}

bool YamlSection::has(const std::string& key) const {
  return node_.IsMap() && node_[key].IsDefined() && !node_[key].IsNull();
}

YAML::Node YamlSection::raw(const std::string& key) {
  seen_.insert(key);
  return node_.IsMap() ? node_[key] : YAML::Node();
}

namespace {
template <typename T>
const char* type_name() {
  if constexpr (std::is_same_v<T, bool>) return "true or false";
  if constexpr (std::is_integral_v<T>) return "an integer";
  if constexpr (std::is_floating_point_v<T>) return "a number";
  return "a string";
}
}  // namespace

template <typename T>
YamlSection& YamlSection::read(const std::string& key, T& value) {
  seen_.insert(key);
  if (!has(key)) return *this;
  const YAML::Node n = node_[key];
  try {
    if constexpr (std::is_same_v<T, std::vector<std::string>>) {
      if (!n.IsSequence()) fail(key, "expected a list, e.g. [a, b]");
      value = n.as<std::vector<std::string>>();
    } else if constexpr (std::is_same_v<T, std::filesystem::path>) {
      if (!n.IsScalar()) fail(key, "expected a path");
      value = n.as<std::string>();
    } else {
      if (!n.IsScalar()) fail(key, std::string("expected ") + type_name<T>());
      if constexpr (std::is_unsigned_v<T> && !std::is_same_v<T, bool>) {
        if (n.Scalar().find('-') != std::string::npos) fail(key, "expected a non-negative integer, got '" + n.Scalar() + "'");
      }
      value = n.as<T>();
    }
  } catch (const YAML::Exception&) {
    fail(key, std::string("expected ") + type_name<T>() + ", got '" + (n.IsScalar() ? n.Scalar() : "a structure") + "'");
  }
  return *this;
}

template YamlSection& YamlSection::read<bool>(const std::string&, bool&);
template YamlSection& YamlSection::read<int>(const std::string&, int&);
template YamlSection& YamlSection::read<std::int64_t>(const std::string&, std::int64_t&);
template YamlSection& YamlSection::read<std::uint64_t>(const std::string&, std::uint64_t&);
template YamlSection& YamlSection::read<double>(const std::string&, double&);
template YamlSection& YamlSection::read<std::string>(const std::string&, std::string&);
template YamlSection& YamlSection::read<std::vector<std::string>>(const std::string&, std::vector<std::string>&);
template YamlSection& YamlSection::read<std::filesystem::path>(const std::string&, std::filesystem::path&);

YamlSection& YamlSection::read_choice(const std::string& key, std::string& value,
                                      std::initializer_list<const char*> allowed) {
  read(key, value);
  std::string options;
  for (const char* a : allowed) {
    if (value == a) return *this;
    options += options.empty() ? a : std::string(", ") + a;
  }
  fail(key, "'" + value + "' is not one of " + options);
}

YamlSection YamlSection::section(const std::string& key) {
  seen_.insert(key);
  YAML::Node child = node_.IsMap() ? node_[key] : YAML::Node();
  if (child.IsDefined() && !child.IsNull() && !child.IsMap()) fail(key, "expected a section (a mapping of keys)");
  return YamlSection(child, key_path(key), source_);
}

void YamlSection::reject_unknown_keys() const {
  if (!node_.IsMap()) return;
  for (const auto& kv : node_) {
    const std::string key = kv.first.as<std::string>();
    if (seen_.count(key) == 0) {
      std::string known;
      for (const auto& s : seen_) known += known.empty() ? s : ", " + s;
      throw Error(source_ + ": unknown key '" + key_path(key) + "' (known here: " + known + ")");
    }
  }
}

}  // namespace jaams
