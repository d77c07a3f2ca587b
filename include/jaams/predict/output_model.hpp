#pragma once
// Which model wrote a predict output, so that --resume never mixes two models' rows in one file.
// The record is a small JSON side file, `.NAME.model.json` beside the output NAME:
//   {"model": "<package path as given>", "identity": "<weights checksum>"}
// written when a run starts a fresh output and checked when a run resumes it.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace jaams::predict {

// What identifies a package's model: the weights checksum its metadata carries, or for packages
// written before jaams stored one, a checksum of the package file's bytes.
std::string model_identity(const nlohmann::json& package_meta, const std::filesystem::path& package);

std::filesystem::path output_model_path(const std::filesystem::path& output);

// Writes the record for a fresh `output` (atomically).
void record_output_model(const std::filesystem::path& output, const std::string& identity,
                         const std::string& package);

// For a resume of `output`: throws jaams::Error naming both packages when the rows there came
// from another model. A fresh output (nothing to resume) passes; an output without a record
// (written before records existed) passes with a warning.
void check_resume_model(const std::filesystem::path& output, const std::string& identity, const std::string& package,
                        bool fresh);

}  // namespace jaams::predict
