#include "jaams/eval/report.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "jaams/eval/metrics_format.hpp"
#include "jaams/eval/svg_plot.hpp"
#include "jaams/util/error.hpp"
#include "test_support.hpp"

namespace jaams::eval {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kClasses = {"blues", "classical", "rock"};

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  for (std::string f; std::getline(ss, f, sep);) out.push_back(f);
  if (!line.empty() && line.back() == sep) out.emplace_back();
  return out;
}

// Two runs as `jaams train` leaves them: a CNN on mel images with a validation split, and an
// AlexNet CNN whose backbone was never pretrained, trained without validation.
struct Fixture {
  test::TempDir dir;
  fs::path cnn = dir / "runs" / "cnn-mel";
  fs::path alex = dir / "runs" / "alex-chroma";

  Fixture() {
    RunInfo a;
    a.name = "cnn-mel";
    a.model = "cnn";
    a.kind = "mel";
    a.split = "track";
    a.jaams_version = "0.1.0";
    a.classes = kClasses;
    a.epochs_run = 4;
    a.best_epoch = 3;
    a.train_seconds = 75.25;
    a.accuracy["train"] = {0.9988, 1.0};
    a.accuracy["val"] = {0.6815, 0.7};
    a.accuracy["test"] = {0.6796, 0.6875};
    write_run_info(cnn, a);
    write_history(cnn, {{1, 1.1, 0.40, 1.05, 0.45, 20.0},
                        {2, 0.8, 0.60, 0.90, 0.55, 19.0},
                        {3, 0.5, 0.80, 0.85, 0.68, 18.5},
                        {4, 0.3, 0.95, 0.95, 0.66, 17.75}});
    write_split_metrics(
        cnn, "test",
        metrics_from_confusion(kClasses, {{5, 1, 0}, {0, 6, 0}, {2, 1, 3}}, {{2, 0, 0}, {0, 2, 0}, {1, 0, 1}}));
    write_split_metrics(
        cnn, "val",
        metrics_from_confusion(kClasses, {{4, 1, 1}, {0, 5, 1}, {2, 1, 3}}, {{2, 0, 0}, {0, 2, 0}, {1, 0, 1}}));

    RunInfo b;
    b.name = "alexcnn, chroma";  // a comma, to exercise CSV quoting
    b.model = "alexcnn";
    b.kind = "chroma";
    b.split = "paper";
    b.random_backbone = true;
    b.classes = kClasses;
    b.epochs_run = 2;
    b.best_epoch = 2;
    b.train_seconds = 4000;
    b.accuracy["train"] = {0.5, 0.55};
    b.accuracy["test"] = {0.4125, 0.5};
    write_run_info(alex, b);
    write_history(alex, {{1, 1.3, 0.35, kMissing, kMissing, 30.0}, {2, 1.2, 0.5, kMissing, kMissing, 31.0}});
    write_split_metrics(
        alex, "test",
        metrics_from_confusion(kClasses, {{2, 2, 2}, {1, 4, 1}, {1, 2, 3}}, {{1, 1, 0}, {0, 2, 0}, {0, 1, 1}}));
  }
};

TEST(Report, WritesAllFilesFromTwoRuns) {
  Fixture f;
  const std::vector<RunData> runs = {load_run(f.cnn), load_run(f.alex)};
  const fs::path out = f.dir / "report";
  const ReportFiles files = write_report(runs, out, "Genre runs");
  EXPECT_EQ(files.markdown, out / "report.md");
  EXPECT_EQ(files.csv, out / "accuracy.csv");
  EXPECT_EQ(files.html, out / "report.html");
  for (const auto& p : {files.markdown, files.csv, files.html}) {
    ASSERT_TRUE(fs::exists(p)) << p;
    EXPECT_GT(fs::file_size(p), 100u) << p;
  }

  const std::string html = read(files.html);
  // One <svg> per plot: the kind bar chart, the kind curves of the one model with a validation
  // split (cnn), and per run a loss chart, an accuracy chart and a confusion heat map.
  EXPECT_EQ(count(html, "<svg"), 1u + 1u + 3u + 3u) << html;
  EXPECT_EQ(count(html, "<svg"), count(html, "</svg>"));
  std::string lower = html;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  EXPECT_EQ(lower.find("http"), std::string::npos) << "the page must not reference anything online";
  EXPECT_EQ(lower.find("<script"), std::string::npos);
  EXPECT_EQ(lower.find("<link"), std::string::npos);
  EXPECT_NE(html.find("<style>"), std::string::npos);
  EXPECT_NE(html.find("<title>Genre runs</title>"), std::string::npos);
  EXPECT_NE(html.find("random backbone"), std::string::npos);
  EXPECT_NE(html.find("alexcnn, chroma"), std::string::npos);
  EXPECT_NE(html.find("Test confusion matrix"), std::string::npos);

  const std::string md = read(files.markdown);
  EXPECT_EQ(md.rfind("# Genre runs\n", 0), 0u);
  EXPECT_NE(md.find("| cnn-mel | cnn | mel | 0.9988 | 1.0000 | 0.6815 | 0.7000 | 0.6796 | 0.6875 |"), std::string::npos)
      << md;
  EXPECT_NE(
      md.find("| alexcnn, chroma | alexcnn (random backbone) | chroma | 0.5000 | 0.5500 | - | - | 0.4125 | 0.5000 |"),
      std::string::npos)
      << md;
  EXPECT_NE(md.find("| blues | 5 | 1 | 0 | 0.833 |"), std::string::npos) << md;  // cnn test matrix
  EXPECT_NE(md.find("| cnn | 0.6815 (cnn-mel) | - | - |"), std::string::npos) << md;
}

TEST(Report, AccuracyCsvMatchesRunJson) {
  Fixture f;
  const std::vector<RunData> runs = {load_run(f.cnn), load_run(f.alex)};
  write_report(runs, f.dir / "out", "t");
  std::istringstream csv(read(f.dir / "out" / "accuracy.csv"));
  std::string line;
  std::getline(csv, line);
  const std::vector<std::string> header = split(line, ',');
  // The first 15 columns as before; then the intervals (low, high per accuracy) and the test significance mark.
  ASSERT_EQ(header.size(), 28u) << line;
  EXPECT_EQ(header[0], "run");
  EXPECT_EQ(header[5], "train_segment");
  EXPECT_EQ(header[14], "run_dir");
  EXPECT_EQ(header[25], "test_track_ci_low");
  EXPECT_EQ(header[27], "test_track_significance");

  for (const fs::path& dir : {f.cnn, f.alex}) {
    ASSERT_TRUE(std::getline(csv, line));
    const RunInfo info = read_run_info(dir);
    // The quoted name is the only field that may hold a comma.
    std::string name = line.substr(0, line[0] == '"' ? line.find('"', 1) + 1 : line.find(','));
    const std::vector<std::string> rest = split(line.substr(name.size() + 1), ',');
    if (name.front() == '"') name = name.substr(1, name.size() - 2);
    EXPECT_EQ(name, info.name);
    ASSERT_EQ(rest.size(), 27u) << line;
    // These metrics files predate per-track outcomes: no interval, nothing to compare.
    for (std::size_t c = 14; c < 27; ++c) EXPECT_EQ(rest[c], "") << c << " " << line;
    EXPECT_EQ(rest[0], info.model);
    EXPECT_EQ(rest[1], info.kind);
    EXPECT_EQ(rest[3], info.random_backbone ? "true" : "false");
    std::size_t col = 4;
    for (const char* s : kSplitNames) {
      const auto it = info.accuracy.find(s);
      for (bool track : {false, true}) {
        const std::string& cell = rest[col++];
        if (it == info.accuracy.end()) {
          EXPECT_EQ(cell, "") << s;
        } else {
          EXPECT_EQ(std::stod(cell), track ? it->second.track : it->second.segment) << s << " " << line;
        }
      }
    }
    EXPECT_EQ(std::stoi(rest[10]), info.epochs_run);
    EXPECT_EQ(std::stoi(rest[11]), info.best_epoch);
    EXPECT_EQ(std::stod(rest[12]), info.train_seconds);
  }
  EXPECT_FALSE(std::getline(csv, line));
}

TEST(Report, FallsBackToEvalFilesForAccuracy) {
  Fixture f;
  RunInfo info = read_run_info(f.cnn);
  info.accuracy.erase("test");
  write_run_info(f.cnn, info);
  const RunData run = load_run(f.cnn);
  EXPECT_DOUBLE_EQ(split_accuracy(run, "test", false), 14.0 / 18.0);  // eval/test.json's matrix
  EXPECT_DOUBLE_EQ(split_accuracy(run, "test", true), 5.0 / 6.0);
  EXPECT_TRUE(std::isnan(split_accuracy(load_run(f.alex), "val", false)));
}

TEST(Report, ComparesBestValidationAccuracyPerKind) {
  Fixture f;
  RunInfo second = read_run_info(f.cnn);
  second.name = "cnn-centroid";
  second.kind = "centroid";
  second.accuracy["val"] = {0.55, 0.6};
  write_run_info(f.dir / "c", second);
  second.name = "cnn-mel-2";
  second.kind = "mel";
  second.accuracy["val"] = {0.70, 0.75};
  write_run_info(f.dir / "m2", second);

  const std::vector<RunData> runs = {load_run(f.cnn), load_run(f.dir / "c"), load_run(f.dir / "m2"), load_run(f.alex)};
  const auto rows = compare_kinds(runs);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].model, "cnn");
  EXPECT_DOUBLE_EQ(rows[0].best_val[0], 0.70);  // mel: the better of 0.6815 and 0.70
  EXPECT_EQ(rows[0].best_run[0], 2);
  EXPECT_DOUBLE_EQ(rows[0].best_val[1], 0.55);  // centroid
  EXPECT_EQ(rows[0].best_run[2], -1);           // no chroma run
  EXPECT_EQ(rows[1].model, "alexcnn (random backbone)");
  EXPECT_EQ(rows[1].best_run[2], -1);  // trained without validation
}

TEST(Report, MissingRunJsonNamesTheFolder) {
  test::TempDir dir;
  fs::create_directories(dir / "not-a-run");
  try {
    load_run(dir / "not-a-run");
    FAIL() << "a folder without run.json was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("not-a-run"), std::string::npos) << e.what();
  }
  EXPECT_THROW(write_report({}, dir / "out", "t"), Error);
}

TEST(Report, RunWithoutHistoryOrEvalStillReports) {
  Fixture f;
  fs::remove(f.alex / "history.csv");
  fs::remove_all(f.alex / "eval");
  const RunData run = load_run(f.alex);
  EXPECT_TRUE(run.history.empty());
  EXPECT_TRUE(run.split_metrics.empty());
  const std::string html = report_html({run}, "t");
  EXPECT_NE(html.find("No training history"), std::string::npos);
  EXPECT_NE(html.find("No evaluation files"), std::string::npos);
}

TEST(Report, EscapesNamesInHtml) {
  Fixture f;
  RunInfo info = read_run_info(f.cnn);
  info.name = "<b>bold</b> & co";
  write_run_info(f.cnn, info);
  const std::string html = report_html({load_run(f.cnn)}, "a <title>");
  EXPECT_EQ(html.find("<b>bold</b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;bold&lt;/b&gt; &amp; co"), std::string::npos);
  EXPECT_NE(html.find("<title>a &lt;title&gt;</title>"), std::string::npos);
}

TEST(SvgPlot, NiceTicksCoverTheRange) {
  const auto unit = svg::nice_ticks(0.0, 1.0, 5);
  ASSERT_EQ(unit.size(), 6u);
  for (std::size_t i = 0; i < unit.size(); ++i) EXPECT_NEAR(unit[i], 0.2 * static_cast<double>(i), 1e-12);
  const auto t = svg::nice_ticks(0.37, 2.93, 5);
  EXPECT_LE(t.front(), 0.37);
  EXPECT_GE(t.back(), 2.93);
  // 2.56 / 5 = 0.512 per interval rounds up to the next nice step, 1.
  EXPECT_EQ(t, (std::vector<double>{0.0, 1.0, 2.0, 3.0}));
  EXPECT_GE(svg::nice_ticks(3.0, 3.0, 5).size(), 2u);  // a flat series still gets an axis
}

TEST(SvgPlot, LineChartBreaksAtMissingValues) {
  svg::LineChart chart;
  chart.series = {{"val", {1, 2, 3, 4}, {0.5, std::nan(""), 0.6, 0.7}, "#000", false}};
  const std::string s = svg::line_chart(chart);
  // Two pieces: "M" for point 1, "M ... L" for points 3-4.
  const auto d = s.find("<path d=\"");
  ASSERT_NE(d, std::string::npos);
  const std::string path = s.substr(d, s.find('"', d + 9) - d);
  EXPECT_EQ(count(path, "M"), 2u) << path;
  EXPECT_EQ(count(path, "L"), 1u) << path;
}

}  // namespace
}  // namespace jaams::eval

namespace jaams::eval {
namespace {

TEST(Report, ShowsTheDuplicateRecordingsAnAuditFoundInARun) {
  Fixture f;
  AuditRecord audit;
  audit.data = "data/gtzan";
  audit.files = 1000;
  audit.pairs = 3;
  audit.groups = {{{"blues/blues.00001.wav", "blues/blues.00077.wav"}, {"test", "train"}, true},
                  {{"pop/pop.00010.wav", "pop/pop.00011.wav"}, {"train"}, false}};
  write_audit_record(f.cnn, audit);
  const std::vector<RunData> runs = {load_run(f.cnn), load_run(f.alex)};
  ASSERT_TRUE(runs[0].audit.has_value());
  EXPECT_FALSE(runs[1].audit.has_value());
  EXPECT_EQ(runs[0].audit->crossing(), 1u);
  const std::string md = report_markdown(runs, "t");
  EXPECT_NE(md.find("1000 files, 3 duplicate pairs in 2 groups, **1** crossing this run's splits"), std::string::npos)
      << md;
  EXPECT_NE(md.find("- `blues/blues.00001.wav`, `blues/blues.00077.wav` (test+train)"), std::string::npos) << md;
  EXPECT_EQ(md.find("pop.00010"), std::string::npos) << "a group within one split is no leak";
  const std::string html = report_html(runs, "t");
  EXPECT_NE(html.find("<span class=\"flag\">1 crossing this run's splits</span>"), std::string::npos);
  EXPECT_NE(html.find("blues/blues.00001.wav<br>blues/blues.00077.wav"), std::string::npos);
  // A broken record is refused with its path.
  std::ofstream(f.cnn / kAuditFile) << "{\"data\": 3}";
  EXPECT_NE(test::error_of([&] { load_run(f.cnn); }).find("audit.json"), std::string::npos);
}

}  // namespace
}  // namespace jaams::eval
