// Which files a predict run reads, and how --shard splits them.
#include "jaams/predict/inputs.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>

#include "jaams/util/error.hpp"
#include "test_support.hpp"

namespace jaams::predict {
namespace {
namespace fs = std::filesystem;

void touch(const fs::path& p) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << "x";
}

std::vector<std::string> strings(const std::vector<fs::path>& paths) {
  std::vector<std::string> out;
  for (const auto& p : paths) out.push_back(p.string());
  return out;
}

TEST(CollectInputs, FoldersRecursivelyByAudioEndingInAnyCase) {
  test::TempDir dir;
  const fs::path lib = dir / "library";
  touch(lib / "b.wav");
  touch(lib / "a.FLAC");
  touch(lib / "notes.txt");
  touch(lib / "cover.jpg");
  touch(lib / "artist" / "album" / "01.Ogg");
  touch(lib / "artist" / "album" / "02.mp3");
  const auto found = strings(collect_inputs({lib.string()}));
  const std::vector<std::string> expected{(lib / "a.FLAC").string(), (lib / "artist" / "album" / "01.Ogg").string(),
                                          (lib / "artist" / "album" / "02.mp3").string(), (lib / "b.wav").string()};
  EXPECT_EQ(found, expected);
}

TEST(CollectInputs, ListsFilesAndDuplicates) {
  test::TempDir dir;
  touch(dir / "x" / "one.wav");
  touch(dir / "two.wav");
  touch(dir / "named.bin");  // named explicitly: taken whatever its ending
  const fs::path list = dir / "list.txt";
  std::ofstream(list) << "# my songs\r\n"
                      << (dir / "two.wav").string() << "\r\n\n   \n"
                      << (dir / "gone.wav").string() << "  \n"
                      << (dir / "x").string() << "\n";
  const auto found =
      strings(collect_inputs({(dir / "named.bin").string(), "@" + list.string(), (dir / "two.wav").string()}));
  const std::vector<std::string> expected{(dir / "named.bin").string(), (dir / "two.wav").string(),
                                          (dir / "gone.wav").string(), (dir / "x" / "one.wav").string()};
  EXPECT_EQ(found, expected);
}

TEST(CollectInputs, MissingCommandLinePathOrListIsAnError) {
  test::TempDir dir;
  try {
    collect_inputs({(dir / "nope").string()});
    FAIL() << "accepted a missing path";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find((dir / "nope").string()), std::string::npos);
  }
  EXPECT_THROW(collect_inputs({"@" + (dir / "no-list.txt").string()}), Error);
}

TEST(Shard, Fnv1a64MatchesReferenceValues) {
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ull);
}

TEST(Shard, ParsesIOverN) {
  const Shard s = parse_shard("2/5");
  EXPECT_EQ(s.index, 2u);
  EXPECT_EQ(s.count, 5u);
  for (const char* bad : {"0/3", "4/3", "3", "a/b", "1/0", "/3", "1/", "-1/3", "1/3/4"}) {
    EXPECT_THROW(parse_shard(bad), Error) << bad;
  }
}

TEST(Shard, ShardsPartitionTheInputsWhateverTheirOrder) {
  std::vector<fs::path> paths;
  for (int i = 0; i < 300; ++i)
    paths.push_back("music/artist" + std::to_string(i % 17) + "/track" + std::to_string(i) + ".flac");
  std::vector<fs::path> reversed(paths.rbegin(), paths.rend());
  std::multiset<std::string> all;
  for (std::uint64_t i = 1; i <= 3; ++i) {
    const auto part = select_shard(paths, {i, 3});
    // Same members in a different input order.
    auto a = strings(part), b = strings(select_shard(reversed, {i, 3}));
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    EXPECT_EQ(a, b);
    EXPECT_GT(part.size(), 60u);  // a hash spreads 300 paths roughly evenly
    for (const auto& p : part) all.insert(p.string());
  }
  EXPECT_EQ(all.size(), paths.size());
  for (const auto& p : paths) EXPECT_EQ(all.count(p.string()), 1u) << p;
}

}  // namespace
}  // namespace jaams::predict
