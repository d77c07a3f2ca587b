// report.html: one page with inline CSS and SVG, nothing fetched, so it opens offline and can be
// mailed or archived on its own.
#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>

#include "jaams/eval/report.hpp"
#include "jaams/eval/significance.hpp"
#include "jaams/eval/svg_plot.hpp"
#include "jaams/eval/text_format.hpp"
#include "jaams/version.hpp"

namespace jaams::eval {

namespace {

using svg::escape;

constexpr const char* kTrainColor = "#1f77b4";
constexpr const char* kValColor = "#e8710a";
// One colour per entry of kImageKinds.
constexpr std::array<const char*, 3> kKindColors = {"#2a6fb0", "#d9822b", "#2e9e5b"};

constexpr const char* kStyle = R"(
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #222; margin: 0 auto;
       max-width: 1180px; padding: 16px 24px 48px; line-height: 1.4; }
h1 { margin-bottom: 4px; }
h2 { border-bottom: 2px solid #ddd; padding-bottom: 4px; margin-top: 36px; }
h3 { margin: 28px 0 6px; }
.meta, .note { color: #666; font-size: 14px; }
table { border-collapse: collapse; margin: 10px 0; font-size: 14px; }
th, td { border: 1px solid #d6d6d6; padding: 4px 10px; }
th { background: #f3f5f8; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.best { font-weight: bold; background: #eef6ee; }
.flag { background: #fde8cf; color: #9a4a00; border-radius: 4px; padding: 1px 6px; font-size: 13px; white-space: nowrap; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
svg.chart { border: 1px solid #e6e6e6; border-radius: 4px; background: #fff; }
section.run { border-top: 1px solid #eee; }
nav ul { columns: 3; font-size: 14px; }
.ci { display: block; color: #777; font-size: 12px; }
.ns { background: #eceff3; color: #445; border-radius: 4px; padding: 0 5px; font-size: 12px; }
.sig { background: #e3f1e3; color: #245c24; border-radius: 4px; padding: 0 5px; font-size: 12px; }
code { background: #f4f4f4; padding: 0 4px; border-radius: 3px; }
)";

std::string model_html(const RunInfo& info) {
  if (!info.random_backbone) return escape(info.model);
  return escape(info.model) +
         " <span class=\"flag\" title=\"AlexNet features never pretrained\">random backbone</span>";
}

std::string interval_html(const Interval& ci) {
  if (!ci.valid()) return "";
  return "<span class=\"ci\" title=\"95% bootstrap confidence interval over tracks\">" +
         text::interval(ci.low, ci.high, 3) + "</span>";
}

std::string mark_html(SignificanceMark mark) {
  switch (mark) {
    case SignificanceMark::best:
      return " <span class=\"sig\" title=\"highest among the runs on the same test tracks\">best</span>";
    case SignificanceMark::not_significant:
      return " <span class=\"ns\" title=\"not significantly different from the best (McNemar p &ge; 0.05)\">n.s.</span>";
    case SignificanceMark::worse:
      return " <span class=\"sig\" title=\"significantly below the best (McNemar p &lt; 0.05)\">worse</span>";
    case SignificanceMark::none: break;
  }
  return "";
}

std::string significance_html(const std::vector<RunData>& runs, const std::vector<PairedTest>& tests) {
  std::ostringstream out;
  out << "<h2 id=\"significance\">Significance</h2>\n";
  if (tests.empty())
    return out.str() + "<p class=\"note\">No two runs were evaluated on the same test tracks, so no pair can be "
                       "tested.</p>\n";
  out << "<p class=\"note\">Exact McNemar test on the test tracks: only the tracks one run got right and the other "
         "wrong count. p &lt; 0.05 counts as a real difference.</p>\n<table>\n<tr><th>Run A</th><th>Run B</th>"
         "<th>Tracks</th><th>A right, B wrong</th><th>B right, A wrong</th><th>p</th><th>Verdict</th></tr>\n";
  for (const auto& t : tests) {
    const std::string& a = runs[t.a].info.name;
    const std::string& b = runs[t.b].info.name;
    out << "<tr><td>" << escape(a) << "</td><td>" << escape(b) << "</td><td class=\"num\">" << t.tracks
        << "</td><td class=\"num\">" << t.only_a << "</td><td class=\"num\">" << t.only_b
        << "</td><td class=\"num\">" << text::fixed(t.p, 4) << "</td><td>" << escape(verdict(runs, t)) << "</td></tr>\n";
  }
  out << "</table>\n";
  return out.str();
}

std::string accuracy_table_html(const std::vector<RunData>& runs, const std::vector<PairedTest>& tests) {
  const std::vector<SignificanceMark> marks = significance_marks(runs, tests);
  // The best value of each column is highlighted.
  std::vector<double> best(6, -INFINITY);
  for (const auto& run : runs) {
    std::size_t col = 0;
    for (const char* split : kSplitNames)
      for (bool track : {false, true}) {
        const double v = split_accuracy(run, split, track);
        if (!std::isnan(v)) best[col] = std::max(best[col], v);
        ++col;
      }
  }
  std::ostringstream out;
  out << "<table>\n<tr><th rowspan=\"2\">Run</th><th rowspan=\"2\">Model</th><th rowspan=\"2\">Image</th>"
         "<th colspan=\"2\">Train</th><th colspan=\"2\">Validation</th><th colspan=\"2\">Test</th></tr>\n<tr>";
  for (int i = 0; i < 3; ++i) out << "<th>segment</th><th>track</th>";
  out << "</tr>\n";
  for (std::size_t r = 0; r < runs.size(); ++r) {
    const auto& run = runs[r];
    out << "<tr><td><a href=\"#run-" << r << "\">" << escape(run.info.name) << "</a></td><td>" << model_html(run.info)
        << "</td><td>" << escape(run.info.kind) << "</td>";
    std::size_t col = 0;
    for (const char* split : kSplitNames)
      for (bool track : {false, true}) {
        const double v = split_accuracy(run, split, track);
        const bool is_best = !std::isnan(v) && runs.size() > 1 && v == best[col];
        out << "<td class=\"num" << (is_best ? " best" : "") << "\">" << text::fixed(v, 4, "&ndash;")
            << (track && split == std::string("test") ? mark_html(marks[r]) : "")
            << interval_html(split_interval(run, split, track)) << "</td>";
        ++col;
      }
    out << "</tr>\n";
  }
  out << "</table>\n";
  return out.str();
}

std::vector<double> column(const std::vector<EpochRecord>& h, double EpochRecord::*field) {
  std::vector<double> v;
  for (const auto& e : h) v.push_back(e.*field);
  return v;
}

std::vector<double> epochs_of(const std::vector<EpochRecord>& h) {
  std::vector<double> v;
  for (const auto& e : h) v.push_back(e.epoch);
  return v;
}

std::string kind_section(const std::vector<RunData>& runs) {
  const std::vector<KindComparison> rows = compare_kinds(runs);
  std::ostringstream out;
  out << "<h2 id=\"kinds\">Image kinds</h2>\n<p class=\"note\">Best validation accuracy (segment level) per image "
         "kind, for runs of the same model; the curves show each best run's validation (solid) and training "
         "(dashed) accuracy, so the gap between them is visible.</p>\n";

  svg::BarChart bars;
  bars.title = "Best validation accuracy per image kind";
  bars.y_label = "validation accuracy";
  for (const char* k : kImageKinds) bars.series.push_back(k);
  bars.colors.assign(kKindColors.begin(), kKindColors.end());
  bool any = false;
  for (const auto& row : rows) {
    bars.groups.push_back(row.model);
    bars.values.push_back(row.best_val);
    any = any || std::any_of(row.best_run.begin(), row.best_run.end(), [](int r) { return r >= 0; });
  }
  if (!any) return out.str() + "<p class=\"note\">No run has a validation accuracy.</p>\n";
  bars.width = std::max(420, 140 * static_cast<int>(rows.size()) + 120);

  out << "<div class=\"charts\">\n" << svg::bar_chart(bars);
  for (const auto& row : rows) {
    svg::LineChart chart;
    chart.title = row.model + ": accuracy per image kind";
    chart.x_label = "epoch";
    chart.y_label = "accuracy";
    chart.y_min = 0.0;
    chart.y_max = 1.0;
    chart.integer_x = true;
    for (std::size_t k = 0; k < kImageKinds.size(); ++k) {
      if (row.best_run[k] < 0) continue;
      const auto& h = runs[static_cast<std::size_t>(row.best_run[k])].history;
      if (h.empty()) continue;
      const std::vector<double> epochs = epochs_of(h);
      chart.series.push_back(
          {std::string(kImageKinds[k]) + " val", epochs, column(h, &EpochRecord::val_accuracy), kKindColors[k], false});
      chart.series.push_back({std::string(kImageKinds[k]) + " train", epochs, column(h, &EpochRecord::train_accuracy),
                              kKindColors[k], true});
    }
    if (!chart.series.empty()) out << svg::line_chart(chart);
  }
  out << "</div>\n";
  return out.str();
}

std::string per_class_table(const Metrics& m) {
  std::ostringstream out;
  out << "<table>\n<tr><th>Class</th><th>Precision</th><th>Recall</th><th>F1</th><th>Segments</th></tr>\n";
  for (std::size_t c = 0; c < m.classes.size(); ++c) {
    out << "<tr><td>" << escape(m.classes[c]) << "</td><td class=\"num\">"
        << (m.precision_defined[c] ? text::fixed(m.precision[c], 3) : "n/a") << "</td><td class=\"num\">"
        << (m.recall_defined[c] ? text::fixed(m.recall[c], 3) : "n/a") << "</td><td class=\"num\">"
        << text::fixed(m.f1[c], 3) << "</td><td class=\"num\">" << m.support[c] << "</td></tr>\n";
  }
  out << "<tr><th>Macro F1</th><td></td><td></td><td class=\"num\"><b>" << text::fixed(m.macro_f1, 3)
      << "</b></td><td class=\"num\">" << m.segments << "</td></tr>\n</table>\n";
  return out.str();
}

// Accuracy against confidence per bin (empty bins left out): on the diagonal a model's
// probabilities mean what they say; below it, it is over-confident.
std::string reliability_diagram(const Metrics& m) {
  if (std::isnan(m.calibration.ece)) return "";
  svg::LineChart chart;
  chart.title = "Reliability (segments, " + std::to_string(m.calibration.bins.size()) + " bins)";
  chart.x_label = "confidence (top-class probability)";
  chart.y_label = "accuracy";
  chart.y_min = 0.0;
  chart.y_max = 1.0;
  chart.series.push_back({"perfect calibration", {0.0, 1.0}, {0.0, 1.0}, "#999999", true});
  const auto points = [](const Calibration& c, const std::string& label, const char* color) {
    svg::Series s{label, {}, {}, color, false};
    for (const auto& b : c.bins) {
      if (b.count == 0) continue;
      s.x.push_back(b.mean_confidence);
      s.y.push_back(b.accuracy);
    }
    return s;
  };
  chart.series.push_back(points(m.calibration, "model, ECE " + text::fixed(m.calibration.ece, 3), kTrainColor));
  if (m.temperature != 1.0)
    chart.series.push_back(points(m.calibrated,
                                  "T = " + text::fixed(m.temperature, 2) + ", ECE " + text::fixed(m.calibrated.ece, 3),
                                  kValColor));
  return svg::line_chart(chart);
}

std::string ci_text(const Interval& ci) {
  return ci.valid() ? " (95% CI " + text::fixed(ci.low, 3) + "&ndash;" + text::fixed(ci.high, 3) + ")" : "";
}

std::string run_section(const RunData& run, std::size_t index) {
  const RunInfo& i = run.info;
  std::ostringstream out;
  out << "<section class=\"run\" id=\"run-" << index << "\">\n<h3>" << escape(i.name) << "</h3>\n";
  out << "<p class=\"meta\">model " << model_html(i) << " &middot; image " << escape(i.kind) << " &middot; split "
      << escape(i.split.empty() ? "n/a" : i.split) << " &middot; " << i.epochs_run << " epochs run, best epoch "
      << i.best_epoch << " &middot; training time " << text::duration(i.train_seconds) << " &middot; "
      << i.classes.size() << " classes";
  if (!i.jaams_version.empty()) out << " &middot; jaams " << escape(i.jaams_version);
  out << "<br>folder <code>" << escape(run.dir.string()) << "</code></p>\n";

  out << "<div class=\"charts\">\n";
  if (run.history.empty()) {
    out << "<p class=\"note\">No training history (" << kHistoryFile << ") in this folder.</p>\n";
  } else {
    const std::vector<double> epochs = epochs_of(run.history);
    const double best = i.best_epoch > 0 ? static_cast<double>(i.best_epoch) : NAN;
    const std::string best_label = "best epoch " + std::to_string(i.best_epoch);

    svg::LineChart loss;
    loss.title = "Loss";
    loss.x_label = "epoch";
    loss.y_label = "loss";
    loss.y_min = 0.0;
    loss.integer_x = true;
    loss.marker_x = best;
    loss.marker_label = best_label;
    loss.series = {{"train", epochs, column(run.history, &EpochRecord::train_loss), kTrainColor, false},
                   {"val", epochs, column(run.history, &EpochRecord::val_loss), kValColor, false}};
    svg::LineChart acc = loss;
    acc.title = "Accuracy";
    acc.y_label = "accuracy";
    acc.y_max = 1.0;
    acc.series = {{"train", epochs, column(run.history, &EpochRecord::train_accuracy), kTrainColor, false},
                  {"val", epochs, column(run.history, &EpochRecord::val_accuracy), kValColor, false}};
    out << svg::line_chart(loss) << svg::line_chart(acc);
  }
  out << "</div>\n";

  // The test matrix is the one the report's Table 3 shows; validation stands in when there is no test split.
  const char* shown = run.split_metrics.count("test") != 0  ? "test"
                      : run.split_metrics.count("val") != 0 ? "val"
                                                            : nullptr;
  if (shown == nullptr) {
    out << "<p class=\"note\">No evaluation files (" << kEvalFolder << "/test.json) in this folder.</p>\n";
  } else {
    const Metrics& m = run.split_metrics.at(shown);
    svg::Heatmap map;
    map.title = std::string(shown == std::string("test") ? "Test" : "Validation") + " confusion matrix (segments)";
    map.labels = m.classes;
    map.counts = m.confusion;
    for (std::size_t c = 0; c < m.classes.size(); ++c) {
      map.recall.push_back(m.recall_defined[c] ? m.recall[c] : NAN);
      map.precision.push_back(m.precision_defined[c] ? m.precision[c] : NAN);
    }
    out << "<p>" << (shown == std::string("test") ? "Test" : "Validation") << " set: " << m.segments
        << " segments from " << m.tracks << " tracks; segment accuracy <b>" << text::fixed(m.segment_accuracy, 4)
        << "</b>" << ci_text(m.segment_accuracy_ci) << ", track accuracy <b>" << text::fixed(m.track_accuracy, 4)
        << "</b>" << ci_text(m.track_accuracy_ci) << ", macro F1 <b>"
        << text::fixed(m.macro_f1, 4) << "</b>";
    if (!std::isnan(m.mean_loss)) out << ", mean loss " << text::fixed(m.mean_loss, 4);
    out << ".</p>\n<div class=\"charts\">\n" << svg::heatmap(map) << per_class_table(m) << reliability_diagram(m)
        << "</div>\n";
  }
  if (run.audit) {
    const AuditRecord& a = *run.audit;
    out << "<p>Duplicate recordings (<code>jaams audit</code> of <code>" << escape(a.data) << "</code>): " << a.files
        << " files, " << a.pairs << " pairs in " << a.groups.size() << " groups, "
        << (a.crossing() > 0 ? "<span class=\"flag\">" : "<b>") << a.crossing() << " crossing this run's splits"
        << (a.crossing() > 0 ? "</span>" : "</b>") << ".</p>\n";
    if (a.crossing() > 0) {
      out << "<table>\n<tr><th>Files</th><th>Splits</th></tr>\n";
      for (const auto& g : a.groups) {
        if (!g.crosses_splits) continue;
        std::string files, splits;
        for (const auto& f : g.files) files += (files.empty() ? "" : "<br>") + escape(f);
        for (const auto& sp : g.splits) splits += (splits.empty() ? "" : " + ") + escape(sp);
        out << "<tr><td>" << files << "</td><td>" << splits << "</td></tr>\n";
      }
      out << "</table>\n";
    }
  }
  out << "</section>\n";
  return out.str();
}

}  // namespace

std::string report_html(const std::vector<RunData>& runs, const std::string& title) {
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>"
      << escape(title) << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n";
  out << "<h1>" << escape(title) << "</h1>\n<p class=\"meta\">" << runs.size() << (runs.size() == 1 ? " run" : " runs")
      << " &middot; written by jaams " << kVersion << "</p>\n";

  out << "<h2 id=\"accuracy\">Accuracy</h2>\n<p class=\"note\">Segment: one prediction per 10-s segment. Track: the "
         "mean of a track's segment probabilities.";
  if (std::any_of(runs.begin(), runs.end(), [](const RunData& r) { return r.info.random_backbone; }))
    out << " <span class=\"flag\">random backbone</span>: the AlexNet features were never pretrained, so the run "
           "measures the classifier head on random features, not transfer learning.";
  const std::vector<PairedTest> tests = paired_tests(runs);
  out << " Under each accuracy: its 95% bootstrap confidence interval over the split's tracks. Test (track): "
         "<span class=\"ns\">n.s.</span> not significantly different from the best run on the same tracks.";
  out << "</p>\n" << accuracy_table_html(runs, tests) << significance_html(runs, tests);

  out << kind_section(runs);

  out << "<h2 id=\"runs\">Runs</h2>\n<nav><ul>\n";
  for (std::size_t r = 0; r < runs.size(); ++r)
    out << "<li><a href=\"#run-" << r << "\">" << escape(runs[r].info.name) << "</a></li>\n";
  out << "</ul></nav>\n";
  for (std::size_t r = 0; r < runs.size(); ++r) out << run_section(runs[r], r);
  out << "</body>\n</html>\n";
  return out.str();
}

}  // namespace jaams::eval
