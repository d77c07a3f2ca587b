// --min-confidence: a track's genre is "unknown" exactly when its pooled top probability is below
// the threshold; the probabilities are written either way.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "jaams/predict/result_writer.hpp"

namespace jaams::predict {
namespace {

RowLayout layout(OutputFormat format, double min_confidence) {
  RowLayout l;
  l.format = format;
  l.classes = {"blues", "classical", "metal"};
  l.top_k = 1;
  l.segment_rows = true;
  l.class_columns = true;
  l.min_confidence = min_confidence;
  return l;
}

// Pooled top probability 0.5 (exactly representable, so "at the threshold" is exact); one segment
// is less sure than that.
FileResult track() {
  FileResult r;
  r.path = "a.wav";
  r.audio_seconds = 4.0;
  r.segments = {{0, 0.0, 2.0, {0.25f, 0.25f, 0.5f}}, {1, 2.0, 2.0, {0.3f, 0.3f, 0.4f}}};
  r.probabilities = {0.25f, 0.25f, 0.5f};
  return r;
}

std::string track_row(const std::string& rows) { return rows.substr(rows.find("track,")); }

TEST(MinConfidence, UnknownExactlyBelowTheThreshold) {
  // Above the pooled 0.5 -> unknown; at it or below -> the top class.
  EXPECT_EQ(track_row(format_rows(layout(OutputFormat::csv, 0.5000001), track())),
            "track,,,a.wav,unknown,0.500000,metal,0.500000,2,4.000,,0.250000,0.250000,0.500000\n");
  EXPECT_EQ(track_row(format_rows(layout(OutputFormat::csv, 0.5), track())),
            "track,,,a.wav,metal,0.500000,metal,0.500000,2,4.000,,0.250000,0.250000,0.500000\n");
  EXPECT_EQ(track_row(format_rows(layout(OutputFormat::csv, 0.4999999), track())),
            "track,,,a.wav,metal,0.500000,metal,0.500000,2,4.000,,0.250000,0.250000,0.500000\n");
  // Segment rows keep their top class: the threshold is about the track's pooled verdict.
  const std::string rows = format_rows(layout(OutputFormat::csv, 0.9), track());
  EXPECT_EQ(rows.substr(0, rows.find('\n')), "segment,0,0.000,a.wav,metal,0.500000,metal,0.500000,,2.000,,0.250000,0.250000,0.500000");
  // Off by default.
  EXPECT_EQ(RowLayout{}.min_confidence, 0.0);
}

nlohmann::json last_line(const std::string& rows) {
  const std::size_t end = rows.size() - 1;  // the final newline
  return nlohmann::json::parse(rows.substr(rows.rfind('\n', end - 1) + 1));
}

TEST(MinConfidence, JsonLinesToo) {
  const auto last = last_line(format_rows(layout(OutputFormat::jsonl, 0.75), track()));
  EXPECT_EQ(last["row"], "track");
  EXPECT_EQ(last["genre"], "unknown");
  EXPECT_DOUBLE_EQ(last["probability"].get<double>(), 0.5);
  EXPECT_EQ(last["top"][0]["genre"], "metal");
  EXPECT_EQ(last_line(format_rows(layout(OutputFormat::jsonl, 0.5), track()))["genre"], "metal");
}

}  // namespace
}  // namespace jaams::predict
