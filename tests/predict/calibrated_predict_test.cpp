// jaams predict --calibrated and --min-confidence end to end: the package's temperature softens the
// track probabilities without changing a genre, and tracks below the threshold are "unknown".
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "predict_fixtures.hpp"
#include "test_support.hpp"

namespace jaams::predict {
namespace {
namespace fs = std::filesystem;

// Track rows by path (workers finish files in any order).
std::map<std::string, fixtures::Row> predict_rows(const fs::path& pkg, const fs::path& music, const fs::path& out,
                                                  const std::string& flags) {
  const std::string cmd = test::jaams_binary() + " --quiet predict --device cpu --model '" + pkg.string() + "' --output '" +
                          out.string() + "' " + flags + " '" + music.string() + "'";
  std::string log;
  EXPECT_EQ(test::run_command(cmd, &log), 0) << log;
  std::map<std::string, fixtures::Row> rows;
  for (auto& r : fixtures::read_csv(out)) rows[r.at("path")] = r;
  return rows;
}

TEST(CalibratedPredict, TemperatureSoftensWithoutChangingAGenreAndThresholdsTracks) {
  test::TempDir dir;
  fixtures::PackageRecipe recipe;
  recipe.meta_patch = {{"temperature", 3.0}};
  const fs::path pkg = dir / "model.jaams";
  fixtures::write_package(pkg, recipe);
  const fs::path music = dir / "music";
  fs::create_directories(music);
  for (int v = 0; v < 4; ++v)
    test::write_audio(music / ("song" + std::to_string(v) + ".wav"), fixtures::music(5.0, 22050, v), 22050);

  const auto raw = predict_rows(pkg, music, dir / "raw.csv", "");
  const auto soft = predict_rows(pkg, music, dir / "soft.csv", "--calibrated");
  ASSERT_EQ(raw.size(), 4u);
  ASSERT_EQ(soft.size(), 4u);
  for (const auto& [path, r] : raw) {
    ASSERT_TRUE(soft.count(path)) << path;
    EXPECT_EQ(r.at("genre"), soft.at(path).at("genre"));
    const double p = fixtures::number(r, "probability");
    const double q = fixtures::number(soft.at(path), "probability");
    // p^(1/3) renormalised: a top probability above 1/3 comes closer to uniform, never past it.
    EXPECT_LT(q, p - 1e-4) << path;
    EXPECT_GE(q, 1.0 / 3.0 - 1e-6) << path;
  }

  // The threshold between two tracks' raw top probabilities: the less sure ones become unknown.
  std::vector<double> tops;
  for (const auto& [path, r] : raw) tops.push_back(fixtures::number(r, "probability"));
  std::sort(tops.begin(), tops.end());
  ASSERT_LT(tops.front(), tops.back()) << "the test needs tracks of different confidence";
  const double threshold = (tops[1] + tops[2]) / 2.0;
  const auto cut = predict_rows(pkg, music, dir / "cut.csv", "--min-confidence " + std::to_string(threshold));
  ASSERT_EQ(cut.size(), 4u);
  int unknown = 0;
  for (const auto& [path, r] : cut) {
    const double p = fixtures::number(r, "probability");
    EXPECT_DOUBLE_EQ(p, fixtures::number(raw.at(path), "probability"));  // the probabilities are still written
    EXPECT_EQ(r.at("genre"), p < threshold ? "unknown" : raw.at(path).at("genre")) << path;
    EXPECT_EQ(r.at("top1"), raw.at(path).at("top1"));
    unknown += r.at("genre") == "unknown";
  }
  EXPECT_EQ(unknown, 2);
  std::string log;
  EXPECT_EQ(test::run_command(test::jaams_binary() + " predict --model '" + pkg.string() + "' --min-confidence 1.5 '" +
                                  music.string() + "'",
                              &log),
            2)
      << log;
}

}  // namespace
}  // namespace jaams::predict
