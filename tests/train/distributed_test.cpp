// Data-parallel training: how an epoch is shared among ranks, the launchers' variables, and whole
// runs of the jaams binary as two Gloo ranks on this machine against one process.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <torch/torch.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <set>

#include "jaams/eval/run_files.hpp"
#include "jaams/models/package.hpp"
#include "jaams/train/process_group.hpp"
#include "jaams/util/error.hpp"
#include "test_support.hpp"

namespace jaams::train {
namespace {
namespace fs = std::filesystem;

TEST(RankShare, RanksTakeDisjointChunksOfEveryGlobalBatchThatTogetherAreTheEpoch) {
  std::vector<std::int64_t> order(23);
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::int64_t>((i * 7) % order.size());
  const int batch = 8, world = 4;  // 2 per rank; the last global batch has 7: ranks 0-2 get 2, 2, 2, rank 3 gets 1
  std::vector<std::vector<std::int64_t>> shares;
  for (int r = 0; r < world; ++r) shares.push_back(rank_share(order, batch, r, world));
  EXPECT_EQ(shares[0].size(), 6u);
  EXPECT_EQ(shares[3].size(), 5u);
  // Global batch k is rank 0's k-th chunk, then rank 1's, ...: exactly the epoch's order.
  std::vector<std::int64_t> rebuilt;
  for (std::size_t k = 0; k * batch < order.size(); ++k) {
    for (int r = 0; r < world; ++r) {
      const auto& s = shares[r];
      const std::size_t begin = std::min(s.size(), k * (batch / world));
      const std::size_t end = std::min(s.size(), begin + batch / world);
      rebuilt.insert(rebuilt.end(), s.begin() + begin, s.begin() + end);
    }
  }
  EXPECT_EQ(rebuilt, order);
  // A last batch smaller than the number of ranks leaves a rank with nothing of it.
  const std::vector<std::int64_t> three{5, 6, 7};
  EXPECT_EQ(rank_share(three, 8, 1, 4), (std::vector<std::int64_t>{7}));
  EXPECT_TRUE(rank_share(three, 8, 2, 4).empty());
}

TEST(RankSlice, SlicesCoverTheSetOnceWithSizesWithinOne) {
  for (std::int64_t n : {0, 1, 5, 64, 101}) {
    std::int64_t next = 0;
    for (int r = 0; r < 3; ++r) {
      const auto [begin, end] = rank_slice(n, r, 3);
      EXPECT_EQ(begin, next);
      EXPECT_LE(end - begin, n / 3 + 1);
      EXPECT_GE(end - begin, n / 3);
      next = end;
    }
    EXPECT_EQ(next, n);
  }
}

// Sets environment variables for one test and restores them afterwards.
class ScopedEnv {
 public:
  explicit ScopedEnv(const std::map<std::string, std::string>& values) {
    for (const char* name : {"RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT", "SLURM_PROCID", "SLURM_NTASKS",
                             "SLURM_LOCALID", "TORCHELASTIC_USE_AGENT_STORE", "TORCHELASTIC_RESTART_COUNT"}) {
      const char* old = std::getenv(name);
      saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
      unsetenv(name);
    }
    for (const auto& [k, v] : values) setenv(k.c_str(), v.c_str(), 1);
  }
  ~ScopedEnv() {
    for (const auto& [k, v] : saved_) {
      if (v) {
        setenv(k.c_str(), v->c_str(), 1);
      } else {
        unsetenv(k.c_str());
      }
    }
  }

 private:
  std::map<std::string, std::optional<std::string>> saved_;
};

TEST(DistributedEnv, ReadsTheVariablesOfTorchrunAndOfSrun) {
  {
    ScopedEnv env({});
    EXPECT_FALSE(distributed_env_from_environment().active());
  }
  {
    ScopedEnv env({{"RANK", "3"}, {"WORLD_SIZE", "4"}, {"LOCAL_RANK", "1"}, {"MASTER_ADDR", "node7"}, {"MASTER_PORT", "29400"}});
    const auto e = distributed_env_from_environment();
    EXPECT_TRUE(e.active());
    EXPECT_EQ(e.launcher, "torchrun");
    EXPECT_EQ(e.rank, 3);
    EXPECT_EQ(e.world_size, 4);
    EXPECT_EQ(e.local_rank, 1);
    EXPECT_EQ(e.master_addr, "node7");
    EXPECT_EQ(e.master_port, 29400);
  }
  {
    ScopedEnv env({{"SLURM_PROCID", "5"}, {"SLURM_NTASKS", "8"}, {"SLURM_LOCALID", "1"}, {"MASTER_ADDR", "n1"}, {"MASTER_PORT", "1234"}});
    const auto e = distributed_env_from_environment();
    EXPECT_EQ(e.launcher, "slurm");
    EXPECT_EQ(e.rank, 5);
    EXPECT_EQ(e.world_size, 8);
    EXPECT_EQ(e.local_rank, 1);
  }
  {
    // One task under srun is an ordinary single-process run: no rendezvous needed.
    ScopedEnv env({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "1"}});
    EXPECT_FALSE(distributed_env_from_environment().active());
  }
}

TEST(DistributedEnv, AMalformedOrMissingVariableIsNamed) {
  {
    ScopedEnv env({{"RANK", "2"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}, {"MASTER_PORT", "1"}});
    EXPECT_NE(test::error_of([] { distributed_env_from_environment(); }).find("RANK='2'"), std::string::npos);
  }
  {
    ScopedEnv env({{"RANK", "0"}, {"WORLD_SIZE", "two"}});
    EXPECT_NE(test::error_of([] { distributed_env_from_environment(); }).find("WORLD_SIZE='two'"), std::string::npos);
  }
  {
    ScopedEnv env({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_PORT", "29500"}});
    EXPECT_NE(test::error_of([] { distributed_env_from_environment(); }).find("MASTER_ADDR"), std::string::npos);
  }
  {
    ScopedEnv env({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}, {"MASTER_PORT", "70000"}});
    EXPECT_NE(test::error_of([] { distributed_env_from_environment(); }).find("MASTER_PORT"), std::string::npos);
  }
}

// A TCP port nobody listens on now.
int free_port() {
  const int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len);
  close(s);
  return ntohs(addr.sin_port);
}

// Three genres of short synthetic clips, preprocessed into small mel images, once for the suite.
class DistributedTraining : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    config_ = *dir_ / "tiny.yaml";
    std::ofstream(config_) << "audio: {segment_seconds: 2, hop_seconds: 1}\n"
                              "features: {kind: mel, kinds: [mel]}\n"
                              "image: {height: 32, width: 48}\n"
                              "data: {genres: [blues, classical, metal], split: track}\n"
                              "model: {name: cnn, conv1: 4, conv2: 8, fc: 16}\n"
                              "training: {batch_size: 6, threads: 1, seed: 3, learning_rate: 0.003, device: cpu, dist_timeout: 60}\n";
    test::run_jaams("--quiet synth -o " + (*dir_ / "audio").string() + " -n 5 --seconds 4 --genres blues,classical,metal -j 2");
    test::run_jaams("--quiet preprocess --config " + config_.string() + " -i " + (*dir_ / "audio").string() + " -o " +
                    data().string() + " --no-png -j 2");
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static fs::path data() { return *dir_ / "pre"; }

  std::string train_args(const fs::path& run, const std::string& extra = "") const {
    return "--quiet train --config " + config_.string() + " --data " + data().string() + " -o " + run.string() + " " + extra;
  }

  struct Ranks {
    int status[2] = {-1, -1};
    std::string log[2];
  };
  // Starts ranks 0 and 1 as torchrun would (each under a 300-s timeout), waits for both.
  Ranks two_ranks(const std::string& args0, const std::string& args1, const std::string& before_wait = "") const {
    const int port = free_port();
    const fs::path work = *dir_ / ("ranks" + std::to_string(port));
    fs::create_directories(work);
    std::string cmd = "cd " + work.string() + " || exit 9; ";
    const std::string args[2] = {args0, args1};
    for (int r = 0; r < 2; ++r) {
      cmd += "(env RANK=" + std::to_string(r) + " LOCAL_RANK=" + std::to_string(r) +
             " WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=" + std::to_string(port) + " timeout 300 " + test::jaams_binary() +
             " " + args[r] + " > r" + std::to_string(r) + ".log 2>&1; echo $? > r" + std::to_string(r) + ".status) & echo $! > r" +
             std::to_string(r) + ".pid; ";
    }
    cmd += before_wait + " wait";
    test::run_command(cmd);
    Ranks out;
    for (int r = 0; r < 2; ++r) {
      const auto status = test::slurp(work / ("r" + std::to_string(r) + ".status"));
      out.status[r] = status.empty() ? -1 : std::stoi(status);
      out.log[r] = test::slurp(work / ("r" + std::to_string(r) + ".log"));
    }
    return out;
  }

  static test::TempDir* dir_;
  static fs::path config_;
};
test::TempDir* DistributedTraining::dir_ = nullptr;
fs::path DistributedTraining::config_;

// Largest absolute difference between the two packages' parameters.
double max_weight_difference(const fs::path& a, const fs::path& b) {
  const auto pa = models::load_package(a), pb = models::load_package(b);
  const auto wa = pa.model->parameters(), wb = pb.model->parameters();
  EXPECT_EQ(wa.size(), wb.size());
  double worst = 0.0;
  for (std::size_t i = 0; i < std::min(wa.size(), wb.size()); ++i) {
    worst = std::max(worst, (wa[i] - wb[i]).abs().max().item<double>());
  }
  return worst;
}

std::set<std::string> files_in(const fs::path& dir) {
  std::set<std::string> names;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return names;
  for (const auto& e : fs::recursive_directory_iterator(dir)) names.insert(fs::relative(e.path(), dir).string());
  return names;
}

TEST_F(DistributedTraining, TwoRanksEndWithTheWeightsOfOneProcessAndOnlyRankZeroWrites) {
  const fs::path one = *dir_ / "one", two = *dir_ / "two", other = *dir_ / "rank1-output";
  test::run_jaams(train_args(one, "--set training.epochs=4"));
  // Rank 1 is told another run folder so that anything it wrote would show there.
  const auto ranks = two_ranks(train_args(two, "--set training.epochs=4"), train_args(other, "--set training.epochs=4"));
  ASSERT_EQ(ranks.status[0], 0) << ranks.log[0];
  ASSERT_EQ(ranks.status[1], 0) << ranks.log[1];
  EXPECT_LE(max_weight_difference(one / "model.jaams", two / "model.jaams"), 1e-5);
  // The same global batches: the same losses epoch by epoch, validation reduced over both ranks' slices.
  const auto h1 = eval::read_history(one), h2 = eval::read_history(two);
  ASSERT_EQ(h1.size(), 4u);
  ASSERT_EQ(h2.size(), 4u);
  for (std::size_t e = 0; e < h1.size(); ++e) {
    EXPECT_NEAR(h1[e].train_loss, h2[e].train_loss, 1e-5) << "epoch " << e + 1;
    EXPECT_NEAR(h1[e].val_loss, h2[e].val_loss, 1e-5) << "epoch " << e + 1;
    EXPECT_DOUBLE_EQ(h1[e].val_accuracy, h2[e].val_accuracy) << "epoch " << e + 1;
  }
  EXPECT_EQ(files_in(two), files_in(one));
  EXPECT_TRUE(files_in(other).empty()) << "rank 1 wrote into its --output";
  EXPECT_NE(ranks.log[0].find("segment accuracy"), std::string::npos);  // rank 0 prints the summary, rank 1 nothing
  EXPECT_EQ(ranks.log[1].find("segment accuracy"), std::string::npos);
}

TEST_F(DistributedTraining, TwoRanksResumeToTheWeightsOfAStraightRun) {
  const fs::path straight = *dir_ / "straight", resumed = *dir_ / "resumed";
  test::run_jaams(train_args(straight, "--set training.epochs=4"));
  auto first = two_ranks(train_args(resumed, "--set training.epochs=2"), train_args(resumed, "--set training.epochs=2"));
  ASSERT_EQ(first.status[0], 0) << first.log[0];
  ASSERT_EQ(first.status[1], 0) << first.log[1];
  auto second = two_ranks(train_args(resumed, "--resume --set training.epochs=4"),
                          train_args(resumed, "--resume --set training.epochs=4"));
  ASSERT_EQ(second.status[0], 0) << second.log[0];
  ASSERT_EQ(second.status[1], 0) << second.log[1];
  EXPECT_EQ(eval::read_history(resumed).size(), 4u);
  EXPECT_LE(max_weight_difference(straight / "model.jaams", resumed / "model.jaams"), 1e-5);
}

TEST_F(DistributedTraining, AKilledRankMakesTheOtherStopWithAnErrorInsteadOfHanging) {
  const fs::path run = *dir_ / "killed";
  // Rank 1 is killed once rank 0 has finished an epoch; rank 0 must notice and exit on its own.
  const std::string kill_rank1 =
      "for i in $(seq 600); do [ -s " + (run / "history.csv").string() + " ] && break; sleep 0.1; done; "
      "kill -KILL $(pgrep -P $(pgrep -P $(cat r1.pid))); ";  // subshell -> timeout -> jaams
  const auto ranks = two_ranks(train_args(run, "--set training.epochs=100000"), train_args(run, "--set training.epochs=100000"),
                               kill_rank1);
  EXPECT_EQ(ranks.status[0], 3) << ranks.log[0];
  EXPECT_NE(ranks.log[0].find("another rank has probably stopped"), std::string::npos) << ranks.log[0];
  EXPECT_TRUE(fs::exists(run / "checkpoint.pt"));  // the finished epochs are kept for --resume
}

TEST_F(DistributedTraining, ABatchThatDoesNotDivideAmongTheRanksIsRefused) {
  const auto ranks = two_ranks(train_args(*dir_ / "odd", "--set training.batch_size=7"),
                               train_args(*dir_ / "odd", "--set training.batch_size=7"));
  EXPECT_EQ(ranks.status[0], 2);
  EXPECT_NE(ranks.log[0].find("training.batch_size: 7"), std::string::npos) << ranks.log[0];
}

TEST_F(DistributedTraining, TorchrunStartsTheRanksAsTheReadmeSays) {
  if (!fs::exists("/usr/bin/torchrun")) GTEST_SKIP() << "no torchrun (Debian: python3-torch)";
  const fs::path one = *dir_ / "one-tr", two = *dir_ / "two-tr";
  test::run_jaams(train_args(one, "--set training.epochs=2"));
  std::string output;
  // Debian 12's torchrun (1.13 under Python 3.11) fails to parse its default "--redirects 0 --tee 0"
  // (an enum.Flag change in Python 3.11), so the README gives both as 1.
  const int status = test::run_command("timeout 300 /usr/bin/torchrun --no_python --redirects 1 --tee 1 --nnodes 1 --nproc_per_node 2 --master_port " +
                                           std::to_string(free_port()) + " " + test::jaams_binary() + " " +
                                           train_args(two, "--set training.epochs=2"),
                                       &output);
  ASSERT_EQ(status, 0) << output;
  EXPECT_LE(max_weight_difference(one / "model.jaams", two / "model.jaams"), 1e-5);
}

}  // namespace
}  // namespace jaams::train
