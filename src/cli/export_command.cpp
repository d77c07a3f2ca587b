// jaams export: a model package as a TorchScript module for serving outside jaams.
#include <spdlog/spdlog.h>

#include <memory>
#include <string>

#include "command_registry.hpp"
#include "jaams/predict/export.hpp"
#include "jaams/util/error.hpp"

namespace jaams::cli {
namespace {

struct ExportCliOptions {
  std::string model;
  std::string output;
};

void run_export_command(const ExportCliOptions& cli) {
  std::error_code ec;
  if (std::filesystem::exists(cli.output, ec) && std::filesystem::equivalent(cli.output, cli.model, ec))
    throw Error("--output '" + cli.output + "' is the model package; choose another file");
  predict::export_package(cli.model, cli.output);
  spdlog::info("export: {} -> {} (TorchScript; torch.jit.load, extra files jaams/meta.json, jaams/classes.json, "
               "jaams/pipeline.json, jaams/input.json)",
               cli.model, cli.output);
  set_exit_status(kExitOk);
}

void setup_export(CLI::App& app) {
  auto opts = std::make_shared<ExportCliOptions>();
  auto* cmd = app.add_subcommand("export", "Write a model package as a TorchScript module (model.pt) for serving");
  cmd->add_option("-m,--model", opts->model, "Model package written by jaams train (model.jaams)")->required();
  cmd->add_option("-o,--output", opts->output, "TorchScript file to write (model.pt)")->required();
  cmd->footer(
      "The module's forward takes one batch of model inputs (uint8 [N,3,H,W] images, or float32 [N,D]\n"
      "feature matrices: see jaams/input.json inside the file) and returns the class probabilities\n"
      "[N, classes] in the order of jaams/classes.json. Python:\n"
      "  files = {'jaams/classes.json': ''}; m = torch.jit.load('model.pt', _extra_files=files)\n"
      "Exit status: 0 written, 2 bad model package or output, 3 a failure on the way (e.g. a full disk).");
  cmd->callback([opts] { run_export_command(*opts); });
}

RegisterCommand registration(45, setup_export);

}  // namespace
}  // namespace jaams::cli
