// A dataset labelled by a CSV (data.labels), files in one flat folder: it trains, evaluates and
// predicts through the binary, with artist-safe and explicit splits.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include "jaams/data/splits.hpp"
#include "test_support.hpp"

namespace jaams {
namespace {
namespace fs = std::filesystem;
using test::run_jaams;

class LabelsCli : public ::testing::Test {
 protected:
  // 18 synthetic clips renamed clip01.wav.. into flat/audio; artist k has clips 2k-1 and 2k (same genre).
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    run_jaams("--quiet synth -o " + (*dir_ / "synth").string() + " -n 6 --seconds 4 --genres blues,classical,metal -j 2");
    fs::create_directories(flat() / "audio");
    int i = 0;
    std::ofstream csv(flat() / "labels.csv");
    csv << "path,genre,artist,split\n";
    for (const char* genre : {"blues", "classical", "metal"}) {
      std::vector<fs::path> files;
      for (const auto& e : fs::directory_iterator(*dir_ / "synth" / genre)) files.push_back(e.path());
      std::sort(files.begin(), files.end());
      for (std::size_t k = 0; k < files.size(); ++k) {
        ++i;
        const std::string name = std::string("clip") + (i < 10 ? "0" : "") + std::to_string(i) + ".wav";
        fs::copy_file(files[k], flat() / "audio" / name);
        // Explicit split for data.split: csv: the first four clips of a genre train, then val, test.
        csv << "audio/" << name << "," << genre << ",artist" << (i + 1) / 2 << "," << (k < 4 ? "train" : k == 4 ? "val" : "test")
            << "\n";
      }
    }
    config_ = *dir_ / "tiny.yaml";
    std::ofstream(config_) << "audio: {segment_seconds: 2, hop_seconds: 2}\n"
                              "features: {kind: mel, kinds: [mel]}\n"
                              "image: {height: 32, width: 48}\n"
                              "data: {labels: " + (flat() / "labels.csv").string() + "}\n"
                              "model: {name: cnn, conv1: 4, conv2: 8, fc: 16}\n"
                              "training: {epochs: 2, batch_size: 8, threads: 1, device: cpu}\n";
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static fs::path flat() { return *dir_ / "flat"; }
  static std::string artist_of(const std::string& track) { return "artist" + std::to_string((std::stoi(track.substr(4)) + 1) / 2); }

  static test::TempDir* dir_;
  static fs::path config_;
};
test::TempDir* LabelsCli::dir_ = nullptr;
fs::path LabelsCli::config_;

TEST_F(LabelsCli, AFlatFolderTrainsEvaluatesAndPredictsWithNoArtistOnTwoSides) {
  const fs::path run = *dir_ / "run";
  const auto train = run_jaams("train --config " + config_.string() + " -o " + run.string());
  EXPECT_NE(train.find("artist-safe"), std::string::npos) << train;
  EXPECT_NE(train.find("(3 classes)"), std::string::npos) << train;  // the CSV's genres
  std::map<std::string, std::set<data::Subset>> sides;
  std::set<std::string> tracks;
  for (const auto& a : data::read_splits(run / "splits.csv")) {
    sides[artist_of(a.track_id)].insert(a.subset);
    tracks.insert(a.track_id);
  }
  EXPECT_EQ(tracks.size(), 18u);
  EXPECT_EQ(sides.size(), 9u);
  for (const auto& [artist, set] : sides) EXPECT_EQ(set.size(), 1u) << artist << " is on " << set.size() << " sides";
  run_jaams("eval --run " + run.string() + " --split val --output " + (run / "eval-cli").string());
  EXPECT_TRUE(fs::exists(run / "eval-cli"));
  const auto rows = run_jaams("predict --model " + (run / "model.jaams").string() + " -o " + (run / "rows.csv").string() + " " +
                              (flat() / "audio").string());
  std::ifstream in(run / "rows.csv");
  int lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  EXPECT_EQ(lines, 1 + 18) << rows;  // header + one row per file
}

TEST_F(LabelsCli, TheCsvsSplitColumnGivesTheSplit) {
  const fs::path run = *dir_ / "explicit";
  run_jaams("--quiet train --config " + config_.string() + " --set data.split=csv -o " + run.string());
  for (const auto& a : data::read_splits(run / "splits.csv")) {
    const int i = std::stoi(a.track_id.substr(4));  // clip number, 6 per genre
    const int k = (i - 1) % 6;
    EXPECT_EQ(a.subset, k < 4 ? data::Subset::train : k == 4 ? data::Subset::val : data::Subset::test) << a.track_id;
  }
}

TEST_F(LabelsCli, ARowNamingAMissingFileOrAnUnknownGenreIsAnErrorWithItsLine) {
  const fs::path csv = *dir_ / "bad.csv";
  std::ofstream(csv) << "path,genre\nflat/audio/clip01.wav,blues\nflat/audio/nothing.wav,blues\n";
  const auto missing = run_jaams("--quiet train --config " + config_.string() + " --set data.labels=" + csv.string() + " -o " +
                                     (*dir_ / "bad1").string(),
                                 2);
  EXPECT_NE(missing.find("bad.csv:3: 'flat/audio/nothing.wav' not found"), std::string::npos) << missing;
  std::ofstream(csv) << "path,genre\nflat/audio/clip01.wav,blues\nflat/audio/clip02.wav,polka\n";
  const auto unknown = run_jaams("--quiet train --config " + config_.string() + " --set data.labels=" + csv.string() +
                                     " --set 'data.genres=[blues, metal]' -o " + (*dir_ / "bad2").string(),
                                 2);
  EXPECT_NE(unknown.find("bad.csv:3: genre 'polka' is not one of data.genres"), std::string::npos) << unknown;
}

// scripts/fma_to_csv.py on a tracks.csv in FMA's layout (two header rows and the index row; the
// audio as NNN/NNNNNN.mp3) gives a labels CSV that trains with FMA's own split.
TEST_F(LabelsCli, FmaTracksBecomeALabelsCsvThatTrainsWithFmasSplit) {
  const fs::path fma = *dir_ / "fma";
  fs::create_directories(fma / "fma_small" / "000");
  std::ofstream tracks(fma / "tracks.csv");
  tracks << ",artist,set,set,track,track\n"
            ",id,split,subset,genre_top,title\n"
            "track_id,,,,,\n";
  const char* genres[] = {"Blues", "Classical", "Metal"};
  for (int i = 1; i <= 18; ++i) {
    const int g = (i - 1) / 6, k = (i - 1) % 6;
    char tid[8];
    std::snprintf(tid, sizeof tid, "%06d", i);
    // Extra tracks the script must leave out: one of the medium subset, one without a genre.
    tracks << i << "," << 100 + (i + 1) / 2 << "," << (k < 4 ? "training" : k == 4 ? "validation" : "test") << ",small,"
           << genres[g] << ",\"Title, " << i << "\"\n";
    // libsndfile reads a file by its contents, so the WAV clips can stand in for FMA's MP3s.
    fs::copy_file(flat() / "audio" / (std::string("clip") + (i < 10 ? "0" : "") + std::to_string(i) + ".wav"),
                  fma / "fma_small" / "000" / (std::string(tid) + ".mp3"));
  }
  tracks << "19,200,training,medium,Blues,x\n20,201,training,small,,no genre\n";
  tracks.close();
  std::string out;
  ASSERT_EQ(test::run_command("/usr/bin/python3 " JAAMS_SOURCE_DIR "/scripts/fma_to_csv.py --tracks " + (fma / "tracks.csv").string() +
                                  " --audio " + (fma / "fma_small").string() + " --subset small --output " +
                                  (fma / "labels.csv").string(),
                              &out),
            0)
      << out;
  EXPECT_NE(out.find("18 tracks, 3 genres"), std::string::npos) << out;
  const std::string csv = test::slurp(fma / "labels.csv");
  EXPECT_EQ(csv.rfind("path,genre,track,artist,split\n", 0), 0u) << csv;
  EXPECT_NE(csv.find("fma_small/000/000005.mp3,Blues,000005,103,val"), std::string::npos) << csv;
  const fs::path run = *dir_ / "fma-run";
  run_jaams("--quiet train --config " + config_.string() + " --set data.labels=" + (fma / "labels.csv").string() +
            " --set data.split=csv -o " + run.string());
  std::set<std::string> test_tracks;
  for (const auto& a : data::read_splits(run / "splits.csv")) {
    if (a.subset == data::Subset::test) test_tracks.insert(a.track_id);
  }
  EXPECT_EQ(test_tracks, (std::set<std::string>{"000006", "000012", "000018"}));
}

}  // namespace
}  // namespace jaams
