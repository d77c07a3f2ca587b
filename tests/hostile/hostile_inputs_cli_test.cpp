// Inputs that once broke jaams, through the real binary: each must give a clear error and the
// documented exit status (0 ok, 1 some inputs failed, 2 bad arguments/config/output, 3 runtime).
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "test_support.hpp"

namespace jaams {
namespace {
namespace fs = std::filesystem;

using test::run_jaams;

TEST(HostileInputs, AnOutputThatCannotBeWrittenIsABadArgument) {
  test::TempDir dir;
  const std::string d = dir.path().string();
  std::ofstream(dir / "a_file") << "x";
  run_jaams("synth --out " + d + "/audio --per-genre 1 --seconds 11 --seed 1 --genres blues,rock", 0);
  auto out = run_jaams("preprocess --input " + d + "/audio --output " + d + "/a_file", 2);
  EXPECT_NE(out.find("is not a folder"), std::string::npos) << out;
  out = run_jaams("train --config " JAAMS_SOURCE_DIR "/configs/stats.yaml --data " + d + "/audio --output " + d + "/a_file/run", 2);
  EXPECT_NE(out.find("--output"), std::string::npos) << out;
  if (::geteuid() != 0) {  // root writes anywhere: the read-only case means nothing then
    fs::create_directories(dir / "ro");
    ::chmod((dir / "ro").c_str(), 0555);
    out = run_jaams("preprocess --input " + d + "/audio --output " + d + "/ro/out", 2);
    EXPECT_NE(out.find("cannot"), std::string::npos) << out;
    ::chmod((dir / "ro").c_str(), 0755);
  }
}

TEST(HostileInputs, AVeryLongFileNameIsPreprocessed) {
  test::TempDir dir;
  const std::string d = dir.path().string();
  run_jaams("synth --out " + d + "/audio --per-genre 1 --seconds 11 --seed 2 --genres blues", 0);
  // 250 bytes: the longest names file systems allow are 255, so a temporary "name.tmp-..." beside
  // it must be shortened.
  const std::string long_name = std::string(246, 'x') + ".wav";
  fs::rename(dir / "audio/blues/blues.00000.wav", dir / "audio/blues" / long_name);
  const auto out = run_jaams("preprocess --input " + d + "/audio --output " + d + "/images --kinds mel", 0);
  EXPECT_NE(out.find("1 files (1 done now"), std::string::npos) << out;
  EXPECT_TRUE(fs::exists(dir / "images/tracks/blues" / (std::string(246, 'x') + ".json")));
}

TEST(HostileInputs, PreprocessingOtherKindsAddsToAFolderInsteadOfDroppingWhatIsThere) {
  test::TempDir dir;
  const std::string d = dir.path().string();
  run_jaams("synth --out " + d + "/audio --per-genre 1 --seconds 11 --seed 4 --genres blues,rock", 0);
  run_jaams("preprocess --input " + d + "/audio --output " + d + "/out --kinds mel --no-png", 0);
  run_jaams("preprocess --input " + d + "/audio --output " + d + "/out --kinds chroma,stats --no-png", 0);
  const std::string manifest = test::slurp(dir / "out/manifest.csv");
  for (const char* kind : {",mel\n", ",chroma\n", ",stats\n"}) EXPECT_NE(manifest.find(kind), std::string::npos) << kind << manifest;
  EXPECT_TRUE(fs::exists(dir / "out/cache/stats/rock/rock.00000.f32"));
  EXPECT_TRUE(fs::exists(dir / "out/cache/mel/rock/rock.00000.u8"));
}

TEST(HostileInputs, PredictRefusesToWriteOverAnInputOrTheModel) {
  test::TempDir dir;
  const std::string d = dir.path().string();
  run_jaams("synth --out " + d + "/audio --per-genre 1 --seconds 11 --seed 6 --genres blues,rock", 0);
  std::ofstream(dir / "m.jaams") << "not really a model";
  const std::string input = d + "/audio/rock/rock.00000.wav";
  const std::string before = test::slurp(input);
  auto out = run_jaams("predict --model " + d + "/m.jaams -o " + input + " " + d + "/audio", 2);
  EXPECT_NE(out.find("is one of the inputs"), std::string::npos) << out;
  EXPECT_EQ(test::slurp(input), before);
  out = run_jaams("predict --model " + d + "/m.jaams -o " + d + "/m.jaams " + d + "/audio", 2);
  EXPECT_NE(out.find("is the model package"), std::string::npos) << out;
  EXPECT_EQ(test::slurp(dir / "m.jaams"), "not really a model");
}

TEST(HostileInputs, OutOfRangeOptionsGiveShortMessages) {
  test::TempDir dir;
  const auto out = run_jaams("predict --model " + (dir / "m.jaams").string() + " --top-k 0 " + dir.path().string(), 2);
  EXPECT_NE(out.find("top-k"), std::string::npos) << out;
  EXPECT_LT(out.size(), 400u) << out;  // no 300-digit range
  run_jaams("predict --model " + (dir / "m.jaams").string() + " --max-segments -1 " + dir.path().string(), 2);
}

}  // namespace
}  // namespace jaams
