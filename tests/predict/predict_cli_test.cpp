// End to end: the jaams binary's predict and eval subcommands on small folders of real audio
// files (several formats and rates, broken ones among them) with an untrained test package.
#include <gtest/gtest.h>
#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "jaams/config/experiment_config.hpp"
#include "jaams/data/preprocess.hpp"
#include "jaams/data/splits.hpp"
#include "jaams/eval/metrics_format.hpp"
#include "jaams/eval/pooling.hpp"
#include "jaams/predict/inputs.hpp"
#include "jaams/predict/predictor.hpp"
#include "jaams/util/atomic_file.hpp"
#include "predict_fixtures.hpp"
#include "test_support.hpp"

namespace jaams::predict {
namespace {
namespace fs = std::filesystem;
using fixtures::number;
using fixtures::Row;

const std::vector<std::string>& classes() { return fixtures::tiny_classes(); }

std::string quote(const fs::path& p) { return "'" + p.string() + "'"; }

// Runs `jaams <args>` on the CPU; returns the exit status, `log` gets stdout+stderr.
int jaams(const std::string& args, std::string* log = nullptr) {
  std::string out;
  const int status = test::run_command(test::jaams_binary() + " " + args, &out);
  if (log) *log = out;
  return status;
}

std::map<std::string, Row> track_rows(const std::vector<Row>& rows) {
  std::map<std::string, Row> out;
  for (const auto& r : rows) {
    const auto it = r.find("row");
    if (it != r.end() && it->second != "track") continue;
    EXPECT_TRUE(out.emplace(r.at("path"), r).second) << "two track rows for " << r.at("path");
  }
  return out;
}

class PredictCli : public ::testing::Test {
 protected:
  void SetUp() override {
    pkg_ = dir_ / "model.jaams";
    fixtures::write_package(pkg_);
  }

  // Good files of three formats and rates, of different lengths.
  void write_good(const fs::path& folder) {
    fs::create_directories(folder);
    test::write_audio(folder / "a_wav22050.wav", fixtures::music(5.0, 22050, 0), 22050);
    test::write_audio(folder / "b_flac44100.flac", fixtures::music(6.5, 44100, 1), 44100, 1,
                      SF_FORMAT_FLAC | SF_FORMAT_PCM_16);
    test::write_audio(folder / "c_ogg48000.ogg", fixtures::interleave(fixtures::music(4.3, 48000, 2), 2), 48000, 2,
                      SF_FORMAT_OGG | SF_FORMAT_VORBIS);
    test::write_audio(folder / "D_UPPER.WAV", fixtures::music(8.2, 22050, 3), 22050);
  }

  void write_broken(const fs::path& folder) {
    fs::create_directories(folder);
    std::ofstream(folder / "empty.wav").close();
    std::mt19937 rng(3);
    std::ofstream noise(folder / "garbage.wav", std::ios::binary);
    for (int i = 0; i < 4096; ++i) noise.put(static_cast<char>(rng() & 0xff));
    noise.close();
    test::write_audio(folder / "short.wav", fixtures::music(0.5, 22050, 4), 22050);
  }

  test::TempDir dir_;
  fs::path pkg_;
};

TEST_F(PredictCli, MixedFolderGivesOneRowPerFileAndExitStatus1) {
  const fs::path music = dir_ / "music";
  write_good(music);
  write_broken(music / "broken");
  std::ofstream(music / "notes.txt") << "not audio";
  const fs::path out = dir_ / "out.csv";
  std::string log;
  EXPECT_EQ(jaams("predict --device cpu --model " + quote(pkg_) + " --output " + quote(out) + " " + quote(music), &log),
            1)
      << log;
  const auto rows = fixtures::read_csv(out);
  ASSERT_EQ(rows.size(), 7u) << log;  // 4 good + 3 broken, notes.txt ignored
  const std::map<std::string, std::size_t> segments{
      {"a_wav22050.wav", 2}, {"b_flac44100.flac", 3}, {"c_ogg48000.ogg", 2}, {"D_UPPER.WAV", 4}};
  const std::map<std::string, std::string> errors{
      {"empty.wav", "cannot decode"}, {"garbage.wav", "cannot decode"}, {"short.wav", "too short"}};
  for (const auto& row : rows) {
    const std::string name = fs::path(row.at("path")).filename().string();
    if (errors.count(name)) {
      EXPECT_NE(row.at("error").find(errors.at(name)), std::string::npos) << name << ": " << row.at("error");
      EXPECT_EQ(row.at("genre"), "") << name;
      continue;
    }
    ASSERT_TRUE(segments.count(name)) << "unexpected row for " << row.at("path");
    EXPECT_EQ(row.at("error"), "") << name;
    EXPECT_EQ(std::stoul(row.at("segments")), segments.at(name)) << name;
    // Three classes, top-3: the ranked probabilities are all of them.
    const double sum = number(row, "p1") + number(row, "p2") + number(row, "p3");
    EXPECT_NEAR(sum, 1.0, 3e-6) << name;
    EXPECT_GE(number(row, "p1"), number(row, "p2"));
    EXPECT_GE(number(row, "p2"), number(row, "p3"));
    EXPECT_EQ(row.at("genre"), row.at("top1"));
    EXPECT_EQ(row.at("probability"), row.at("p1"));
    EXPECT_EQ(std::set<std::string>({row.at("top1"), row.at("top2"), row.at("top3")}),
              std::set<std::string>(classes().begin(), classes().end()));
  }
  EXPECT_NEAR(number(track_rows(rows).at((music / "b_flac44100.flac").string()), "duration_seconds"), 6.5, 0.01);
  EXPECT_NE(log.find("3 failed"), std::string::npos) << log;
}

TEST_F(PredictCli, SegmentRowsAgreeWithTheTrackRowUnderEachPooling) {
  write_good(dir_ / "music");
  for (const std::string pooling : {"mean", "vote", "max"}) {
    const fs::path out = dir_ / ("segments-" + pooling + ".csv");
    std::string log;
    ASSERT_EQ(jaams("predict --device cpu --segments --pooling " + pooling + " --model " + quote(pkg_) + " -o " +
                        quote(out) + " " + quote(dir_ / "music"),
                    &log),
              0)
        << log;
    const auto rows = fixtures::read_csv(out);
    std::map<std::string, std::vector<std::vector<float>>> segs;
    std::map<std::string, std::vector<std::string>> seg_genres;
    for (const auto& r : rows) {
      if (r.at("row") != "segment") continue;
      std::vector<float> p;
      for (const auto& c : classes()) p.push_back(static_cast<float>(number(r, "p_" + c)));
      EXPECT_EQ(std::stoul(r.at("segment")), segs[r.at("path")].size()) << "segments in time order";
      EXPECT_DOUBLE_EQ(number(r, "start_seconds"), 2.0 * segs[r.at("path")].size());
      segs[r.at("path")].push_back(p);
      seg_genres[r.at("path")].push_back(r.at("genre"));
    }
    const auto tracks = track_rows(rows);
    ASSERT_EQ(tracks.size(), 4u);
    bool segments_disagree = false;
    for (const auto& [path, track] : tracks) {
      const auto& s = segs.at(path);
      ASSERT_EQ(s.size(), std::stoul(track.at("segments"))) << path;
      std::vector<float> expected = eval::pool(s, eval::parse_pooling(pooling));
      if (pooling == "vote") {
        // Votes counted from the segment rows' own genre (the printed probabilities are rounded).
        for (std::size_t c = 0; c < classes().size(); ++c) {
          expected[c] =
              static_cast<float>(std::count(seg_genres[path].begin(), seg_genres[path].end(), classes()[c])) / s.size();
        }
      }
      for (std::size_t c = 0; c < classes().size(); ++c) {
        EXPECT_NEAR(number(track, "p_" + classes()[c]), expected[c], 5e-6)
            << pooling << " " << path << " " << classes()[c];
      }
      // The track's genre is the pooled winner (unless two classes are within rounding).
      std::vector<double> sorted(expected.begin(), expected.end());
      std::sort(sorted.rbegin(), sorted.rend());
      if (sorted[0] - sorted[1] > 1e-5)
        EXPECT_EQ(track.at("genre"), classes()[eval::argmax(expected)]) << pooling << " " << path;
      segments_disagree |= std::set<std::string>(seg_genres[path].begin(), seg_genres[path].end()).size() > 1;
    }
    EXPECT_TRUE(segments_disagree) << "the test audio should make segments of one file disagree";
  }
}

TEST_F(PredictCli, ShardsCoverEveryInputExactlyOnce) {
  write_good(dir_ / "music");
  write_broken(dir_ / "music");
  for (int i = 0; i < 5; ++i) std::ofstream(dir_ / "music" / ("bad" + std::to_string(i) + ".mp3")) << "no";
  std::multiset<std::string> seen;
  for (int i = 1; i <= 3; ++i) {
    const fs::path out = dir_ / ("shard" + std::to_string(i) + ".jsonl");
    std::string log;
    const int status = jaams("predict --device cpu --shard " + std::to_string(i) + "/3 --model " + quote(pkg_) +
                                 " -o " + quote(out) + " " + quote(dir_ / "music"),
                             &log);
    EXPECT_TRUE(status == 0 || status == 1) << log;
    std::ifstream in(out);
    std::string line;
    while (std::getline(in, line)) seen.insert(nlohmann::json::parse(line).at("path").get<std::string>());
  }
  const auto inputs = collect_inputs({(dir_ / "music").string()});
  ASSERT_EQ(inputs.size(), 12u);
  EXPECT_EQ(seen.size(), inputs.size());
  for (const auto& p : inputs) EXPECT_EQ(seen.count(p.string()), 1u) << p;
}

TEST_F(PredictCli, ResumeAfterAnInterruptionGivesTheRowsOfAnUninterruptedRun) {
  write_good(dir_ / "music");
  write_broken(dir_ / "music");
  const std::string common =
      "predict --device cpu --segments --model " + quote(pkg_) + " " + quote(dir_ / "music") + " -o ";
  const fs::path full = dir_ / "full.csv";
  ASSERT_EQ(jaams(common + quote(full)), 1);

  // What a killed run leaves: whole files, then one file's segment rows and a torn track row.
  std::ifstream in(full, std::ios::binary);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::string partial = lines[0] + "\n";  // header
  std::size_t tracks = 0;
  std::size_t i = 1;
  for (; i < lines.size() && tracks < 3; ++i) {
    partial += lines[i] + "\n";
    tracks += lines[i].rfind("track,", 0) == 0;
  }
  for (; i < lines.size() && lines[i].rfind("segment,", 0) == 0; ++i) partial += lines[i] + "\n";
  ASSERT_LT(i, lines.size());
  partial += lines[i].substr(0, lines[i].size() / 2);
  const fs::path resumed = dir_ / "resumed.csv";
  std::ofstream(resumed, std::ios::binary) << partial;

  std::string log;
  // 1 if a broken file is among those left to do (failures often finish first).
  const int status = jaams(common + quote(resumed) + " --resume", &log);
  EXPECT_TRUE(status == 0 || status == 1) << log;
  EXPECT_NE(log.find("3 file(s) already in"), std::string::npos) << log;
  // The earlier rows are kept as they were, the rest appended.
  std::ifstream again(resumed, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(again)), std::istreambuf_iterator<char>());
  const std::string kept = partial.substr(0, partial.rfind('\n') + 1);
  EXPECT_EQ(text.substr(0, kept.size()), kept);

  // Same rows as the uninterrupted run (order may differ: rows follow completion).
  auto key = [](const Row& r) { return r.at("row") + "|" + r.at("path") + "|" + r.at("segment"); };
  std::map<std::string, Row> a, b;
  for (const auto& r : fixtures::read_csv(full)) a[key(r)] = r;
  for (const auto& r : fixtures::read_csv(resumed)) EXPECT_TRUE(b.emplace(key(r), r).second) << "duplicate " << key(r);
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [k, row] : a) {
    ASSERT_TRUE(b.count(k)) << k;
    for (const auto& [column, value] : row) {
      if (column.rfind("p", 0) == 0 && !value.empty() && column != "path") {
        EXPECT_NEAR(std::stod(value), std::stod(b[k].at(column)), 2e-6) << k << " " << column;
      } else {
        EXPECT_EQ(value, b[k].at(column)) << k << " " << column;
      }
    }
  }
  // Nothing left to do: a second resume adds no rows.
  EXPECT_EQ(jaams(common + quote(resumed) + " --resume", &log), 0) << log;
  EXPECT_EQ(fixtures::read_csv(resumed).size(), a.size());
}

TEST_F(PredictCli, EvalOnALabelledTreeSeesWhatPredictSees) {
  const fs::path tree = dir_ / "new-songs";
  fs::create_directories(tree / "blues");
  fs::create_directories(tree / "metal");
  fs::create_directories(tree / "jazz");  // not a class of the model
  test::write_audio(tree / "blues" / "b1.wav", fixtures::music(6.0, 22050, 5), 22050);
  test::write_audio(tree / "blues" / "b2.flac", fixtures::music(4.0, 44100, 6), 44100, 1,
                    SF_FORMAT_FLAC | SF_FORMAT_PCM_16);
  test::write_audio(tree / "metal" / "m1.wav", fixtures::music(8.0, 22050, 7), 22050);
  test::write_audio(tree / "metal" / "m2.wav", fixtures::music(6.0, 22050, 8), 22050);
  test::write_audio(tree / "jazz" / "j1.wav", fixtures::music(6.0, 22050, 9), 22050);

  const fs::path report = dir_ / "report";
  std::string log;
  ASSERT_EQ(
      jaams("eval --device cpu --model " + quote(pkg_) + " --data " + quote(tree) + " --output " + quote(report), &log),
      0)
      << log;
  EXPECT_NE(log.find("jazz"), std::string::npos) << "skipped genre not reported: " << log;
  EXPECT_NE(log.find("ccuracy"), std::string::npos) << "no table printed: " << log;
  const auto metrics = eval::read_metrics_json(report / "metrics.json");
  EXPECT_EQ(metrics.classes, classes());
  EXPECT_EQ(metrics.tracks, 4u);
  EXPECT_EQ(metrics.segments, 3u + 2u + 4u + 3u);
  EXPECT_TRUE(fs::exists(report / "metrics.md"));

  const fs::path out = dir_ / "predict.csv";
  ASSERT_EQ(jaams("predict --device cpu --segments --model " + quote(pkg_) + " -o " + quote(out) + " " +
                  quote(tree / "blues") + " " + quote(tree / "metal")),
            0);
  const auto predicted = track_rows(fixtures::read_csv(out));
  const auto evaluated = track_rows(fixtures::read_csv(report / "predictions.csv"));
  ASSERT_EQ(evaluated.size(), 4u);
  std::vector<std::vector<long>> track_confusion(3, std::vector<long>(3, 0));
  std::vector<std::vector<long>> confusion(3, std::vector<long>(3, 0));
  for (const auto& [path, row] : evaluated) {
    ASSERT_TRUE(predicted.count(path)) << path;
    for (const auto& c : classes())
      EXPECT_NEAR(number(row, "p_" + c), number(predicted.at(path), "p_" + c), 2e-6) << path << " " << c;
    const int label = fs::path(path).parent_path().filename() == "blues" ? 0 : 2;
    const auto genre =
        std::find(classes().begin(), classes().end(), predicted.at(path).at("genre")) - classes().begin();
    ++track_confusion[label][genre];
  }
  for (const auto& r : fixtures::read_csv(out)) {
    if (r.at("row") != "segment") continue;
    const int label = fs::path(r.at("path")).parent_path().filename() == "blues" ? 0 : 2;
    ++confusion[label][std::find(classes().begin(), classes().end(), r.at("genre")) - classes().begin()];
  }
  EXPECT_EQ(metrics.track_confusion, track_confusion);
  EXPECT_EQ(metrics.confusion, confusion);
}

// The images a training run was scored on (preprocess cache) and the images predict makes from the
// same audio are one and the same path, so eval --run and predict agree segment by segment.
TEST_F(PredictCli, EvalOnARunSplitAgreesWithPredictOnThoseFiles) {
  const fs::path audio = dir_ / "audio";
  int variant = 10;
  for (const auto& genre : classes()) {
    fs::create_directories(audio / genre);
    for (int i = 0; i < 3; ++i) {
      test::write_audio(audio / genre / (genre + "." + std::to_string(i) + ".wav"),
                        fixtures::music(4.5 + i, 22050, variant++), 22050);
    }
  }
  data::PreprocessOptions pre;
  pre.input = audio;
  pre.output = dir_ / "prep";
  pre.genres = classes();
  pre.kinds = {features::FeatureKind::mel};
  pre.pipeline = fixtures::tiny_pipeline();
  pre.write_png = false;
  pre.threads = 2;
  ASSERT_TRUE(data::run_preprocess(pre).failures.empty());

  const fs::path run = dir_ / "run";
  config::ExperimentConfig cfg = config::load_experiment_config("");
  cfg.pipeline = fixtures::tiny_pipeline();
  cfg.kind = features::FeatureKind::mel;
  cfg.data.root = pre.output;
  cfg.data.genres = classes();
  write_file_atomic(run / "config.yaml", config::to_yaml(cfg));
  // Tracks *.2 of every genre form the test split.
  std::vector<data::SegmentAssignment> assignment;
  for (const auto& row : data::load_preprocessed_manifest(pre.output)) {
    const bool test_track = row.track_id.back() == '2';
    assignment.push_back({row.track_id, row.segment, test_track ? data::Subset::test : data::Subset::train});
  }
  data::write_splits(run / "splits.csv", assignment);
  fs::copy_file(pkg_, run / "model.jaams");

  std::string log;
  ASSERT_EQ(jaams("eval --device cpu --run " + quote(run) + " --split test --output " + quote(dir_ / "run-eval"), &log),
            0)
      << log;
  const auto metrics = eval::read_metrics_json(dir_ / "run-eval" / "metrics.json");
  EXPECT_EQ(metrics.tracks, 3u);
  EXPECT_EQ(metrics.segments, 3u * 3u);  // 6.5 s: three 2-s segments

  const fs::path out = dir_ / "test-split.csv";
  std::ofstream(dir_ / "test-files.txt") << (audio / "blues" / "blues.2.wav").string() << "\n"
                                         << (audio / "classical" / "classical.2.wav").string() << "\n"
                                         << (audio / "metal" / "metal.2.wav").string() << "\n";
  ASSERT_EQ(jaams("predict --device cpu --segments --model " + quote(pkg_) + " -o " + quote(out) + " @" +
                  quote(dir_ / "test-files.txt")),
            0);
  std::vector<std::vector<long>> confusion(3, std::vector<long>(3, 0));
  for (const auto& r : fixtures::read_csv(out)) {
    if (r.at("row") != "segment") continue;
    const std::string genre = fs::path(r.at("path")).parent_path().filename().string();
    const auto label = std::find(classes().begin(), classes().end(), genre) - classes().begin();
    ++confusion[label][std::find(classes().begin(), classes().end(), r.at("genre")) - classes().begin()];
  }
  EXPECT_EQ(metrics.confusion, confusion);
}

TEST_F(PredictCli, UnusablePackageIsRefusedWithItsPath) {
  fixtures::PackageRecipe recipe;
  recipe.meta_patch = {{"pipeline", {{"image", {{"height", 288}, {"width", 432}}}}}};
  const fs::path bad = dir_ / "wrong-size.jaams";
  fixtures::write_package(bad, recipe);
  write_good(dir_ / "music");
  std::string log;
  EXPECT_EQ(jaams("predict --device cpu --model " + quote(bad) + " " + quote(dir_ / "music"), &log), 2) << log;
  EXPECT_NE(log.find(bad.string()), std::string::npos) << log;
  EXPECT_EQ(
      jaams("eval --device cpu --model " + quote(bad) + " --data " + quote(dir_ / "music") + " -o " + quote(dir_ / "e"),
            &log),
      2)
      << log;
  EXPECT_NE(log.find(bad.string()), std::string::npos) << log;
}

}  // namespace
}  // namespace jaams::predict
