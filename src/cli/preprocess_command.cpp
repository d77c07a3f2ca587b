// jaams preprocess: <root>/<genre>/<file> audio -> images, image cache, manifest.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>

#include "command_registry.hpp"
#include "jaams/config/experiment_config.hpp"
#include "jaams/data/preprocess.hpp"
#include "jaams/util/atomic_file.hpp"
#include "jaams/util/error.hpp"

namespace jaams::cli {
namespace {

struct PreprocessCliOptions {
  std::string config;
  std::vector<std::string> overrides;
  std::string input;
  std::string output;
  std::string kinds;
  bool raw = false;
  bool matrices = false;
  bool no_png = false;
  int threads = 0;
  bool fail_fast = false;
};

void run_preprocess_command(const PreprocessCliOptions& cli) {
  const auto cfg = config::load_experiment_config(cli.config, cli.overrides);
  data::PreprocessOptions o;
  o.input = cli.input.empty() ? cfg.data.root : std::filesystem::path(cli.input);
  if (o.input.empty()) throw Error("preprocess: no input folder: give --input DIR or data.root in the config");
  o.output = cli.output;
  require_writable_folder(o.output, "--output '" + o.output.string() + "'");
  o.genres = cfg.data.genres;
  o.kinds = cli.kinds.empty() ? cfg.preprocess_kinds : features::parse_feature_kinds(cli.kinds);
  o.pipeline = cfg.pipeline;
  o.write_raw = cli.raw;
  o.write_matrices = cli.matrices;
  o.write_png = !cli.no_png;
  o.threads = cli.threads;
  o.fail_fast = cli.fail_fast;

  const auto s = data::run_preprocess(o);
  const double speed = s.wall_seconds > 0 ? s.audio_seconds / s.wall_seconds : 0.0;
  std::printf(
      "preprocess: %zu files (%zu done now, %zu already complete, %zu failed), %zu segments, %.1f s of audio in %.2f s "
      "(%.0fx real time)\n",
      s.files, s.processed, s.skipped, s.failures.size(), s.segments, s.audio_seconds, s.wall_seconds, speed);
  std::printf("output: %s (manifest.csv%s)\n", o.output.string().c_str(), s.failures.empty() ? "" : ", failures.csv");
  if (s.stopped_early) spdlog::error("stopped at the first failure (--fail-fast)");
  set_exit_status(s.failures.empty() ? kExitOk : kExitSomeFailed);
}

void setup_preprocess(CLI::App& app) {
  auto opts = std::make_shared<PreprocessCliOptions>();
  auto* cmd = app.add_subcommand("preprocess", "Turn a <genre>/<file> audio dataset into 288x432 images (mel, centroid, chroma)");
  cmd->add_option("--config", opts->config, "Experiment config (YAML); its audio/features/image/data sections are used");
  cmd->add_option("--set", opts->overrides, "Override a config key, e.g. --set features.n_mels=96 (repeatable)");
  cmd->add_option("-i,--input", opts->input, "Dataset root: <root>/<genre>/<file> (default: data.root)");
  cmd->add_option("-o,--output", opts->output, "Output folder")->required();
  cmd->add_option("--kinds", opts->kinds,
                  "Kinds, comma-separated: mel,centroid,chroma (images) and stats,compact_mel (matrices only) "
                  "(default: features.kinds, else mel,centroid,chroma)");
  cmd->add_flag("--matrices", opts->matrices,
                "Also cache the feature matrices of the image kinds (for models with features.input: matrix)");
  cmd->add_flag("--raw", opts->raw, "Also write each unscaled feature matrix as float32 .npy (frequency x time)");
  cmd->add_flag("--no-png", opts->no_png, "Write only the training cache, no PNGs");
  cmd->add_option("-j,--threads", opts->threads, "Worker threads (default: all cores)")->check(CLI::NonNegativeNumber);
  cmd->add_flag("--fail-fast", opts->fail_fast, "Stop at the first file that fails");
  cmd->footer(
      "Re-running on the same output skips finished tracks and completes interrupted ones.\n"
      "Exit status: 0 all files done, 1 some files failed (see failures.csv), 2 bad arguments, config or\n"
      "output folder, 3 a failure on the way (e.g. disk full).");
  cmd->callback([opts] { run_preprocess_command(*opts); });
}

RegisterCommand registration(10, setup_preprocess);

}  // namespace
}  // namespace jaams::cli
