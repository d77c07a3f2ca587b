#include "jaams/eval/metrics_format.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "jaams/util/atomic_file.hpp"
#include "jaams/util/error.hpp"
#include "test_support.hpp"

namespace jaams::eval {
namespace {

const std::vector<std::string> kThree = {"blues", "classical", "country"};

Metrics sample() {
  Metrics m = metrics_from_confusion(kThree, {{3, 1, 1}, {0, 2, 1}, {2, 1, 1}}, {{2, 0, 0}, {0, 1, 0}, {1, 0, 1}});
  m.mean_loss = 0.8125;
  return m;
}

void expect_same(const Metrics& a, const Metrics& b) {
  EXPECT_EQ(a.classes, b.classes);
  EXPECT_EQ(a.segments, b.segments);
  EXPECT_EQ(a.tracks, b.tracks);
  EXPECT_EQ(a.confusion, b.confusion);
  EXPECT_EQ(a.track_confusion, b.track_confusion);
  EXPECT_DOUBLE_EQ(a.segment_accuracy, b.segment_accuracy);
  EXPECT_DOUBLE_EQ(a.track_accuracy, b.track_accuracy);
  EXPECT_DOUBLE_EQ(a.macro_f1, b.macro_f1);
  EXPECT_EQ(a.precision, b.precision);
  EXPECT_EQ(a.recall, b.recall);
  EXPECT_EQ(a.f1, b.f1);
  EXPECT_EQ(a.precision_defined, b.precision_defined);
  EXPECT_EQ(a.recall_defined, b.recall_defined);
  EXPECT_EQ(std::isnan(a.mean_loss), std::isnan(b.mean_loss));
  if (!std::isnan(a.mean_loss)) EXPECT_DOUBLE_EQ(a.mean_loss, b.mean_loss);
}

TEST(MetricsFormat, JsonRoundTrip) {
  const Metrics m = sample();
  const nlohmann::json j = to_json(m);
  EXPECT_EQ(j["segments"], 12);
  EXPECT_EQ(j["tracks"], 5);
  EXPECT_DOUBLE_EQ(j["segment_accuracy"].get<double>(), 0.5);
  EXPECT_EQ(j["per_class"][2]["class"], "country");
  EXPECT_DOUBLE_EQ(j["per_class"][2]["recall"].get<double>(), 0.25);
  // Through text, as it goes through a file.
  expect_same(metrics_from_json(nlohmann::json::parse(j.dump()), "test"), m);
}

TEST(MetricsFormat, MissingLossIsNullInJson) {
  Metrics m = sample();
  m.mean_loss = std::nan("");
  const nlohmann::json j = to_json(m);
  EXPECT_TRUE(j["mean_loss"].is_null());
  EXPECT_TRUE(std::isnan(metrics_from_json(j).mean_loss));
}

TEST(MetricsFormat, DerivedValuesAreRecomputedFromTheMatrices) {
  nlohmann::json j = to_json(sample());
  j["segment_accuracy"] = 0.99;  // an edited file cannot contradict its own matrix
  EXPECT_DOUBLE_EQ(metrics_from_json(j).segment_accuracy, 0.5);
}

TEST(MetricsFormat, BadJsonNamesTheSourceAndKey) {
  nlohmann::json j = to_json(sample());
  j["confusion"][1] = {1, 2};
  try {
    metrics_from_json(j, "runs/x/eval/test.json");
    FAIL() << "ragged matrix accepted";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("runs/x/eval/test.json"), std::string::npos) << msg;
    EXPECT_NE(msg.find("confusion"), std::string::npos) << msg;
  }
  nlohmann::json no_classes = to_json(sample());
  no_classes.erase("classes");
  EXPECT_THROW(metrics_from_json(no_classes), Error);
  EXPECT_THROW(metrics_from_json(nlohmann::json::array()), Error);
}

TEST(MetricsFormat, FileRoundTripAndErrors) {
  test::TempDir dir;
  const auto path = dir / "eval" / "test.json";
  write_metrics_json(path, sample());
  expect_same(read_metrics_json(path), sample());

  try {
    read_metrics_json(dir / "missing.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing.json"), std::string::npos);
  }
  write_file_atomic(dir / "broken.json", std::string_view("{\"classes\": [\"a\""));
  EXPECT_THROW(read_metrics_json(dir / "broken.json"), Error);
}

TEST(MetricsFormat, MarkdownLaysOutTheConfusionMatrixLikeTable3) {
  const std::string md = to_markdown(sample(), "Test set");
  EXPECT_EQ(md.rfind("## Test set\n", 0), 0u) << md;
  EXPECT_NE(md.find("| Actual \\ Predicted | blues | classical | country | Recall |"), std::string::npos) << md;
  // Rows: counts then recall (3/5, 2/3, 1/4); last row: precision per predicted class.
  EXPECT_NE(md.find("| blues | 3 | 1 | 1 | 0.600 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| classical | 0 | 2 | 1 | 0.667 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| country | 2 | 1 | 1 | 0.250 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| Precision | 0.600 | 0.500 | 0.333 |"), std::string::npos) << md;
  EXPECT_NE(md.find("Segment accuracy: 0.5000"), std::string::npos) << md;
  EXPECT_NE(md.find("track accuracy: 0.8000"), std::string::npos) << md;
  EXPECT_NE(md.find("macro F1: 0.4857"), std::string::npos) << md;
  EXPECT_NE(md.find("mean loss: 0.8125"), std::string::npos) << md;
  // The track-level matrix follows.
  EXPECT_NE(md.find("| country | 1 | 0 | 1 | 0.500 |"), std::string::npos) << md;
}

TEST(MetricsFormat, MarkdownMarksUndefinedValues) {
  const Metrics m =
      metrics_from_confusion(kThree, {{2, 0, 0}, {0, 0, 0}, {1, 1, 0}}, {{1, 0, 0}, {0, 0, 0}, {1, 0, 0}});
  const std::string md = to_markdown(m, "");
  EXPECT_EQ(md.find("## "), std::string::npos);
  EXPECT_NE(md.find("| classical | 0 | 0 | 0 | n/a |"), std::string::npos) << md;
  EXPECT_NE(md.find("| country | n/a | 0.000 |"), std::string::npos) << md;
  EXPECT_NE(md.find("n/a: no segment"), std::string::npos) << md;
}

TEST(MetricsFormat, TextIsAlignedPerRow) {
  const std::string text = to_text(sample());
  EXPECT_NE(text.find("Segment accuracy: 0.5000"), std::string::npos) << text;
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
    lines.push_back(text.substr(start, nl - start));
  ASSERT_EQ(lines.size(), 6u) << text;  // summary, header, 3 classes, precision
  EXPECT_EQ(lines[2].rfind("blues", 0), 0u);
  EXPECT_EQ(lines[5].rfind("precision", 0), 0u);
  for (std::size_t i = 2; i < 5; ++i) EXPECT_EQ(lines[i].size(), lines[1].size()) << text;
}

}  // namespace
}  // namespace jaams::eval
