#pragma once
// Logging goes through spdlog's default logger, to stderr, so stdout stays clean for results
// (CSV from predict, tables from eval).
#include <string>

namespace jaams {

// verbosity: 0 info, 1 debug, 2+ trace; quiet: warnings and errors only; a non-empty `level`
// (trace|debug|info|warn|error|critical|off) wins over both.
void configure_logging(int verbosity, bool quiet, const std::string& level);

// True when stderr is a terminal (progress bars are drawn only then).
bool stderr_is_terminal();

}  // namespace jaams
