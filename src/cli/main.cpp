// jaams: music-genre classification from audio images. This file only parses global flags,
// sets up logging and hands over to the subcommand; all work happens in the core library.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <exception>
#include <iostream>

#include "command_registry.hpp"
#include "jaams/util/error.hpp"
#include "jaams/util/logging.hpp"
#include "jaams/util/memory.hpp"
#include "jaams/models/device.hpp"
#include "jaams/version.hpp"

namespace jaams::cli {
std::vector<CommandEntry>& command_registry() {
  static std::vector<CommandEntry> entries;
  return entries;
}
namespace {
int g_exit_status = kExitOk;
}
int exit_status() { return g_exit_status; }
void set_exit_status(int status) { g_exit_status = status; }
}  // namespace jaams::cli

int main(int argc, char** argv) {
  using namespace jaams;
  keep_freed_memory();
  CLI::App app{"jaams: train, evaluate and run music-genre classifiers (J.A.A.Ms method)"};
  app.require_subcommand(0, 1);
  app.fallthrough();

  int verbosity = 0;
  bool quiet = false;
  std::string log_level;
  app.add_flag("-v,--verbose", verbosity, "More log output (-v debug, -vv trace)");
  app.add_flag("-q,--quiet", quiet, "Only warnings and errors");
  app.add_option("--log-level", log_level, "trace|debug|info|warn|error|off (overrides -v/-q)")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  app.add_flag_callback(
      "--version", [] {
        std::cout << "jaams " << kVersion << "\n" << describe_system() << std::endl;
        throw CLI::Success();
      },
      "Print the version, the LibTorch version and the compute devices, then exit");

  auto& registry = cli::command_registry();
  std::sort(registry.begin(), registry.end(), [](const auto& a, const auto& b) { return a.order < b.order; });
  for (const auto& entry : registry) entry.setup(app);

  app.parse_complete_callback([&] { configure_logging(verbosity, quiet, log_level); });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version end here too (status 0); every real parse error is a usage error.
    return app.exit(e) == 0 ? cli::kExitOk : cli::kExitUsage;
  } catch (const RuntimeFailure& e) {
    spdlog::error("{}", printable(e.what()));
    return cli::kExitRuntime;
  } catch (const Error& e) {
    spdlog::error("{}", printable(e.what()));
    return cli::kExitUsage;
  } catch (const std::exception& e) {
    spdlog::error("internal error: {}", printable(e.what()));
    return cli::kExitRuntime;
  }
  if (app.get_subcommands().empty()) {
    std::cout << app.help();
    return cli::kExitUsage;
  }
  return cli::exit_status();
}
