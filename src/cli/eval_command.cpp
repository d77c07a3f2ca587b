// jaams eval: accuracy, confusion matrix and per-class scores of a model package, on a labelled
// audio tree or on one split of a training run.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "command_registry.hpp"
#include "inference_options.hpp"
#include "jaams/config/experiment_config.hpp"
#include "jaams/eval/metrics_format.hpp"
#include "jaams/models/device.hpp"
#include "jaams/predict/evaluation.hpp"
#include "jaams/predict/result_writer.hpp"
#include "jaams/util/atomic_file.hpp"
#include "jaams/util/error.hpp"
#include "jaams/util/progress.hpp"

namespace jaams::cli {
namespace {
namespace fs = std::filesystem;

struct EvalCliOptions {
  std::string model;
  std::string data;
  std::string run;
  std::string split = "test";
  std::string output;
  std::string pooling = "mean";
  int threads = 0;
  int batch_size = 0;
  std::string device = "auto";
  int bootstrap = -1;  // -1: the run's eval.bootstrap with --run, else the default
};

std::string folder_name(const fs::path& p) {
  const fs::path clean = p.lexically_normal();
  const std::string name = (clean.has_filename() ? clean.filename() : clean.parent_path().filename()).string();
  return name.empty() || name == "." || name == ".." ? "data" : name;
}

void run_eval_command(const EvalCliOptions& cli) {
  if (cli.data.empty() == cli.run.empty()) throw Error("eval: give exactly one of --data DIR or --run RUN_DIR");
  const fs::path model = !cli.model.empty() ? fs::path(cli.model)
                         : !cli.run.empty() ? fs::path(cli.run) / "model.jaams"
                                            : fs::path();
  if (model.empty()) throw Error("eval: --model PKG is required with --data");
  predict::PredictOptions o;
  o.threads = cli.threads;
  o.batch_size = cli.batch_size;
  o.device = cli.device;
  o.pooling = eval::parse_pooling(cli.pooling);

  const std::string name = !cli.data.empty() ? folder_name(cli.data) : folder_name(cli.run) + "-" + cli.split;
  const fs::path out_dir = cli.output.empty() ? fs::path("eval-" + name) : fs::path(cli.output);
  std::string title;
  eval::Metrics metrics;
  bool some_failed = false;
  int resamples = eval::kDefaultBootstrapResamples;

  if (!cli.data.empty()) {
    predict::Predictor predictor = predict::load_predictor(model, o);
    // The per-file rows, as `jaams predict --segments` would write them minus the segment rows.
    predict::RowLayout layout;
    layout.classes = predictor.classes();
    layout.class_columns = true;
    fs::create_directories(out_dir);
    remove_atomic_temps(out_dir);
    predict::ResultWriter rows(layout, out_dir / "predictions.csv", /*append=*/false);
    auto inputs = predict::list_labelled_tree(cli.data, predictor.classes());
    auto progress = std::make_unique<Progress>("eval", inputs.files.size(), "files");
    const auto ev = predict::evaluate_labelled(predictor, std::move(inputs), [&](const predict::FileResult& r) {
      rows.write(r);
      if (!r.ok()) spdlog::warn("{}: {}", r.path.string(), r.error);
      progress->advance();
    });
    progress.reset();  // ends the bar line before the summary
    metrics = ev.metrics;
    some_failed = !ev.failures.empty();
    spdlog::info("eval: {} files ({} failed, left out), {:.1f} s of audio", ev.inputs.files.size(), ev.failures.size(),
                 ev.audio_seconds);
    title = "Evaluation of " + model.string() + " on " + cli.data + " (" + cli.pooling + " pooling)";
  } else {
    const torch::Device device = resolve_device(cli.device);
    const models::Package package = models::load_package(model, device);
    const int batch = cli.batch_size > 0 ? cli.batch_size : predict::default_batch_size(device);
    const auto ev = predict::evaluate_run_split(package, model.string(), cli.run, cli.split, o.pooling, batch);
    metrics = ev.metrics;
    resamples = config::load_experiment_config(fs::path(cli.run) / "config.yaml").eval.bootstrap;
    spdlog::info("eval: {} segments of split '{}' from {}", ev.segments, cli.split, ev.images_dir.string());
    title = "Evaluation of " + model.string() + " on the " + cli.split + " split of " + cli.run + " (" + cli.pooling +
            " pooling)";
  }

  eval::set_confidence_intervals(metrics, cli.bootstrap >= 0 ? cli.bootstrap : resamples);
  eval::write_metrics_json(out_dir / "metrics.json", metrics);
  write_file_atomic(out_dir / "metrics.md", eval::to_markdown(metrics, title));
  std::cout << eval::to_text(metrics) << std::flush;
  spdlog::info("wrote {}", (out_dir / "metrics.json").string() + ", " + (out_dir / "metrics.md").string() +
                               (cli.data.empty() ? "" : ", " + (out_dir / "predictions.csv").string()));
  set_exit_status(some_failed ? kExitSomeFailed : kExitOk);
}

void setup_eval(CLI::App& app) {
  auto opts = std::make_shared<EvalCliOptions>();
  auto* cmd = app.add_subcommand("eval", "Evaluate a model package on labelled audio or on a split of a training run");
  cmd->add_option("-m,--model", opts->model, "Model package (default with --run: RUN_DIR/model.jaams)");
  cmd->add_option("--data", opts->data, "Labelled audio: DIR/<genre>/<file>, run through the same path as predict");
  cmd->add_option("--run", opts->run, "Training run folder: score the preprocessed images of one of its splits");
  cmd->add_option("--split", opts->split, "With --run: train, val or test")
      ->check(CLI::IsMember({"train", "val", "test"}))
      ->capture_default_str();
  cmd->add_option("-o,--output", opts->output,
                  "Folder for metrics.json, metrics.md (and predictions.csv with --data); "
                  "default: eval-<data or run name>");
  cmd->add_option("--pooling", opts->pooling, "Segment probabilities -> track: mean, vote or max")
      ->check(CLI::IsMember({"mean", "vote", "max"}))
      ->capture_default_str();
  cmd->add_option("--bootstrap", opts->bootstrap,
                  "Resamples of the tracks for the 95% confidence intervals (0: none; default: the run's "
                  "eval.bootstrap with --run, else 1000)")
      ->check(CLI::NonNegativeNumber);
  add_inference_options(cmd, opts->threads, opts->batch_size, opts->device,
                        "Decoding/feature threads with --data (0: all cores)");
  cmd->footer(
      "With --data, sub-folders that are not among the model's classes are reported and skipped, and\n"
      "files that cannot be decoded are left out of the metrics (exit status 1).\n"
      "Exit status: 0 done, 1 some files failed, 2 bad arguments, model or data.");
  cmd->callback([opts] { run_eval_command(*opts); });
}

RegisterCommand registration(30, setup_eval);

}  // namespace
}  // namespace jaams::cli
