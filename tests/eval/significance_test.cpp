#include "jaams/eval/significance.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "jaams/eval/metrics_format.hpp"
#include "jaams/eval/report.hpp"
#include "jaams/eval/statistics.hpp"

namespace jaams::eval {
namespace {

const std::vector<std::string> kTwo = {"blues", "rock"};

// A run whose test split has `n` one-segment tracks t0..t(n-1) of alternating class; the tracks
// in `wrong` are misclassified.
RunData run_with_test(const std::string& name, int n, const std::vector<int>& wrong) {
  std::vector<SegmentPrediction> preds;
  for (int i = 0; i < n; ++i) {
    const int label = i % 2;
    const bool miss = std::find(wrong.begin(), wrong.end(), i) != wrong.end();
    const int predicted = miss ? 1 - label : label;
    std::vector<float> p(2, 0.1f);
    p[static_cast<std::size_t>(predicted)] = 0.9f;
    preds.push_back({"t" + std::to_string(i), label, p});
  }
  RunData run;
  run.dir = name;
  run.info.name = name;
  run.info.model = "cnn";
  run.info.kind = "mel";
  run.info.classes = kTwo;
  Metrics m = compute_metrics(kTwo, preds);
  set_confidence_intervals(m, 200);
  run.split_metrics["test"] = m;
  return run;
}

std::vector<int> range(int from, int to) {
  std::vector<int> v;
  for (int i = from; i < to; ++i) v.push_back(i);
  return v;
}

TEST(Significance, McNemarCountsTheDiscordantTracks) {
  // A misses tracks 0-1, B misses 0-9: B alone wrong on 8, A alone wrong on none.
  const std::vector<RunData> runs = {run_with_test("a", 40, range(0, 2)), run_with_test("b", 40, range(0, 10)),
                                     run_with_test("c", 40, range(1, 4))};
  const auto tests = paired_tests(runs);
  ASSERT_EQ(tests.size(), 3u);
  EXPECT_EQ(tests[0].a, 0u);
  EXPECT_EQ(tests[0].b, 1u);
  EXPECT_EQ(tests[0].tracks, 40u);
  EXPECT_EQ(tests[0].only_a, 8);
  EXPECT_EQ(tests[0].only_b, 0);
  EXPECT_NEAR(tests[0].p, 2.0 / 256.0, 1e-12);
  EXPECT_TRUE(tests[0].significant());
  // a vs c: a alone right on 2, 3; c alone right on 0 -> 2 vs 1, p = 1.
  EXPECT_EQ(tests[1].only_a, 2);
  EXPECT_EQ(tests[1].only_b, 1);
  EXPECT_DOUBLE_EQ(tests[1].p, 1.0);

  const auto marks = significance_marks(runs, tests);
  EXPECT_EQ(marks[0], SignificanceMark::best);
  EXPECT_EQ(marks[1], SignificanceMark::worse);
  EXPECT_EQ(marks[2], SignificanceMark::not_significant);

  const std::string table = accuracy_table_markdown(runs);
  EXPECT_NE(table.find("0.9500 ["), std::string::npos) << table;  // a's test track accuracy with its interval
  EXPECT_NE(table.find("(best)"), std::string::npos) << table;
  EXPECT_NE(table.find("(n.s.)"), std::string::npos) << table;
  EXPECT_NE(table.find("(worse)"), std::string::npos) << table;
  const std::string md = significance_markdown(runs, tests);
  EXPECT_NE(md.find("| a | b | 40 | 8 | 0 | 0.0078 | a is better |"), std::string::npos) << md;
  EXPECT_NE(md.find("| a | c | 40 | 2 | 1 | 1.0000 | no significant difference |"), std::string::npos) << md;
  const std::string html = report_html(runs, "t");
  EXPECT_NE(html.find("class=\"ns\""), std::string::npos);
  EXPECT_NE(html.find("<h2 id=\"significance\">"), std::string::npos);
}

TEST(Significance, RunsOnOtherTracksAreNotPaired) {
  std::vector<RunData> runs = {run_with_test("a", 40, {}), run_with_test("b", 30, {})};
  EXPECT_TRUE(paired_tests(runs).empty());
  // Same ids, other labels: not the same test set either.
  runs[1] = run_with_test("b", 40, {});
  for (auto& t : runs[1].split_metrics["test"].per_track) t.label = 1 - t.label;
  EXPECT_TRUE(paired_tests(runs).empty());
  const auto marks = significance_marks(runs, paired_tests(runs));
  EXPECT_EQ(marks[0], SignificanceMark::none);
}

TEST(Significance, IntervalsAndTracksSurviveTheMetricsFile) {
  const RunData run = run_with_test("a", 40, range(0, 6));
  const Metrics& m = run.split_metrics.at("test");
  ASSERT_TRUE(m.track_accuracy_ci.valid());
  EXPECT_LE(m.track_accuracy_ci.low, 34.0 / 40.0);
  EXPECT_GE(m.track_accuracy_ci.high, 34.0 / 40.0);
  const Metrics back = metrics_from_json(to_json(m), "test.json");
  EXPECT_EQ(back.per_track, m.per_track);
  EXPECT_EQ(back.bootstrap_resamples, 200);
  EXPECT_DOUBLE_EQ(back.track_accuracy_ci.low, m.track_accuracy_ci.low);
  EXPECT_DOUBLE_EQ(back.segment_accuracy_ci.high, m.segment_accuracy_ci.high);
  EXPECT_NE(to_text(m).find("[95% CI "), std::string::npos);
  // A per-track list that disagrees with the matrices is refused, naming the file.
  auto j = to_json(m);
  j["per_track"].erase(0);
  try {
    metrics_from_json(j, "test.json");
    FAIL() << "expected an error";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("test.json: 'per_track'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace jaams::eval

namespace jaams::eval {
namespace {

TEST(ReportCalibration, TheHtmlDrawsAReliabilityDiagramBeforeAndAfterTheTemperature) {
  RunData run = run_with_test("a", 40, range(0, 10));
  std::vector<SegmentPrediction> preds;
  for (const auto& t : run.split_metrics["test"].per_track) {
    std::vector<float> p(2, 0.1f);
    p[static_cast<std::size_t>(t.predicted)] = 0.9f;
    preds.push_back({t.track_id, t.label, p});
  }
  set_calibration(run.split_metrics["test"], preds, 1.7);
  const Metrics& m = run.split_metrics["test"];
  // 30 of 40 right at confidence 0.9: ECE 0.15 before; softened towards 0.75 after.
  EXPECT_NEAR(m.calibration.ece, 0.15, 1e-6);
  EXPECT_LT(m.calibrated.ece, m.calibration.ece);
  const std::string html = report_html({run}, "t");
  EXPECT_NE(html.find("Reliability (segments, 15 bins)"), std::string::npos);
  EXPECT_NE(html.find("model, ECE 0.150"), std::string::npos);
  EXPECT_NE(html.find("T = 1.70, ECE"), std::string::npos);
  // The calibration survives the metrics file.
  const Metrics back = metrics_from_json(to_json(m), "test.json");
  EXPECT_DOUBLE_EQ(back.temperature, 1.7);
  EXPECT_DOUBLE_EQ(back.calibrated.ece, m.calibrated.ece);
  EXPECT_EQ(back.calibration.bins.size(), 15u);
  EXPECT_NE(to_text(m).find("after temperature 1.700"), std::string::npos) << to_text(m);
}

}  // namespace
}  // namespace jaams::eval
