// Datasets labelled by a CSV (data.labels) and artist-safe splits.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include "jaams/data/labels.hpp"
#include "jaams/data/splits.hpp"
#include "test_support.hpp"

namespace jaams::data {
namespace {
namespace fs = std::filesystem;

// A folder with the given empty "audio" files and a labels.csv of `rows` (header first).
fs::path labelled_folder(const test::TempDir& dir, const std::vector<std::string>& files, const std::string& csv) {
  fs::create_directories(dir / "audio");
  for (const auto& f : files) std::ofstream(dir / "audio" / f) << "x";
  std::ofstream(dir / "labels.csv") << csv;
  return dir / "labels.csv";
}

TEST(LabelTable, ReadsPathsRelativeToTheCsvWithTheGenresInTheOrderTheyAppear) {
  test::TempDir dir;
  const auto csv = labelled_folder(dir, {"a.wav", "b.mp3", "c.flac"},
                                   "genre,path,artist,split,comment\n"
                                   "Rock,audio/a.wav,7,train,x\n"
                                   "Folk,audio/b.mp3,,test,\"a, b\"\n"
                                   "Rock,audio/c.flac,7,val,\n");
  const auto t = read_label_table(csv);
  ASSERT_EQ(t.files.size(), 3u);
  EXPECT_EQ(t.genres, (std::vector<std::string>{"Rock", "Folk"}));
  EXPECT_TRUE(t.has_artist);
  EXPECT_TRUE(t.has_split);
  EXPECT_EQ(t.files[1].path, dir / "audio" / "b.mp3");
  EXPECT_EQ(t.files[1].track_id, "b");  // no track column: the file's stem
  EXPECT_EQ(t.files[1].artist, "");
  EXPECT_EQ(t.files[2].split, Subset::val);
  EXPECT_EQ(t.files[2].line, 4u);
  // Given genres fix the classes and their order.
  EXPECT_EQ(read_label_table(csv, {"Folk", "Rock", "Jazz"}).genres, (std::vector<std::string>{"Folk", "Rock", "Jazz"}));
}

TEST(LabelTable, ABadRowIsReportedWithItsLine) {
  test::TempDir dir;
  auto error_for = [&](const std::string& rows, const std::vector<std::string>& genres = {}) {
    const auto csv = labelled_folder(dir, {"a.wav", "b.wav"}, "path,genre,track,split\n" + rows);
    return test::error_of([&] { read_label_table(csv, genres); });
  };
  const std::string missing = error_for("audio/a.wav,rock,a,train\naudio/gone.wav,rock,g,train\n");
  EXPECT_NE(missing.find("labels.csv:3:"), std::string::npos) << missing;
  EXPECT_NE(missing.find("'audio/gone.wav' not found"), std::string::npos) << missing;
  const std::string unknown = error_for("audio/a.wav,rock,a,train\naudio/b.wav,polka,b,train\n", {"rock", "jazz"});
  EXPECT_NE(unknown.find("labels.csv:3:"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("genre 'polka'"), std::string::npos) << unknown;
  const std::string twice = error_for("audio/a.wav,rock,same,train\naudio/b.wav,rock,same,test\n");
  EXPECT_NE(twice.find("labels.csv:3: track 'same' given twice"), std::string::npos) << twice;
  const std::string split = error_for("audio/a.wav,rock,a,holdout\n");
  EXPECT_NE(split.find("labels.csv:2: split: unknown subset 'holdout'"), std::string::npos) << split;
  const auto no_genre = labelled_folder(dir, {}, "path,label\naudio/a.wav,rock\n");
  EXPECT_NE(test::error_of([&] { read_label_table(no_genre); }).find("no 'genre' column"), std::string::npos);
}

TEST(KeepArtistsTogether, NoArtistEndsOnTwoSidesAndTheMovesAreCounted) {
  // Artist A: 2 tracks in train, 1 in test -> all train. B: 1 val, 1 test -> one of them.
  // C: only train. Track x has no artist and stays in test.
  std::vector<SegmentAssignment> segments{{"a1", 0, Subset::train}, {"a1", 1, Subset::train}, {"a2", 0, Subset::train},
                                          {"a3", 0, Subset::test},  {"b1", 0, Subset::val},   {"b2", 0, Subset::test},
                                          {"c1", 0, Subset::train}, {"x", 0, Subset::test}};
  const std::map<std::string, std::string> artist{{"a1", "A"}, {"a2", "A"}, {"a3", "A"}, {"b1", "B"}, {"b2", "B"}, {"c1", "C"}};
  EXPECT_EQ(keep_artists_together(segments, artist), 2u);
  std::map<std::string, std::set<Subset>> sides;
  for (const auto& s : segments) {
    if (artist.count(s.track_id)) sides[artist.at(s.track_id)].insert(s.subset);
  }
  for (const auto& [a, set] : sides) EXPECT_EQ(set.size(), 1u) << "artist " << a;
  EXPECT_EQ(*sides["A"].begin(), Subset::train);
  EXPECT_NE(*sides["B"].begin(), Subset::train);
  EXPECT_EQ(segments.back().subset, Subset::test);
  EXPECT_EQ(keep_artists_together(segments, artist), 0u);  // nothing left to move
}

}  // namespace
}  // namespace jaams::data
