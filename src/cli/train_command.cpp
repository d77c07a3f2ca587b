// jaams train: an experiment config -> a run folder with the best model package and its metrics.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>

#include "command_registry.hpp"
#include "jaams/config/experiment_config.hpp"
#include "jaams/train/process_group.hpp"
#include "jaams/train/trainer.hpp"
#include "jaams/util/atomic_file.hpp"
#include "jaams/util/error.hpp"

namespace jaams::cli {
namespace {

struct TrainCliOptions {
  std::string config;
  std::vector<std::string> overrides;
  std::string output;
  std::string data;
  std::string device;
  bool resume = false;
  int overfit = 0;
};

void run_train_command(const TrainCliOptions& cli) {
  std::vector<std::string> overrides = cli.overrides;
  if (!cli.data.empty()) overrides.push_back("data.root=" + cli.data);
  if (!cli.device.empty()) overrides.push_back("training.device=" + cli.device);
  if (cli.overfit > 0) overrides.push_back("training.overfit=" + std::to_string(cli.overfit));
  auto cfg = config::load_experiment_config(cli.config, overrides);
  if (!cli.output.empty()) cfg.output = cli.output;
  if (cfg.output.empty()) throw Error("train: no run folder: give --output DIR or `output:` in the config");
  require_writable_folder(cfg.output, "--output '" + cfg.output.string() + "'");

  train::TrainOptions options;
  options.resume = cli.resume;
  // Ranks other than 0 of a distributed run would repeat rank 0's log line for line.
  if (train::distributed_env_from_environment().rank > 0 && spdlog::get_level() < spdlog::level::warn) {
    spdlog::set_level(spdlog::level::warn);
  }
  const auto summary = train::run_training(cfg, cfg.output, options);
  if (!summary.primary) {
    set_exit_status(kExitOk);
    return;
  }
  const auto& info = summary.info;
  auto acc = [&](const char* split) {
    const auto it = info.accuracy.find(split);
    return it == info.accuracy.end() ? std::string("  -   ") : std::to_string(it->second.segment).substr(0, 6);
  };
  std::printf("%s (%s on %s%s): best epoch %d of %d; segment accuracy train %s val %s test %s\n", info.name.c_str(),
              info.model.c_str(), info.kind.c_str(), info.random_backbone ? ", RANDOM AlexNet backbone" : "", info.best_epoch,
              info.epochs_run, acc("train").c_str(), acc("val").c_str(), acc("test").c_str());
  std::printf("run folder: %s (model.jaams, history.csv, eval/)\n", cfg.output.string().c_str());
  set_exit_status(kExitOk);
}

void setup_train(CLI::App& app) {
  auto opts = std::make_shared<TrainCliOptions>();
  auto* cmd = app.add_subcommand("train", "Train ann, cnn or alexcnn on preprocessed images (or raw audio) from a config");
  cmd->add_option("-c,--config", opts->config, "Experiment config (YAML), e.g. configs/cnn_mel.yaml");
  cmd->add_option("--set", opts->overrides, "Override a config key, e.g. --set training.epochs=5 (repeatable)");
  cmd->add_option("-o,--output", opts->output, "Run folder (default: `output` of the config)");
  cmd->add_option("--data", opts->data, "Shorthand for --set data.root=DIR");
  cmd->add_option("--device", opts->device, "auto | cpu | cuda | cuda:N (shorthand for training.device)");
  cmd->add_flag("--resume", opts->resume, "Continue an interrupted run from its last checkpoint");
  cmd->add_option("--overfit", opts->overfit, "Sanity check: train on N samples until they are memorised")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([opts] { run_train_command(*opts); });
}

RegisterCommand registration(20, setup_train);

}  // namespace
}  // namespace jaams::cli
