// jaams audit DATA [--run RUN]: recordings that occur more than once in a dataset (same audio under
// another name, gain, encoding or start), and with --run the ones that cross that run's splits.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "command_registry.hpp"
#include "jaams/audit/duplicates.hpp"
#include "jaams/audit/fingerprint.hpp"
#include "jaams/data/splits.hpp"
#include "jaams/eval/audit_record.hpp"
#include "jaams/eval/text_format.hpp"
#include "jaams/predict/inputs.hpp"
#include "jaams/util/atomic_file.hpp"
#include "jaams/util/error.hpp"
#include "jaams/util/progress.hpp"

namespace jaams::cli {
namespace {
namespace fs = std::filesystem;

struct AuditCliOptions {
  std::string data;
  std::string run;
  std::string output = "duplicates.csv";
  int threads = 0;
  double max_offset = 10.0;
};

// Fingerprints every file on `threads` workers; a file that cannot be decoded is logged and gets an
// empty fingerprint (it matches nothing).
std::vector<audit::Fingerprint> fingerprint_all(const std::vector<fs::path>& files, int threads, std::size_t& failed) {
  std::vector<audit::Fingerprint> prints(files.size());
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> failures{0};
  std::mutex log;
  Progress progress("audit", files.size(), "files");
  const auto work = [&] {
    for (std::size_t i; (i = next++) < files.size();) {
      try {
        prints[i] = audit::fingerprint_file(files[i]);
      } catch (const std::exception& e) {
        ++failures;
        std::lock_guard<std::mutex> lock(log);
        spdlog::warn("{}", e.what());
      }
      std::lock_guard<std::mutex> lock(log);
      progress.advance();
    }
  };
  const unsigned n = threads > 0 ? static_cast<unsigned>(threads) : std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < n; ++t) pool.emplace_back(work);
  for (auto& t : pool) t.join();
  failed = failures;
  return prints;
}

// Track id (the file's stem, as preprocess names tracks) -> the subsets its segments are in.
std::map<std::string, std::set<std::string>> run_subsets(const fs::path& run) {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& a : data::read_splits(run / "splits.csv")) out[a.track_id].insert(std::string(data::to_string(a.subset)));
  return out;
}

std::string joined(const std::set<std::string>& s) {
  std::string out;
  for (const auto& x : s) out += (out.empty() ? "" : "+") + x;
  return out;
}

void run_audit_command(const AuditCliOptions& cli) {
  const std::vector<fs::path> files = predict::collect_inputs({cli.data});
  std::map<std::string, std::set<std::string>> subsets;
  if (!cli.run.empty()) subsets = run_subsets(cli.run);
  const auto subsets_of = [&](const fs::path& f) {
    const auto it = subsets.find(f.stem().string());
    return it == subsets.end() ? std::set<std::string>{} : it->second;
  };

  std::size_t failed = 0;
  const std::vector<audit::Fingerprint> prints = fingerprint_all(files, cli.threads, failed);
  audit::MatchOptions match;
  match.max_offset_seconds = cli.max_offset;
  const auto pairs = audit::find_duplicates(prints, match);
  const auto groups = audit::group_pairs(files.size(), pairs);
  std::vector<std::size_t> group_of(files.size(), 0);
  for (std::size_t g = 0; g < groups.size(); ++g)
    for (std::size_t i : groups[g]) group_of[i] = g + 1;

  std::ostringstream csv;
  csv << "group,file_a,file_b,offset_seconds,bit_error_rate,overlap_seconds";
  if (!cli.run.empty()) csv << ",split_a,split_b,crosses_splits";
  csv << '\n';
  for (const auto& p : pairs) {
    csv << group_of[p.a] << ',' << eval::text::csv_field(files[p.a].string()) << ','
        << eval::text::csv_field(files[p.b].string()) << ',' << eval::text::fixed(p.offset_seconds, 3) << ','
        << eval::text::fixed(p.bit_error_rate, 4) << ',' << eval::text::fixed(p.overlap_seconds, 1);
    if (!cli.run.empty()) {
      const auto sa = subsets_of(files[p.a]), sb = subsets_of(files[p.b]);
      std::set<std::string> both = sa;
      both.insert(sb.begin(), sb.end());
      csv << ',' << joined(sa) << ',' << joined(sb) << ',' << (both.size() > 1 ? "true" : "false");
    }
    csv << '\n';
  }
  write_file_atomic(cli.output, csv.str());

  std::size_t crossing = 0;
  eval::AuditRecord record;
  record.data = cli.data;
  record.files = files.size();
  record.pairs = pairs.size();
  for (std::size_t g = 0; g < groups.size(); ++g) {
    std::set<std::string> all;
    eval::DuplicateGroup& kept = record.groups.emplace_back();
    for (std::size_t i : groups[g]) kept.files.push_back(files[i].string());
    std::cout << "group " << g + 1 << ':';
    for (std::size_t i : groups[g]) {
      const auto s = subsets_of(files[i]);
      all.insert(s.begin(), s.end());
      std::cout << "\n  " << files[i].string();
      if (!cli.run.empty()) std::cout << " (" << (s.empty() ? "not in the run" : joined(s)) << ')';
    }
    kept.splits.assign(all.begin(), all.end());
    kept.crosses_splits = all.size() > 1;
    if (all.size() > 1) {
      ++crossing;
      std::cout << "\n  CROSSES SPLITS: " << joined(all);
    }
    std::cout << '\n';
  }
  // Beside the run, for `jaams report` to show next to the accuracies.
  if (!cli.run.empty()) eval::write_audit_record(cli.run, record);
  spdlog::info("audit: {} files ({} could not be decoded), {} duplicate pairs in {} groups{}; pairs in {}", files.size(),
               failed, pairs.size(), groups.size(),
               cli.run.empty() ? "" : ", " + std::to_string(crossing) + " crossing the splits of " + cli.run, cli.output);
  set_exit_status(failed == 0 ? kExitOk : kExitSomeFailed);
}

void setup_audit(CLI::App& app) {
  auto opts = std::make_shared<AuditCliOptions>();
  auto* cmd = app.add_subcommand(
      "audit", "Find the same recording twice in a dataset (other name, gain, encoding or a shifted start)");
  cmd->add_option("data", opts->data, "Audio folder (searched recursively), file or @list.txt")->required();
  cmd->add_option("--run", opts->run,
                  "Training run folder: flag groups whose tracks sit in more than one of its splits "
                  "(kept as RUN/audit.json for jaams report)");
  cmd->add_option("-o,--output", opts->output, "CSV of the duplicate pairs")->capture_default_str();
  cmd->add_option("--threads", opts->threads, "Decoding threads (0: all cores)")->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-offset", opts->max_offset, "Largest start shift searched, in seconds")
      ->check(CLI::Range(0.0, 60.0))
      ->capture_default_str();
  cmd->footer(
      "A run's tracks are matched by file name without extension (as preprocess names them).\n"
      "Exit status: 0 done, 1 some files could not be decoded, 2 bad arguments.");
  cmd->callback([opts] { run_audit_command(*opts); });
}

RegisterCommand registration(35, setup_audit);

}  // namespace
}  // namespace jaams::cli
