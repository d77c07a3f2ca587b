#pragma once
// The options every subcommand that runs a model package over audio shares (eval, predict), so
// their names, checks and help read the same everywhere.
#include <CLI/CLI.hpp>

#include <string>

namespace jaams::cli {

inline void add_inference_options(CLI::App* cmd, int& threads, int& batch_size, std::string& device,
                                  const std::string& threads_help = "Decoding/feature threads (0: all cores)") {
  cmd->add_option("-j,--threads", threads, threads_help)->check(CLI::NonNegativeNumber)->capture_default_str();
  cmd->add_option("--batch-size", batch_size, "Segments per model call (0: 32 on a GPU, 1 on the CPU; more than 256 is clamped)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--device", device, "auto, cpu, cuda or cuda:N")->capture_default_str();
}

}  // namespace jaams::cli
