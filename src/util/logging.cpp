#include "jaams/util/logging.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

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

bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

}  // namespace jaams
