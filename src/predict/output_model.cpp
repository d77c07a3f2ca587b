#include "jaams/predict/output_model.hpp"

#include <spdlog/spdlog.h>

#include <fstream>
#include <iterator>
#include <system_error>

#include "jaams/predict/inputs.hpp"
#include "jaams/util/atomic_file.hpp"
#include "jaams/util/error.hpp"

namespace jaams::predict {
namespace fs = std::filesystem;

std::string model_identity(const nlohmann::json& package_meta, const fs::path& package) {
  if (package_meta.contains("weights_checksum") && package_meta["weights_checksum"].is_string()) {
    return "weights:" + package_meta["weights_checksum"].get<std::string>();
  }
  std::ifstream in(package, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return "file:" + std::to_string(fnv1a64(bytes));
}

fs::path output_model_path(const fs::path& output) {
  return output.parent_path() / ("." + name_within_limit(output.filename().string(), 12) + ".model.json");
}

void record_output_model(const fs::path& output, const std::string& identity, const std::string& package) {
  const nlohmann::json record = {{"model", package}, {"identity", identity}};
  write_file_atomic(output_model_path(output), record.dump(2) + "\n");
}

void check_resume_model(const fs::path& output, const std::string& identity, const std::string& package, bool fresh) {
  if (fresh) return;
  const fs::path record_file = output_model_path(output);
  std::error_code ec;
  if (!fs::exists(record_file, ec)) {
    spdlog::warn("{}: no record of the model that wrote it ({}); cannot check that it is {}", output.string(),
                 record_file.string(), package);
    return;
  }
  nlohmann::json record;
  try {
    std::ifstream in(record_file);
    record = nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    throw Error(record_file.string() + ": unreadable record of the model that wrote " + output.string() + " (" +
                e.what() + "); remove it to resume anyway");
  }
  if (record.value("identity", std::string()) != identity) {
    throw Error("--resume: " + output.string() + " was written with another model (" +
                record.value("model", std::string("?")) + ") than " + package +
                "; its rows would mix two models. Use the same --model, or another --output");
  }
}

}  // namespace jaams::predict
