#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "jaams/data/manifest.hpp"
#include "jaams/util/error.hpp"
#include "test_support.hpp"

namespace {
using jaams::data::ManifestRow;
using jaams::data::read_manifest;
using jaams::data::write_manifest;
namespace fs = std::filesystem;

using jaams::test::slurp;

void spit(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

using jaams::test::error_of;

void expect_same(const ManifestRow& a, const ManifestRow& b) {
  EXPECT_EQ(a.image, b.image);
  EXPECT_EQ(a.track_id, b.track_id);
  EXPECT_EQ(a.genre, b.genre);
  EXPECT_EQ(a.segment, b.segment);
  EXPECT_EQ(a.start_seconds, b.start_seconds);  // exact: doubles must survive the text round trip
  EXPECT_EQ(a.duration_seconds, b.duration_seconds);
  EXPECT_EQ(a.kind, b.kind);
}

TEST(Manifest, RoundTripKeepsEveryFieldIncludingQuotedOnes) {
  jaams::test::TempDir dir;
  const std::vector<ManifestRow> rows = {
      {"blues/blues.00012_s0_mel.png", "blues.00012", "blues", 0, 0.0, 10.0, "mel"},
      {"blues/blues.00012_s1_mel.png", "blues.00012", "blues", 1, 10.0, 10.0, "mel"},
      // Names a user may well have: commas, quotes, a line break, non-ASCII.
      {"rock/AC,DC - \"Back\" in Black_s2.png", "AC,DC - \"Back\" in Black", "rock", 2, 20.000000000000004,
       9.977324263038549, "chroma"},
      {"pop/two\nlines.png", "two\nlines", "pop", 3, 1e-7, 0.1, "centroid,v2"},
      {"reggae/Bob Marley – Jammin'.png", "Bob Marley – Jammin'", "reggae", 0, 0, 0, ""},
  };
  const fs::path path = dir / "sub/manifest.csv";
  write_manifest(path, rows);

  const std::string text = slurp(path);
  EXPECT_EQ(text.rfind("image,track_id,genre,segment,start_seconds,duration_seconds,kind\n", 0), 0u) << text;
  EXPECT_NE(text.find("\"AC,DC - \"\"Back\"\" in Black\""), std::string::npos) << text;
  EXPECT_NE(text.find(",\"centroid,v2\"\n"), std::string::npos) << text;

  const auto back = read_manifest(path);
  ASSERT_EQ(back.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) expect_same(back[i], rows[i]);
}

TEST(Manifest, EmptyManifestHasOnlyTheHeader) {
  jaams::test::TempDir dir;
  write_manifest(dir / "m.csv", {});
  EXPECT_EQ(slurp(dir / "m.csv"), "image,track_id,genre,segment,start_seconds,duration_seconds,kind\n");
  EXPECT_TRUE(read_manifest(dir / "m.csv").empty());
}

TEST(Manifest, ColumnsAreFoundByNameAndCrlfIsAccepted) {
  jaams::test::TempDir dir;
  spit(dir / "m.csv",
       "kind,note,track_id,segment,genre,duration_seconds,start_seconds,image\r\n"
       "mel,hand-made,disco.00001,2,disco,10,20.5,disco/disco.00001_s2.png\r\n");
  const auto rows = read_manifest(dir / "m.csv");
  ASSERT_EQ(rows.size(), 1u);
  expect_same(rows[0], {"disco/disco.00001_s2.png", "disco.00001", "disco", 2, 20.5, 10, "mel"});
}

TEST(Manifest, MissingColumnNamesFileLineAndColumn) {
  jaams::test::TempDir dir;
  const fs::path path = dir / "m.csv";
  spit(path, "image,track_id,genre,segment,start_seconds,kind\nx.png,t,blues,0,0,mel\n");
  const std::string msg = error_of([&] { read_manifest(path); });
  EXPECT_NE(msg.find(path.string() + ":1:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("duration_seconds"), std::string::npos) << msg;
}

TEST(Manifest, BadNumberNamesFileLineAndColumn) {
  jaams::test::TempDir dir;
  const fs::path path = dir / "m.csv";
  spit(path,
       "image,track_id,genre,segment,start_seconds,duration_seconds,kind\n"
       "a.png,blues.00000,blues,0,0,10,mel\n"
       "b.png,blues.00000,blues,one,10,10,mel\n");
  std::string msg = error_of([&] { read_manifest(path); });
  EXPECT_NE(msg.find(path.string() + ":3:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("segment"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'one'"), std::string::npos) << msg;

  // A decimal comma (as some locales write numbers) is not a number here.
  spit(path,
       "image,track_id,genre,segment,start_seconds,duration_seconds,kind\n"
       "a.png,blues.00000,blues,0,\"10,5\",10,mel\n");
  msg = error_of([&] { read_manifest(path); });
  EXPECT_NE(msg.find(path.string() + ":2:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("start_seconds"), std::string::npos) << msg;

  spit(path,
       "image,track_id,genre,segment,start_seconds,duration_seconds,kind\n"
       "a.png,blues.00000,blues,0,0,-10,mel\n");
  msg = error_of([&] { read_manifest(path); });
  EXPECT_NE(msg.find("duration_seconds"), std::string::npos) << msg;
}

TEST(Manifest, LineNumbersCountLinesInsideQuotedFields) {
  jaams::test::TempDir dir;
  const fs::path path = dir / "m.csv";
  spit(path,
       "image,track_id,genre,segment,start_seconds,duration_seconds,kind\n"
       "\"a\nb.png\",t1,blues,0,0,10,mel\n"  // one record on lines 2-3
       "\n"                                  // blank line 4 is skipped
       "c.png,t2,blues,0,0,10\n");           // line 5: one field short
  const std::string msg = error_of([&] { read_manifest(path); });
  EXPECT_NE(msg.find(path.string() + ":5:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("expected 7 fields"), std::string::npos) << msg;
}

TEST(Manifest, MalformedQuotingAndEmptyKeysAreErrors) {
  jaams::test::TempDir dir;
  const fs::path path = dir / "m.csv";
  const std::string header = "image,track_id,genre,segment,start_seconds,duration_seconds,kind\n";

  spit(path, header + "\"never closed.png,t,blues,0,0,10,mel\n");
  std::string msg = error_of([&] { read_manifest(path); });
  EXPECT_NE(msg.find(path.string() + ":2:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("never closed"), std::string::npos) << msg;

  spit(path, header + "a.png,,blues,0,0,10,mel\n");
  msg = error_of([&] { read_manifest(path); });
  EXPECT_NE(msg.find(path.string() + ":2:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("track_id"), std::string::npos) << msg;

  spit(path, header + "a\"b.png,t,blues,0,0,10,mel\n");
  EXPECT_NE(error_of([&] { read_manifest(path); }).find(":2:"), std::string::npos);
}

TEST(Manifest, MissingOrEmptyFileNamesTheFile) {
  jaams::test::TempDir dir;
  std::string msg = error_of([&] { read_manifest(dir / "absent.csv"); });
  EXPECT_NE(msg.find("absent.csv"), std::string::npos) << msg;
  spit(dir / "empty.csv", "");
  msg = error_of([&] { read_manifest(dir / "empty.csv"); });
  EXPECT_NE(msg.find("empty.csv"), std::string::npos) << msg;
}

TEST(Csv, FieldsAreQuotedOnlyWhenNeeded) {
  EXPECT_EQ(jaams::data::csv_field("plain text.png"), "plain text.png");
  EXPECT_EQ(jaams::data::csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(jaams::data::csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(jaams::data::csv_field("a\nb"), "\"a\nb\"");
  EXPECT_EQ(jaams::data::csv_field(""), "");
}

TEST(Csv, ReaderKeepsEmptyFieldsAndQuotedCommas) {
  std::istringstream in("a,,\"b,c\",\"\"\n,\n");
  jaams::data::CsvReader reader(in, "mem");
  std::vector<std::string> f;
  ASSERT_TRUE(reader.next(f));
  EXPECT_EQ(f, (std::vector<std::string>{"a", "", "b,c", ""}));
  ASSERT_TRUE(reader.next(f));
  EXPECT_EQ(f, (std::vector<std::string>{"", ""}));
  EXPECT_EQ(reader.line(), 2u);
  EXPECT_FALSE(reader.next(f));
}

}  // namespace
