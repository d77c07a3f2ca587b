// jaams report RUN_DIR... : compares training runs in report.md, accuracy.csv and report.html,
// and prints the accuracy table.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "command_registry.hpp"
#include "jaams/eval/report.hpp"

namespace jaams::cli {

namespace {

struct ReportOptions {
  std::vector<std::string> run_dirs;
  std::string output = "report";
  std::string title = "jaams training report";
};

void run_report(const ReportOptions& opts) {
  std::vector<eval::RunData> runs;
  for (const auto& dir : opts.run_dirs) runs.push_back(eval::load_run(dir));
  const eval::ReportFiles files = eval::write_report(runs, opts.output, opts.title);
  spdlog::info("wrote {}, {} and {}", files.markdown.string(), files.csv.string(), files.html.string());
  std::cout << eval::accuracy_table_markdown(runs) << std::flush;
  set_exit_status(kExitOk);
}

void setup_report(CLI::App& app) {
  auto opts = std::make_shared<ReportOptions>();
  CLI::App* sub = app.add_subcommand(
      "report", "Compare training runs: accuracy table, image-kind comparison, curves and confusion matrices");
  sub->add_option("runs", opts->run_dirs, "Run folders written by `jaams train` (each holds run.json)")
      ->required()
      ->type_name("RUN_DIR");
  sub->add_option("-o,--output", opts->output, "Folder for report.md, accuracy.csv and report.html")
      ->capture_default_str();
  sub->add_option("--title", opts->title, "Title of the report")->capture_default_str();
  sub->callback([opts] { run_report(*opts); });
}

RegisterCommand reg(60, setup_report);

}  // namespace

}  // namespace jaams::cli
