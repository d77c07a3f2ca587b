#include "jaams/train/cross_validation.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "jaams/eval/metrics_format.hpp"
#include "jaams/eval/run_files.hpp"
#include "jaams/eval/statistics.hpp"
#include "jaams/eval/text_format.hpp"
#include "jaams/util/atomic_file.hpp"
#include "jaams/util/error.hpp"

namespace jaams::train {
namespace fs = std::filesystem;

namespace {

MeanStd mean_std(const std::vector<double>& v) {
  MeanStd out;
  if (v.empty()) return out;
  for (double x : v) out.mean += x;
  out.mean /= static_cast<double>(v.size());
  if (v.size() < 2) return out;
  double ss = 0.0;
  for (double x : v) ss += (x - out.mean) * (x - out.mean);
  out.std = std::sqrt(ss / static_cast<double>(v.size() - 1));
  return out;
}

using Matrix = std::vector<std::vector<long>>;

void add_into(Matrix& sum, const Matrix& m) {
  for (std::size_t r = 0; r < m.size(); ++r)
    for (std::size_t c = 0; c < m[r].size(); ++c) sum[r][c] += m[r][c];
}

nlohmann::json interval_json(const eval::Interval& ci) {
  if (!ci.valid()) return nullptr;
  return nlohmann::json::array({ci.low, ci.high});
}

std::string ci_text(const eval::Interval& ci) {
  return eval::text::interval(ci.low, ci.high, 3);
}

}  // namespace

fs::path fold_run_dir(const fs::path& output, int repeat, int fold) {
  return output / ("r" + std::to_string(repeat) + "_f" + std::to_string(fold));
}

config::ExperimentConfig fold_config(const config::ExperimentConfig& base, const CrossValidationOptions& o, int repeat,
                                     int fold) {
  config::ExperimentConfig c = base;
  c.data.split = "kfold";
  c.data.folds = o.folds;
  c.data.fold = fold;
  c.data.split_seed = base.data.split_seed + static_cast<std::uint64_t>(repeat - 1);
  c.output = fold_run_dir(o.output, repeat, fold);
  // One preprocessing for all folds instead of one beside every run.
  if (c.data.cache.empty()) c.data.cache = o.output / "preprocessed";
  return c;
}

CrossValidationSummary summarise_folds(std::vector<FoldResult> runs, int folds, int repeats, int bootstrap_resamples) {
  if (runs.empty()) throw Error("cv: no finished folds to summarise");
  CrossValidationSummary s;
  s.folds = folds;
  s.repeats = repeats;
  s.classes = runs.front().test.classes;
  const std::size_t n = s.classes.size();
  Matrix confusion(n, std::vector<long>(n, 0)), track_confusion = confusion;
  std::vector<double> seg_acc, track_acc, f1;
  // Per track over the repeats: segments right / scored, and repeats right / tested.
  std::map<std::string, std::array<double, 4>> units;
  for (const auto& r : runs) {
    if (r.test.classes != s.classes)
      throw Error(r.run_dir.string() + ": other classes than " + runs.front().run_dir.string());
    add_into(confusion, r.test.confusion);
    add_into(track_confusion, r.test.track_confusion);
    seg_acc.push_back(r.test.segment_accuracy);
    track_acc.push_back(r.test.track_accuracy);
    f1.push_back(r.test.macro_f1);
    for (const auto& t : r.test.per_track) {
      auto& u = units[t.track_id];
      u[0] += static_cast<double>(t.segments_correct);
      u[1] += static_cast<double>(t.segments);
      u[2] += t.predicted == t.label ? 1.0 : 0.0;
      u[3] += 1.0;
    }
  }
  s.segment_accuracy = mean_std(seg_acc);
  s.track_accuracy = mean_std(track_acc);
  s.macro_f1 = mean_std(f1);
  s.pooled = eval::metrics_from_confusion(s.classes, std::move(confusion), std::move(track_confusion));
  std::vector<double> seg_right, seg_all, track_right, track_all;
  for (const auto& [id, u] : units) {
    seg_right.push_back(u[0]);
    seg_all.push_back(u[1]);
    track_right.push_back(u[2]);
    track_all.push_back(u[3]);
  }
  s.segment_accuracy_ci = eval::bootstrap_interval(seg_right, seg_all, bootstrap_resamples, eval::kDefaultBootstrapSeed);
  s.track_accuracy_ci = eval::bootstrap_interval(track_right, track_all, bootstrap_resamples, eval::kDefaultBootstrapSeed);
  s.runs = std::move(runs);
  s.complete = s.runs.size() == static_cast<std::size_t>(folds) * static_cast<std::size_t>(repeats);
  return s;
}

CrossValidationSummary run_cross_validation(const config::ExperimentConfig& base, const CrossValidationOptions& o) {
  if (o.folds < 2) throw Error("cv: --folds must be at least 2, got " + std::to_string(o.folds));
  if (o.repeats < 1) throw Error("cv: --repeats must be at least 1, got " + std::to_string(o.repeats));
  if (o.output.empty()) throw Error("cv: no output folder");
  fs::create_directories(o.output);
  std::vector<FoldResult> done;
  for (int r = 1; r <= o.repeats; ++r) {
    for (int f = 1; f <= o.folds; ++f) {
      const config::ExperimentConfig c = fold_config(base, o, r, f);
      const fs::path dir = c.output;
      std::error_code ec;
      if (!fs::exists(dir / eval::kRunInfoFile, ec)) {
        TrainOptions t = o.train;
        t.resume = fs::exists(dir / "checkpoint.pt", ec);
        // A fold killed before its first epoch ended left nothing to resume from.
        if (!t.resume && fs::exists(dir, ec)) fs::remove_all(dir);
        spdlog::info("cv: repeat {}/{}, fold {}/{}{}", r, o.repeats, f, o.folds, t.resume ? " (resumed)" : "");
        const TrainSummary summary = run_training(c, dir, t);
        if (!summary.finished) {
          spdlog::warn("cv: fold {} of repeat {} stopped before the end; run `jaams cv` again to continue", f, r);
          CrossValidationSummary partial;
          partial.folds = o.folds;
          partial.repeats = o.repeats;
          partial.runs = std::move(done);
          return partial;
        }
      } else {
        spdlog::info("cv: repeat {}/{}, fold {}/{} already done", r, o.repeats, f, o.folds);
      }
      done.push_back({r, f, dir, eval::read_split_metrics(dir, "test")});
      if (o.fold_done) o.fold_done(r, f);
    }
  }
  CrossValidationSummary s = summarise_folds(std::move(done), o.folds, o.repeats, base.eval.bootstrap);
  write_file_atomic(o.output / "summary.json", to_json(s).dump(2) + "\n");
  return s;
}

nlohmann::json to_json(const CrossValidationSummary& s) {
  nlohmann::json folds = nlohmann::json::array();
  for (const auto& r : s.runs) {
    nlohmann::json recall = nlohmann::json::object();
    for (std::size_t c = 0; c < s.classes.size(); ++c) recall[s.classes[c]] = r.test.recall[c];
    folds.push_back({{"repeat", r.repeat},
                     {"fold", r.fold},
                     {"run", r.run_dir.filename().string()},
                     {"tracks", r.test.tracks},
                     {"segments", r.test.segments},
                     {"segment_accuracy", r.test.segment_accuracy},
                     {"track_accuracy", r.test.track_accuracy},
                     {"macro_f1", r.test.macro_f1},
                     {"recall", recall}});
  }
  const auto ms = [](const MeanStd& m) { return nlohmann::json{{"mean", m.mean}, {"std", m.std}}; };
  nlohmann::json recall = nlohmann::json::object();
  for (std::size_t c = 0; c < s.classes.size(); ++c) recall[s.classes[c]] = s.pooled.recall[c];
  return {{"classes", s.classes},
          {"folds", s.folds},
          {"repeats", s.repeats},
          {"runs", folds},
          {"mean_std", {{"segment_accuracy", ms(s.segment_accuracy)},
                        {"track_accuracy", ms(s.track_accuracy)},
                        {"macro_f1", ms(s.macro_f1)}}},
          {"pooled", eval::to_json(s.pooled)},
          {"pooled_recall", recall},
          {"ci95", {{"segment_accuracy", interval_json(s.segment_accuracy_ci)},
                    {"track_accuracy", interval_json(s.track_accuracy_ci)}}}};
}

std::string summary_text(const CrossValidationSummary& s) {
  using eval::text::fixed;
  std::ostringstream out;
  out << "repeat fold  tracks  segment acc  track acc  macro F1\n";
  for (const auto& r : s.runs) {
    char line[96];
    std::snprintf(line, sizeof line, "%6d %4d %7zu %12s %10s %9s\n", r.repeat, r.fold, r.test.tracks,
                  fixed(r.test.segment_accuracy, 4).c_str(), fixed(r.test.track_accuracy, 4).c_str(),
                  fixed(r.test.macro_f1, 4).c_str());
    out << line;
  }
  const auto pm = [](const MeanStd& m) { return fixed(m.mean, 4) + " +- " + fixed(m.std, 4); };
  out << "mean +- std over " << s.runs.size() << " folds: segment " << pm(s.segment_accuracy) << ", track "
      << pm(s.track_accuracy) << ", macro F1 " << pm(s.macro_f1) << '\n';
  out << "pooled (" << s.pooled.tracks << " track tests): segment " << fixed(s.pooled.segment_accuracy, 4) << " 95% CI "
      << ci_text(s.segment_accuracy_ci) << ", track " << fixed(s.pooled.track_accuracy, 4) << " 95% CI "
      << ci_text(s.track_accuracy_ci) << ", macro F1 " << fixed(s.pooled.macro_f1, 4) << '\n';
  out << "recall (segments, pooled):";
  for (std::size_t c = 0; c < s.classes.size(); ++c) out << ' ' << s.classes[c] << ' ' << fixed(s.pooled.recall[c], 3);
  out << '\n';
  return out.str();
}

}  // namespace jaams::train
