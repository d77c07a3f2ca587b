#pragma once
// Small, fast stand-ins for the predict tests: an untrained model package with 32x48 images and
// 2-s segments (seeded, so its outputs are the same on every run), music-like test audio, and a
// CSV reader for the rows jaams predict writes.
#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "jaams/pipeline/pipeline_config.hpp"

namespace jaams::predict::fixtures {

const std::vector<std::string>& tiny_classes();  // blues, classical, metal

// 22050 Hz, 2-s segments (pad from 95%), 32x48 images; the rest at the defaults.
pipeline::PipelineConfig tiny_pipeline();

struct PackageRecipe {
  std::vector<std::string> classes = tiny_classes();
  pipeline::PipelineConfig pipeline = tiny_pipeline();
  std::string kind = "mel";
  // cnn, ann, alexcnn (random backbone), pcnn, crnn (images); stats, transfer, transfer_stats
  // (transfer with add_stats) read matrices (kind and height/width are then ignored). Small sizes.
  std::string model = "cnn";
  std::uint64_t seed = 7;
  int height = 32;  // of the model; normally equal to the pipeline's image size
  int width = 48;
  // Applied to the metadata last, to make broken packages.
  nlohmann::json meta_patch = nlohmann::json::object();
  std::vector<std::string> remove_meta;  // keys taken out of the metadata
};

// Builds a randomly initialised `recipe.model` (torch seeded with recipe.seed) and saves it as a package
// with the metadata jaams train writes.
void write_package(const std::filesystem::path& path, const PackageRecipe& recipe = {});

// Mono, `seconds` long: a few partials whose pitches and loudness change every second, plus a
// little noise, so segments of one file look different to the model. `variant` picks the sound.
std::vector<float> music(double seconds, int sample_rate, int variant);

// Same sound on `channels` interleaved channels (slightly different levels per channel).
std::vector<float> interleave(const std::vector<float>& mono, int channels);

using Row = std::map<std::string, std::string>;

// Rows of a CSV file with a header, keyed by column name (RFC 4180 via data::CsvReader).
std::vector<Row> read_csv(const std::filesystem::path& path);
std::vector<std::string> read_csv_header(const std::filesystem::path& path);

double number(const Row& row, const std::string& column);

}  // namespace jaams::predict::fixtures
