// The duplicate audit: the same recording under another name, gain, encoding or start is found,
// and different recordings are not paired.
#include "jaams/audit/duplicates.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>

#include "jaams/audit/fingerprint.hpp"
#include "test_support.hpp"

namespace jaams::audit {
namespace {
namespace fs = std::filesystem;

// Noise shaped by a random envelope per band-ish: every seed a different "recording".
std::vector<float> recording(unsigned seed, double seconds) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  std::uniform_real_distribution<float> level(0.05f, 1.0f);
  std::vector<float> out(static_cast<std::size_t>(seconds * kFingerprintRate));
  float env = 0.5f, prev = 0.0f;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (i % 2000 == 0) env = level(rng);
    const float white = noise(rng);
    prev = 0.7f * prev + 0.3f * white;  // some colour
    out[i] = 0.3f * env * (i % 4000 < 2000 ? white : prev);
  }
  return out;
}

TEST(Duplicates, GainAndShiftedCopiesMatchAndOtherRecordingsDoNot) {
  const auto a = recording(1, 20.0);
  std::vector<float> quieter(a);
  for (float& v : quieter) v *= 0.5f;                                        // -6 dB
  const std::vector<float> later(a.begin() + 2 * kFingerprintRate, a.end());  // starts 2 s later
  const std::vector<Fingerprint> prints = {fingerprint_samples(a), fingerprint_samples(recording(2, 20.0)),
                                           fingerprint_samples(quieter), fingerprint_samples(later),
                                           fingerprint_samples(recording(3, 20.0))};
  EXPECT_NEAR(bit_error_rate(prints[0], prints[2], 0), 0.0, 0.02);
  EXPECT_GT(bit_error_rate(prints[0], prints[1], 0), 0.4);
  const auto pairs = find_duplicates(prints);
  std::set<std::pair<std::size_t, std::size_t>> found;
  for (const auto& p : pairs) found.insert({p.a, p.b});
  const std::set<std::pair<std::size_t, std::size_t>> planted = {{0, 2}, {0, 3}, {2, 3}};
  EXPECT_EQ(found, planted);
  for (const auto& p : pairs) {
    if (p.b == 3) EXPECT_NEAR(p.offset_seconds, 2.0, kFrameSeconds) << p.a;  // a's frame t + 2 s is later's t
    EXPECT_LT(p.bit_error_rate, 0.1);
  }
  const auto groups = group_pairs(prints.size(), pairs);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0], (std::vector<std::size_t>{0, 2, 3}));
}

TEST(Duplicates, GroupsJoinChainsOfPairs) {
  const std::vector<DuplicatePair> pairs = {{0, 4}, {4, 6}, {2, 3}};
  const auto groups = group_pairs(7, pairs);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0], (std::vector<std::size_t>{0, 4, 6}));
  EXPECT_EQ(groups[1], (std::vector<std::size_t>{2, 3}));
  EXPECT_TRUE(group_pairs(3, {}).empty());
}

bool sox_writes(const std::string& format) {
  std::string out;
  test::run_command("sox -h 2>&1", &out);
  const auto at = out.find("AUDIO FILE FORMATS:");
  return at != std::string::npos && out.find(" " + format + " ", at) != std::string::npos;
}

// gtzan-mini's 63 clips plus planted copies: renamed, OGG, MP3, -6 dB and 2 s later. Every planted
// pair is found, and no pair of two different gtzan-mini clips.
TEST(Duplicates, FindsEveryPlantedCopyAmongGtzanMiniAndNothingElse) {
  JAAMS_REQUIRE_GTZAN_MINI();
  if (test::run_command("sox --version > /dev/null 2>&1") != 0) GTEST_SKIP() << "sox not installed";
  test::TempDir dir;
  std::vector<fs::path> files;
  for (const auto& genre : fs::directory_iterator(test::gtzan_mini())) {
    if (!genre.is_directory()) continue;
    for (const auto& f : fs::directory_iterator(genre.path())) files.push_back(f.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_EQ(files.size(), 63u);
  // Planted copies: name -> original. Each of another genre, so they are spread over the set.
  std::map<std::string, fs::path> planted;
  const auto plant = [&](const fs::path& original, const std::string& name, const std::string& effect) {
    const fs::path copy = dir / name;
    const std::string cmd = "sox -q '" + original.string() + "' '" + copy.string() + "' " + effect;
    ASSERT_EQ(test::run_command(cmd), 0) << cmd;
    planted[copy.string()] = original;
  };
  plant(files[0], "renamed_copy.wav", "");
  plant(files[10], "reencoded.ogg", "");
  if (sox_writes("mp3")) plant(files[20], "reencoded.mp3", "");
  plant(files[30], "quieter.wav", "gain -6");
  plant(files[40], "starts_later.wav", "trim 2");
  plant(files[50], "quieter_later.ogg", "gain -6 trim 2");
  std::vector<fs::path> all = files;
  for (const auto& [copy, original] : planted) all.push_back(copy);

  std::vector<Fingerprint> prints;
  for (const auto& f : all) prints.push_back(fingerprint_file(f));
  std::set<std::pair<std::string, std::string>> found;
  for (const auto& p : find_duplicates(prints)) {
    found.insert({all[p.a].string(), all[p.b].string()});
    EXPECT_TRUE(planted.count(all[p.b].string()) != 0)
        << "a pair of two different gtzan-mini clips: " << all[p.a] << " and " << all[p.b] << " (offset "
        << p.offset_seconds << " s, bit error rate " << p.bit_error_rate << ")";
  }
  for (const auto& [copy, original] : planted)
    EXPECT_TRUE(found.count({original.string(), copy}) != 0) << copy << " was not matched to " << original;
}

}  // namespace
}  // namespace jaams::audit
