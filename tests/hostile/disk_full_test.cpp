// A disk that fills up during training: exit 3 with "disk full", no temporary files left, and the
// last good checkpoint and package untouched so the run can resume once there is room. The file
// size limit (RLIMIT_FSIZE) stands in for a full disk: writes past it fail with EFBIG as writes to
// a full file system fail with ENOSPC, without needing root to mount a small file system.
#include <gtest/gtest.h>

#include "hostile_support.hpp"
#include "jaams/util/atomic_file.hpp"
#include "test_support.hpp"

namespace jaams {
namespace {
namespace fs = std::filesystem;
using test::run_jaams;

std::size_t atomic_temps_under(const fs::path& dir) {
  std::size_t n = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) n += is_atomic_temp_name(entry.path()) ? 1 : 0;
  return n;
}

TEST(HostileDiskFull, TrainingStopsWithExit3AndKeepsTheLastCheckpoint) {
  test::TempDir dir;
  const std::string d = dir.path().string();
  run_jaams("synth --out " + d + "/audio --per-genre 2 --seconds 11 --seed 5 --genres blues,rock", 0);
  // A hidden layer of 4096 units makes the checkpoint (weights and Adam's state) about 6 MB while
  // every other file of the run stays far below 1 MB.
  const std::string train = "train --config " JAAMS_SOURCE_DIR "/configs/stats.yaml --set data.genres=[blues,rock] "
                            "--set model.hidden=4096 --data " + d + "/audio --output " + d + "/run";
  run_jaams(train + " --set training.epochs=1", 0);
  const std::string checkpoint = test::slurp(dir / "run/checkpoint.pt");
  const std::string package = test::slurp(dir / "run/model.jaams");
  ASSERT_GT(checkpoint.size(), 2u << 20);

  const auto run = hostile::run_jaams_with_file_size_limit(train + " --resume --set training.epochs=3", 1u << 20);
  EXPECT_EQ(run.status, 3) << run.output;
  EXPECT_NE(run.output.find("disk full"), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find("internal error"), std::string::npos) << run.output;
  EXPECT_EQ(atomic_temps_under(dir / "run"), 0u);
  EXPECT_TRUE(test::slurp(dir / "run/checkpoint.pt") == checkpoint) << "the last good checkpoint changed";
  EXPECT_TRUE(test::slurp(dir / "run/model.jaams") == package) << "the best package changed";

  // With room again, the run resumes from that checkpoint.
  const auto out = run_jaams(train + " --resume --set training.epochs=2", 0);
  EXPECT_NE(out.find("resuming"), std::string::npos) << out;
}

// A real full file system where the machine allows mounting one (root with the right to mount;
// skipped elsewhere, e.g. in most containers).
class SmallFileSystem {
 public:
  explicit SmallFileSystem(const fs::path& dir) : dir_(dir) {
    fs::create_directories(dir_);
    mounted_ = test::run_command("mount -t tmpfs -o size=2m tmpfs '" + dir_.string() + "'") == 0;
  }
  ~SmallFileSystem() {
    if (mounted_) test::run_command("umount '" + dir_.string() + "'");
  }
  bool mounted() const { return mounted_; }

 private:
  fs::path dir_;
  bool mounted_ = false;
};

TEST(HostileDiskFull, TrainingIntoATwoMegabyteFileSystemStopsWithExit3) {
  test::TempDir dir;
  const std::string d = dir.path().string();
  const SmallFileSystem small(dir / "small");
  if (!small.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here";
  run_jaams("synth --out " + d + "/audio --per-genre 2 --seconds 11 --seed 5 --genres blues,rock", 0);
  const auto out = run_jaams("train --config " JAAMS_SOURCE_DIR "/configs/stats.yaml --set data.genres=[blues,rock] "
                             "--set model.hidden=4096 --set training.epochs=2 --data " + d + "/audio --output " + d +
                                 "/small/run",
                             3);
  EXPECT_NE(out.find("disk full (No space left on device)"), std::string::npos) << out;
  EXPECT_EQ(atomic_temps_under(dir / "small/run"), 0u);
}

}  // namespace
}  // namespace jaams
