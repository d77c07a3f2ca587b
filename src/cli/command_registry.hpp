#pragma once
// Each subcommand lives in its own src/cli/<name>_command.cpp and registers itself here, so
// main.cpp never changes when one is added. `order` fixes the order in `jaams --help`.
#include <CLI/CLI.hpp>

#include <functional>
#include <vector>

namespace jaams::cli {

using SetupFn = void (*)(CLI::App& app);

struct CommandEntry {
  int order;
  SetupFn setup;
};

std::vector<CommandEntry>& command_registry();

struct RegisterCommand {
  RegisterCommand(int order, SetupFn setup) { command_registry().push_back({order, setup}); }
};

// Exit statuses shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitSomeFailed = 1;  // the run finished, but some inputs failed
inline constexpr int kExitUsage = 2;       // bad arguments, config, model or output: nothing was done
inline constexpr int kExitRuntime = 3;     // the run failed on the way (I/O error, disk full, internal error)

// The status main() returns once the chosen subcommand's callback has run.
int exit_status();
void set_exit_status(int status);

}  // namespace jaams::cli
