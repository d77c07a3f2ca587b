#include "jaams/util/logging.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>

namespace jaams {

void configure_logging(int verbosity, bool quiet, const std::string& level) {
  auto logger = spdlog::stderr_color_mt("jaams");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("[%H:%M:%S] [%^%l%$] %v");
  spdlog::level::level_enum lvl = spdlog::level::info;
  if (verbosity == 1) lvl = spdlog::level::debug;
  if (verbosity >= 2) lvl = spdlog::level::trace;
  if (quiet) lvl = spdlog::level::warn;
  if (!level.empty()) lvl = spdlog::level::from_str(level);
  spdlog::set_level(lvl);
}

std::string printable(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (byte < 0x20 || byte == 0x7f) {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", byte);
      out += hex;
    } else {
      out += c;
    }
  }
  return out;
}

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

}  // namespace jaams
