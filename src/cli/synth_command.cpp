// jaams synth: composes a labelled data set laid out like GTZAN (<out>/<genre>/<genre>.000NN.wav),
// so a first run needs no download. The rules per genre are in docs/synth.md.
#include <spdlog/spdlog.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "command_registry.hpp"
#include "jaams/synth/dataset.hpp"
#include "jaams/synth/genre_rules.hpp"

namespace jaams::cli {
namespace {

struct SynthCliOptions {
  std::string out;
  int per_genre = 20;
  double seconds = 30;
  std::uint64_t seed = 1;
  std::vector<std::string> genres;
  int threads = 0;
};

void run_synth_command(const SynthCliOptions& cli) {
  synth::SynthOptions o;
  o.out = cli.out;
  o.per_genre = cli.per_genre;
  o.seconds = cli.seconds;
  o.seed = cli.seed;
  if (!cli.genres.empty()) o.genres = cli.genres;
  o.threads = cli.threads;

  const synth::SynthSummary s = synth::write_dataset(o);
  spdlog::info("synth: {} clips ({} written, {} already there), {:.0f} s of audio in {:.1f} s -> {}", s.files.size(),
               s.written, s.skipped, s.audio_seconds, s.elapsed_seconds, o.out.string());
  set_exit_status(kExitOk);
}

void setup_synth(CLI::App& app) {
  auto opts = std::make_shared<SynthCliOptions>();
  auto* cmd = app.add_subcommand("synth", "Compose a labelled 9-genre data set (GTZAN layout) from genre rules");
  cmd->add_option("-o,--out", opts->out, "Output folder: <out>/<genre>/<genre>.000NN.wav")->required();
  cmd->add_option("-n,--per-genre", opts->per_genre, "Clips per genre")
      ->capture_default_str()
      ->check(CLI::Range(1, 99999));
  cmd->add_option("--seconds", opts->seconds, "Length of each clip in seconds")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 600.0));
  // CLI11 reads -1 into an unsigned option as 2^64 - 1: refuse a sign explicitly.
  const CLI::Validator unsigned_number(
      [](const std::string& text) {
        return text.find_first_not_of("0123456789") == std::string::npos && !text.empty()
                   ? std::string()
                   : "expected a whole number from 0 to 18446744073709551615, got '" + text + "'";
      },
      "UINT64");
  cmd->add_option("--seed", opts->seed, "Seed: the same seed gives byte-identical files")
      ->check(unsigned_number)
      ->capture_default_str();
  cmd->add_option("--genres", opts->genres, "Genres to make, comma-separated (default: all nine)")->delimiter(',');
  cmd->add_option("-j,--threads", opts->threads, "Worker threads (default: all cores; output does not depend on it)")
      ->check(CLI::NonNegativeNumber);
  cmd->footer(
      "Clips are 22050 Hz mono 16-bit WAV, peak -1 dBFS. Each genre has its own tempo range, groove, harmony and\n"
      "instruments; tempo, key, mode, sounds, mix, reverb and noise are drawn per clip, and some clips borrow from a\n"
      "neighbouring genre (country/rock/metal, pop/hip-hop/disco, reggae/hip-hop, blues/rock), so the task is\n"
      "learnable but not trivial. Details: docs/synth.md\n" +
      synth::describe_rules() +
      "Re-running on the same folder skips finished clips; a folder made with another seed or length is refused.\n"
      "Exit status: 0 done, 2 bad arguments or an unusable output folder.");
  cmd->callback([opts] { run_synth_command(*opts); });
}

RegisterCommand reg(50, setup_synth);

}  // namespace
}  // namespace jaams::cli
