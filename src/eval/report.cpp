#include "jaams/eval/report.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "jaams/eval/metrics_format.hpp"
#include "jaams/eval/significance.hpp"
#include "jaams/eval/text_format.hpp"
#include "jaams/util/atomic_file.hpp"
#include "jaams/util/error.hpp"

namespace jaams::eval {

namespace fs = std::filesystem;

namespace {

const char* const kSplitTitles[] = {"Train", "Val", "Test"};

}  // namespace

RunData load_run(const fs::path& run_dir) {
  RunData run;
  run.dir = run_dir;
  run.info = read_run_info(run_dir);
  std::error_code ec;
  if (fs::exists(history_path(run_dir), ec))
    run.history = read_history(run_dir);
  else
    spdlog::warn("{}: no {}; its training curves are left out", run_dir.string(), kHistoryFile);
  for (const char* split : kSplitNames) {
    if (fs::exists(split_metrics_path(run_dir, split), ec))
      run.split_metrics[split] = read_split_metrics(run_dir, split);
  }
  if (fs::exists(run_dir / kAuditFile, ec)) run.audit = read_audit_record(run_dir / kAuditFile);
  return run;
}

std::string audit_markdown(const RunData& run) {
  if (!run.audit) return "";
  const AuditRecord& a = *run.audit;
  std::ostringstream out;
  out << "\n#### Duplicate recordings\n\n`jaams audit` of `" << a.data << "`: " << a.files << " files, " << a.pairs
      << " duplicate pairs in " << a.groups.size() << " groups, **" << a.crossing()
      << "** crossing this run's splits (music tested that was also trained on).\n";
  for (const auto& g : a.groups) {
    if (!g.crosses_splits) continue;
    out << "\n- ";
    for (std::size_t i = 0; i < g.files.size(); ++i) out << (i ? ", " : "") << '`' << g.files[i] << '`';
    out << " (";
    for (std::size_t i = 0; i < g.splits.size(); ++i) out << (i ? "+" : "") << g.splits[i];
    out << ')';
  }
  if (a.crossing() > 0) out << '\n';
  return out.str();
}

std::string model_label(const RunInfo& info) {
  return info.random_backbone ? info.model + " (random backbone)" : info.model;
}

double split_accuracy(const RunData& run, const std::string& split, bool track_level) {
  if (const auto it = run.info.accuracy.find(split); it != run.info.accuracy.end()) {
    const double v = track_level ? it->second.track : it->second.segment;
    if (!std::isnan(v)) return v;
  }
  if (const auto it = run.split_metrics.find(split); it != run.split_metrics.end())
    return track_level ? it->second.track_accuracy : it->second.segment_accuracy;
  return kMissing;
}

Interval split_interval(const RunData& run, const std::string& split, bool track_level) {
  const auto it = run.split_metrics.find(split);
  if (it == run.split_metrics.end()) return {};
  return track_level ? it->second.track_accuracy_ci : it->second.segment_accuracy_ci;
}

std::string significance_note(SignificanceMark mark) {
  switch (mark) {
    case SignificanceMark::best: return "best";
    case SignificanceMark::not_significant: return "n.s.";
    case SignificanceMark::worse: return "worse";
    case SignificanceMark::none: break;
  }
  return "";
}

std::string accuracy_table_markdown(const std::vector<RunData>& runs) {
  const std::vector<SignificanceMark> marks = significance_marks(runs, paired_tests(runs));
  std::ostringstream out;
  out << "| Run | Model | Image |";
  for (const char* t : kSplitTitles) out << ' ' << t << " (segment) | " << t << " (track) |";
  out << "\n|---|---|---|---:|---:|---:|---:|---:|---:|\n";
  bool any_interval = false;
  bool any_mark = false;
  for (std::size_t r = 0; r < runs.size(); ++r) {
    const RunData& run = runs[r];
    out << "| " << text::markdown_cell(run.info.name) << " | " << text::markdown_cell(model_label(run.info)) << " | "
        << text::markdown_cell(run.info.kind) << " |";
    for (const char* split : kSplitNames)
      for (bool track : {false, true}) {
        out << ' ' << text::fixed(split_accuracy(run, split, track), 4, "-");
        const Interval ci = split_interval(run, split, track);
        if (ci.valid()) out << ' ' << text::interval(ci.low, ci.high, 3);
        any_interval = any_interval || ci.valid();
        if (track && split == std::string("test") && marks[r] != SignificanceMark::none) {
          out << " (" << significance_note(marks[r]) << ")";
          any_mark = true;
        }
        out << " |";
      }
    out << '\n';
  }
  if (any_interval)
    out << "\n[low, high]: 95% bootstrap confidence interval over the split's tracks.\n";
  if (any_mark)
    out << "\nTest (track): (best) the highest among runs on the same test tracks; (n.s.) not significantly "
           "different from it, (worse) significantly below it (exact McNemar test, p < 0.05).\n";
  return out.str();
}

std::string accuracy_csv(const std::vector<RunData>& runs) {
  const std::vector<SignificanceMark> marks = significance_marks(runs, paired_tests(runs));
  std::ostringstream out;
  // The interval and significance columns come last, so older readers' column positions still hold.
  out << "run,model,kind,split,random_backbone,train_segment,train_track,val_segment,val_track,test_segment,"
         "test_track,epochs_run,best_epoch,train_seconds,run_dir";
  for (const char* split : kSplitNames)
    for (const char* level : {"segment", "track"}) out << ',' << split << '_' << level << "_ci_low," << split << '_' << level << "_ci_high";
  out << ",test_track_significance\n";
  for (std::size_t r = 0; r < runs.size(); ++r) {
    const RunData& run = runs[r];
    const RunInfo& i = run.info;
    out << text::csv_field(i.name) << ',' << i.model << ',' << i.kind << ',' << i.split << ','
        << (i.random_backbone ? "true" : "false");
    for (const char* split : kSplitNames)
      for (bool track : {false, true}) out << ',' << text::exact(split_accuracy(run, split, track));
    out << ',' << i.epochs_run << ',' << i.best_epoch << ',' << text::exact(i.train_seconds) << ','
        << text::csv_field(run.dir.string());
    for (const char* split : kSplitNames)
      for (bool track : {false, true}) {
        const Interval ci = split_interval(run, split, track);
        out << ',' << text::exact(ci.low) << ',' << text::exact(ci.high);
      }
    out << ',' << significance_note(marks[r]) << '\n';
  }
  return out.str();
}

std::vector<KindComparison> compare_kinds(const std::vector<RunData>& runs) {
  std::vector<KindComparison> rows;
  for (std::size_t r = 0; r < runs.size(); ++r) {
    const std::string model = model_label(runs[r].info);
    auto it = std::find_if(rows.begin(), rows.end(), [&](const KindComparison& k) { return k.model == model; });
    if (it == rows.end()) {
      KindComparison k;
      k.model = model;
      k.best_val.assign(kImageKinds.size(), kMissing);
      k.best_run.assign(kImageKinds.size(), -1);
      rows.push_back(k);
      it = rows.end() - 1;
    }
    const auto kind =
        std::find_if(kImageKinds.begin(), kImageKinds.end(), [&](const char* k) { return runs[r].info.kind == k; });
    const auto ki = static_cast<std::size_t>(kind - kImageKinds.begin());
    const double val = split_accuracy(runs[r], "val", false);
    if (ki >= kImageKinds.size() || std::isnan(val)) continue;
    if (it->best_run[ki] < 0 || val > it->best_val[ki]) {
      it->best_val[ki] = val;
      it->best_run[ki] = static_cast<int>(r);
    }
  }
  return rows;
}

std::string kind_comparison_markdown(const std::vector<RunData>& runs) {
  std::ostringstream out;
  out << "| Model |";
  for (const char* k : kImageKinds) out << ' ' << k << " |";
  out << "\n|---|";
  for (std::size_t i = 0; i < kImageKinds.size(); ++i) out << "---:|";
  out << '\n';
  for (const auto& row : compare_kinds(runs)) {
    out << "| " << text::markdown_cell(row.model) << " |";
    for (std::size_t k = 0; k < kImageKinds.size(); ++k) {
      if (row.best_run[k] < 0) {
        out << " - |";
        continue;
      }
      out << ' ' << text::fixed(row.best_val[k], 4) << " ("
          << text::markdown_cell(runs[static_cast<std::size_t>(row.best_run[k])].info.name) << ") |";
    }
    out << '\n';
  }
  return out.str();
}

std::string report_markdown(const std::vector<RunData>& runs, const std::string& title) {
  std::ostringstream out;
  out << "# " << title << "\n\n";
  out << "## Accuracy\n\n"
      << "Segment: one prediction per 10-s segment. Track: the mean of a track's segment probabilities.\n\n"
      << accuracy_table_markdown(runs);
  if (std::any_of(runs.begin(), runs.end(), [](const RunData& r) { return r.info.random_backbone; }))
    out << "\n\"random backbone\": the AlexNet features were never pretrained, so these runs measure the "
           "classifier head on random features, not transfer learning.\n";

  out << "\n## Significance\n\n" << significance_markdown(runs, paired_tests(runs));

  out << "\n## Image kinds\n\nBest validation accuracy (segment level) per image kind and model; the run that "
         "reached it in parentheses.\n\n"
      << kind_comparison_markdown(runs);

  out << "\n## Runs\n";
  for (const auto& run : runs) {
    const RunInfo& i = run.info;
    out << "\n### " << i.name << "\n\n"
        << "Model " << model_label(i) << ", image " << i.kind << ", split " << (i.split.empty() ? "n/a" : i.split)
        << ", " << i.epochs_run << " epochs run, best epoch " << i.best_epoch << ", training time "
        << text::duration(i.train_seconds) << ". Folder: `" << run.dir.string() << "`.\n";
    const auto test = run.split_metrics.find("test");
    if (test != run.split_metrics.end())
      out << "\n#### Test set\n\n" << to_markdown(test->second, "");
    else
      out << "\nNo test-set evaluation (" << split_metrics_path(run.dir, "test").string() << ") was found.\n";
    out << audit_markdown(run);
  }
  return out.str();
}

ReportFiles write_report(const std::vector<RunData>& runs, const fs::path& output_dir, const std::string& title) {
  if (runs.empty()) throw Error("report: no run folders given");
  ReportFiles files{output_dir / "report.md", output_dir / "accuracy.csv", output_dir / "report.html"};
  write_file_atomic(files.markdown, report_markdown(runs, title));
  write_file_atomic(files.csv, accuracy_csv(runs));
  write_file_atomic(files.html, report_html(runs, title));
  return files;
}

}  // namespace jaams::eval
