// Rows as jaams predict writes them, and picking up an interrupted output.
#include "jaams/predict/result_writer.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "jaams/util/error.hpp"
#include "predict_fixtures.hpp"
#include "test_support.hpp"

namespace jaams::predict {
namespace {
namespace fs = std::filesystem;

RowLayout layout(OutputFormat format, bool segments) {
  RowLayout l;
  l.format = format;
  l.classes = {"blues", "classical", "metal"};
  l.top_k = 2;
  l.segment_rows = segments;
  l.class_columns = segments;
  return l;
}

FileResult good(const std::string& path) {
  FileResult r;
  r.path = path;
  r.audio_seconds = 4.5;
  r.segments = {{0, 0.0, 2.0, {0.2f, 0.5f, 0.3f}}, {1, 2.0, 2.0, {0.6f, 0.1f, 0.3f}}};
  r.probabilities = {0.4f, 0.3f, 0.3f};
  return r;
}

FileResult bad(const std::string& path) {
  FileResult r;
  r.path = path;
  r.error = "too short: 0.5 s of audio,\nneeds 1.9 s";
  r.audio_seconds = 0.5;
  return r;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ResultRows, CsvTrackRowsWithTopK) {
  const auto l = layout(OutputFormat::csv, false);
  EXPECT_EQ(header_line(l), "path,genre,probability,top1,p1,top2,p2,segments,duration_seconds,error\n");
  EXPECT_EQ(format_rows(l, good("a, b.wav")),
            "\"a, b.wav\",blues,0.400000,blues,0.400000,classical,0.300000,2,4.500,\n");
  EXPECT_EQ(format_rows(l, bad("c.wav")), "c.wav,,,,,,,,0.500,\"too short: 0.5 s of audio, needs 1.9 s\"\n");
}

TEST(ResultRows, CsvSegmentRowsComeBeforeTheirTrackRow) {
  const auto l = layout(OutputFormat::csv, true);
  EXPECT_EQ(header_line(l),
            "row,segment,start_seconds,path,genre,probability,top1,p1,top2,p2,segments,duration_seconds,error,p_blues,"
            "p_classical,p_metal\n");
  EXPECT_EQ(
      format_rows(l, good("a.wav")),
      "segment,0,0.000,a.wav,classical,0.500000,classical,0.500000,metal,0.300000,,2.000,,0.200000,0.500000,0.300000\n"
      "segment,1,2.000,a.wav,blues,0.600000,blues,0.600000,metal,0.300000,,2.000,,0.600000,0.100000,0.300000\n"
      "track,,,a.wav,blues,0.400000,blues,0.400000,classical,0.300000,2,4.500,,0.400000,0.300000,0.300000\n");
}

TEST(ResultRows, JsonLinesCarryTheSameFields) {
  const auto l = layout(OutputFormat::jsonl, true);
  std::istringstream lines(format_rows(l, good("a.wav")) + format_rows(l, bad("c.wav")));
  std::vector<nlohmann::json> rows;
  std::string line;
  while (std::getline(lines, line)) rows.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0]["row"], "segment");
  EXPECT_EQ(rows[0]["start_seconds"], 0.0);
  EXPECT_EQ(rows[2]["row"], "track");
  EXPECT_EQ(rows[2]["genre"], "blues");
  EXPECT_EQ(rows[2]["top"][1]["genre"], "classical");
  EXPECT_DOUBLE_EQ(rows[2]["top"][1]["probability"].get<double>(), 0.3);
  EXPECT_DOUBLE_EQ(rows[2]["probabilities"]["metal"].get<double>(), 0.3);
  EXPECT_EQ(rows[2]["segments"], 2);
  EXPECT_TRUE(rows[2]["error"].is_null());
  EXPECT_EQ(rows[3]["path"], "c.wav");
  EXPECT_TRUE(rows[3]["genre"].is_null());
  EXPECT_EQ(rows[3]["error"], "too short: 0.5 s of audio,\nneeds 1.9 s");
}

TEST(Resume, CsvDropsATornLineAndAnUnfinishedFile) {
  test::TempDir dir;
  const auto l = layout(OutputFormat::csv, true);
  const std::string done = header_line(l) + format_rows(l, good("a.wav")) + format_rows(l, bad("b.wav"));
  const std::string unfinished = format_rows(l, good("c.wav"));
  // c.wav's segment rows made it, its track row was cut in the middle.
  const std::string torn = unfinished.substr(0, unfinished.rfind("track,") + 12);
  const fs::path out = dir / "out.csv";
  std::ofstream(out, std::ios::binary) << done << torn;
  const auto state = prepare_resume(out, l);
  EXPECT_FALSE(state.fresh);
  EXPECT_EQ(state.done, (std::set<std::string>{"a.wav", "b.wav"}));
  EXPECT_EQ(state.dropped_bytes, torn.size());
  EXPECT_EQ(slurp(out), done);
}

TEST(Resume, CsvFromAnotherLayoutIsRefused) {
  test::TempDir dir;
  const fs::path out = dir / "out.csv";
  std::ofstream(out, std::ios::binary) << header_line(layout(OutputFormat::csv, false));
  try {
    prepare_resume(out, layout(OutputFormat::csv, true));
    FAIL() << "accepted other columns";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(out.string()), std::string::npos);
  }
}

TEST(Resume, MissingEmptyOrHeaderlessOutputStartsFresh) {
  test::TempDir dir;
  const auto l = layout(OutputFormat::csv, false);
  EXPECT_TRUE(prepare_resume(dir / "none.csv", l).fresh);
  std::ofstream(dir / "torn-header.csv", std::ios::binary) << "path,gen";
  const auto state = prepare_resume(dir / "torn-header.csv", l);
  EXPECT_TRUE(state.fresh);
  EXPECT_EQ(fs::file_size(dir / "torn-header.csv"), 0u);
}

TEST(Resume, JsonLinesDropATornLine) {
  test::TempDir dir;
  const auto l = layout(OutputFormat::jsonl, false);
  const std::string done = format_rows(l, good("a.wav")) + format_rows(l, bad("b.wav"));
  const fs::path out = dir / "out.jsonl";
  std::ofstream(out, std::ios::binary) << done << "{\"row\":\"track\",\"pa";
  const auto state = prepare_resume(out, l);
  EXPECT_EQ(state.done, (std::set<std::string>{"a.wav", "b.wav"}));
  EXPECT_EQ(slurp(out), done);
  std::ofstream(out, std::ios::binary | std::ios::app) << "not json\n" << done;
  EXPECT_THROW(prepare_resume(out, l), Error);
}

TEST(ResultWriterFile, AppendsAfterResumeAndFlushesPerFile) {
  test::TempDir dir;
  const auto l = layout(OutputFormat::csv, false);
  const fs::path out = dir / "sub" / "out.csv";
  {
    ResultWriter w(l, out, false);
    w.write(good("a.wav"));
    // Flushed: visible before the writer goes away.
    EXPECT_EQ(fixtures::read_csv(out).size(), 1u);
  }
  {
    ResultWriter w(l, out, true);
    w.write(bad("b.wav"));
  }
  const auto rows = fixtures::read_csv(out);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].at("path"), "a.wav");
  EXPECT_EQ(rows[1].at("path"), "b.wav");
}

}  // namespace
}  // namespace jaams::predict
