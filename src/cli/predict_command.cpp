// jaams predict: genre of every audio file given (files, folders, @lists), with a model package.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "command_registry.hpp"
#include "inference_options.hpp"
#include "jaams/eval/pooling.hpp"
#include "jaams/eval/statistics.hpp"
#include "jaams/predict/embedding_writer.hpp"
#include "jaams/predict/inputs.hpp"
#include "jaams/predict/output_model.hpp"
#include "jaams/predict/predictor.hpp"
#include "jaams/predict/result_writer.hpp"
#include "jaams/util/error.hpp"
#include "jaams/util/file_lock.hpp"
#include "jaams/util/logging.hpp"
#include "jaams/util/progress.hpp"

namespace jaams::cli {
namespace {

struct PredictCliOptions {
  std::string model;
  std::vector<std::string> paths;
  std::string output;
  std::string format;  // empty: from the --output name, else csv
  int top_k = 3;
  std::string pooling = "mean";
  bool segments = false;
  std::size_t max_segments = 0;
  int threads = 0;
  int batch_size = 0;
  std::string device = "auto";
  bool resume = false;
  std::string shard;
  bool tags = false;
  double min_confidence = 0.0;
  bool calibrated = false;
  std::string embeddings;
};

void run_predict_command(const PredictCliOptions& cli) {
  predict::PredictOptions o;
  o.threads = cli.threads;
  o.batch_size = cli.batch_size;
  o.device = cli.device;
  o.top_k = cli.top_k;
  o.pooling = eval::parse_pooling(cli.pooling);
  o.max_segments = cli.max_segments;
  o.tags = cli.tags;
  o.embeddings = !cli.embeddings.empty();
  if (cli.resume && cli.output.empty()) throw Error("--resume needs --output FILE (the output of the interrupted run)");

  predict::RowLayout layout;
  layout.format = !cli.format.empty()  ? predict::parse_output_format(cli.format)
                  : cli.output.empty() ? predict::OutputFormat::csv
                                       : predict::format_for_path(cli.output);
  layout.top_k = static_cast<std::size_t>(cli.top_k);
  layout.segment_rows = cli.segments;
  layout.class_columns = cli.segments;
  layout.min_confidence = cli.min_confidence;

  // Inputs first: a typo in a PATH should fail before the model is loaded.
  std::vector<std::filesystem::path> inputs = predict::collect_inputs(cli.paths);
  const std::size_t found = inputs.size();
  if (!cli.shard.empty()) {
    const auto shard = predict::parse_shard(cli.shard);
    inputs = predict::select_shard(inputs, shard);
    spdlog::info("shard {}/{}: {} of {} files", shard.index, shard.count, inputs.size(), found);
  }

  // Writing the rows over an input or the model would destroy it.
  std::error_code ec;
  if (!cli.output.empty() && std::filesystem::exists(cli.output, ec)) {
    if (std::filesystem::equivalent(cli.output, cli.model, ec)) {
      throw Error("--output '" + cli.output + "' is the model package; choose another file");
    }
    for (const auto& p : inputs) {
      if (std::filesystem::equivalent(cli.output, p, ec)) {
        throw Error("--output '" + cli.output + "' is one of the inputs (" + p.string() + "); choose another file");
      }
    }
  }
  // Two runs appending to one file would interleave their rows: the second one stops here.
  // A device or pipe (-o /dev/stdout) has no folder of its own to hold a lock or a model record.
  const bool output_file =
      !cli.output.empty() && (!std::filesystem::exists(cli.output, ec) || std::filesystem::is_regular_file(cli.output, ec));
  std::optional<FileLock> output_lock, embeddings_lock;
  if (output_file) output_lock.emplace(lock_output_file(cli.output, "--output '" + cli.output + "'"));
  if (o.embeddings) {
    if (std::filesystem::exists(cli.embeddings, ec) &&
        (std::filesystem::equivalent(cli.embeddings, cli.model, ec) ||
         (!cli.output.empty() && std::filesystem::equivalent(cli.embeddings, cli.output, ec))))
      throw Error("--embeddings '" + cli.embeddings + "' is the model package or the --output file; choose another file");
    embeddings_lock.emplace(lock_output_file(cli.embeddings, "--embeddings '" + cli.embeddings + "'"));
  }
  predict::Predictor predictor = predict::load_predictor(cli.model, o);
  layout.classes = predictor.classes();
  if (cli.tags) {
    if (predictor.settings().tag_names.empty()) throw Error(cli.model + ": --tags: this model has no tag outputs (the transfer models do)");
    layout.tag_names = predictor.settings().tag_names;
  }

  const std::string model_identity = output_file ? predict::model_identity(predictor.meta(), cli.model) : "";
  bool append = false;
  predict::ResumeState state;
  if (cli.resume) {
    state = predict::prepare_resume(cli.output, layout);
    if (output_file) predict::check_resume_model(cli.output, model_identity, cli.model, state.fresh);
    append = !state.fresh;
    std::vector<std::filesystem::path> todo;
    for (auto& p : inputs) {
      if (!state.done.count(p.string())) todo.push_back(std::move(p));
    }
    spdlog::info("resume: {} file(s) already in {}, {} to do{}", inputs.size() - todo.size(), cli.output, todo.size(),
                 state.dropped_bytes ? " (dropped the unfinished end of the file)" : "");
    inputs = std::move(todo);
  }
  if (output_file && !append) predict::record_output_model(cli.output, model_identity, cli.model);
  predict::ResultWriter writer(layout, cli.output, append);
  std::optional<predict::EmbeddingWriter> embeddings;
  if (o.embeddings) embeddings.emplace(cli.embeddings, predictor.embedding_size(), cli.segments, append ? &state.done : nullptr);
  if (inputs.empty()) {
    spdlog::warn("no audio files to classify");
    set_exit_status(kExitOk);
    return;
  }
  spdlog::info("{} file(s), model {} ({} classes, {} inputs) on {}, batches of {}", inputs.size(), cli.model,
               layout.classes.size(), data::kinds_label(predictor.settings().layout), predictor.device().str(),
               predictor.options().batch_size);

  std::size_t failed = 0;
  double audio_seconds = 0.0;
  Progress progress("predict", inputs.size(), "files");
  const double temperature = cli.calibrated ? predictor.settings().temperature : 1.0;
  if (cli.calibrated && temperature == 1.0)
    spdlog::warn("{}: --calibrated: the package has no fitted temperature (trained without a validation split "
                 "or by an older jaams); probabilities are the model's own",
                 cli.model);
  predictor.run(inputs, [&](predict::FileResult&& r) {
    // The track's probabilities only: a monotone change of one vector, so its genre stays the same.
    if (r.ok() && temperature != 1.0) r.probabilities = eval::apply_temperature(r.probabilities, temperature);
    // Embeddings first: on --resume, a track whose row is missing is done again and its
    // embeddings dropped, so they can never be counted twice.
    if (embeddings) embeddings->write(r);
    writer.write(r);
    audio_seconds += r.audio_seconds;
    if (!r.ok()) {
      ++failed;
      spdlog::warn("{}: {}", printable(r.path.string()), printable(r.error));
    }
    const double wall = progress.elapsed_seconds();
    char status[64];
    std::snprintf(status, sizeof status, "%.1fx real time, %zu failed", wall > 0 ? audio_seconds / wall : 0.0, failed);
    progress.advance(1, status);
  });
  const double wall = progress.elapsed_seconds();
  spdlog::info("predict: {} files, {} failed, {:.1f} s of audio in {:.2f} s ({:.1f} files/s, {:.1f}x real time){}{}",
               inputs.size(), failed, audio_seconds, wall, wall > 0 ? inputs.size() / wall : 0.0,
               wall > 0 ? audio_seconds / wall : 0.0, cli.output.empty() ? "" : ", rows in ", cli.output);
  if (embeddings) {
    spdlog::info("embeddings: {} tracks of {} values in {} (index {})", embeddings->tracks(), predictor.embedding_size(),
                 embeddings->paths().tracks.string(), embeddings->paths().track_index.string());
  }
  set_exit_status(failed == 0 ? kExitOk : kExitSomeFailed);
}

void setup_predict(CLI::App& app) {
  auto opts = std::make_shared<PredictCliOptions>();
  auto* cmd =
      app.add_subcommand("predict", "Classify audio files, folders or whole music libraries with a model package");
  cmd->add_option("-m,--model", opts->model, "Model package written by jaams train (model.jaams)")->required();
  cmd->add_option("paths", opts->paths, "Audio file, folder (searched recursively) or @list.txt (one path per line)")
      ->required()
      ->type_name("PATH");
  cmd->add_option("-o,--output", opts->output, "Write rows to FILE instead of standard output");
  cmd->add_option("--format", opts->format, "csv or jsonl (default: jsonl for a .jsonl --output, else csv)")
      ->check(CLI::IsMember({"csv", "jsonl"}));
  cmd->add_option("-k,--top-k", opts->top_k, "Ranked genres per row (1 to 1000; more than the classes means all)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--pooling", opts->pooling, "Segment probabilities -> track: mean, vote or max")
      ->check(CLI::IsMember({"mean", "vote", "max"}))
      ->capture_default_str();
  cmd->add_flag("--segments", opts->segments,
                "Also write one row per segment; adds the columns row, segment, start_seconds and p_<class>");
  cmd->add_option("--max-segments", opts->max_segments, "Score at most N segments per file (0: all)")
      ->check(CLI::Range(std::size_t{0}, std::size_t{1000000000}))
      ->capture_default_str();
  add_inference_options(cmd, opts->threads, opts->batch_size, opts->device);
  cmd->add_option("--min-confidence", opts->min_confidence,
                  "Write the genre of a track as 'unknown' when its pooled top probability is below P "
                  "(the probabilities are still written)")
      ->check(CLI::Range(0.0, 1.0))
      ->type_name("P");
  cmd->add_flag("--calibrated", opts->calibrated,
                "Track probabilities after the package's temperature (fitted on the validation split after "
                "training); the genres do not change, --min-confidence then reads calibrated values");
  cmd->add_flag("--resume", opts->resume, "Continue an interrupted run: skip the files already in --output");
  cmd->add_flag("--tags", opts->tags,
                "Also write the model's music tags (transfer models: compact_cnn's 50 Million Song Dataset tags), "
                "the 5 strongest in a `tags` column (all of them in JSON lines)");
  cmd->add_option("--embeddings", opts->embeddings,
                  "Also write each track's embedding (the model's penultimate layer, mean over segments; transfer: "
                  "the backbone features) to FILE.npy (float32) with the index FILE.csv; with --segments also "
                  "FILE.segments.npy and FILE.segments.csv")
      ->type_name("FILE");
  cmd->add_option("--shard", opts->shard,
                  "Take only part I of N of the inputs (I from 1 to N), by a hash of each path");
  cmd->footer(
      "Rows are written as files finish, so their order follows completion, not the input order\n"
      "(sort by path for a stable listing). An interrupted run keeps every finished file's rows;\n"
      "--resume with the same --output and PATHs completes it. --shard splits the inputs by path\n"
      "string: give every shard the same PATH arguments.\n"
      "Exit status: 0 all files classified, 1 some files failed (see the error column),\n"
      "2 bad arguments or model package, or --output in use by another run, 3 a failure on the way\n"
      "(e.g. a full disk). See docs/input-rules.md.");
  cmd->callback([opts] { run_predict_command(*opts); });
}

RegisterCommand registration(40, setup_predict);

}  // namespace
}  // namespace jaams::cli
