#pragma once
// Logging goes through spdlog's default logger, to stderr, so stdout stays clean for results
// (CSV from predict, tables from eval).
#include <string>

namespace jaams {

// verbosity: 0 info, 1 debug, 2+ trace; quiet: warnings and errors only; a non-empty `level`
// (trace|debug|info|warn|error|critical|off) wins over both.
void configure_logging(int verbosity, bool quiet, const std::string& level);

// `text` for a log line: control characters (newlines, tabs, escape sequences that would move the
// cursor or recolour a terminal) become \n, \t, \r or \xHH, and a backslash becomes \\, so a
// file name can neither forge log lines nor garble the terminal. Other bytes (UTF-8) stay.
std::string printable(const std::string& text);

// True when stderr is a terminal (progress bars are drawn only then).
bool stderr_is_terminal();

}  // namespace jaams
