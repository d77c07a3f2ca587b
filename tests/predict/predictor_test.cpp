// The Predictor as a library: packages it refuses, results independent of batching and threads,
// pooling of segment probabilities, failures that do not stop a run.
#include "jaams/predict/predictor.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <stdexcept>

#include "jaams/eval/pooling.hpp"
#include "jaams/util/error.hpp"
#include "predict_fixtures.hpp"
#include "test_support.hpp"

namespace jaams::predict {
namespace {
namespace fs = std::filesystem;
using fixtures::PackageRecipe;

PredictOptions cpu_options() {
  PredictOptions o;
  o.device = "cpu";
  o.threads = 2;
  return o;
}

std::string refusal(const fs::path& pkg) {
  try {
    load_predictor(pkg, cpu_options());
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << pkg << " was accepted";
  return {};
}

TEST(PredictorPackage, RefusesSettingsItCannotHonour) {
  test::TempDir dir;
  struct Case {
    const char* name;
    PackageRecipe recipe;
    const char* says;
  };
  std::vector<Case> cases;
  {
    PackageRecipe r;
    r.kind = "spectrogram";
    cases.push_back({"unknown_kind.jaams", r, "kind"});
  }
  {
    PackageRecipe r;
    r.remove_meta = {"pipeline"};
    cases.push_back({"no_pipeline.jaams", r, "pipeline"});
  }
  {
    PackageRecipe r;
    r.meta_patch = {{"pipeline", {{"features", {{"n_fft", -4}}}}}};
    cases.push_back({"bad_n_fft.jaams", r, "n_fft"});
  }
  {
    PackageRecipe r;
    r.meta_patch = {{"pipeline", {{"image", {{"height", 64}, {"width", 96}}}}}};
    cases.push_back({"image_size.jaams", r, "64x96"});
  }
  {
    PackageRecipe r;
    r.meta_patch = {{"classes", {"blues", "metal"}}};
    cases.push_back({"two_names.jaams", r, "classes"});
  }
  for (const auto& c : cases) {
    const fs::path pkg = dir / c.name;
    fixtures::write_package(pkg, c.recipe);
    const std::string message = refusal(pkg);
    EXPECT_NE(message.find(pkg.string()), std::string::npos) << c.name << ": " << message;
    EXPECT_NE(message.find(c.says), std::string::npos) << c.name << ": " << message;
  }
  // A file that is no package at all.
  const fs::path missing = dir / "missing.jaams";
  EXPECT_NE(refusal(missing).find(missing.string()), std::string::npos);
}

TEST(PredictorPackage, RefusesBadOptions) {
  test::TempDir dir;
  fixtures::write_package(dir / "m.jaams");
  PredictOptions o = cpu_options();
  o.batch_size = -1;
  EXPECT_THROW(load_predictor(dir / "m.jaams", o), Error);
  o.batch_size = 0;  // the default for the device
  EXPECT_EQ(load_predictor(dir / "m.jaams", o).options().batch_size, default_batch_size(torch::kCPU));
  o = cpu_options();
  o.top_k = 0;
  EXPECT_THROW(load_predictor(dir / "m.jaams", o), Error);
}

class PredictorRun : public ::testing::Test {
 protected:
  void SetUp() override {
    fixtures::write_package(dir_ / "m.jaams");
    // 3 to 9 seconds: 1 to 4 segments of 2 s.
    for (int i = 0; i < 6; ++i) {
      const fs::path p = dir_ / ("song" + std::to_string(i) + ".wav");
      test::write_audio(p, fixtures::music(3.0 + i * 1.2, 22050, i), 22050);
      files_.push_back(p);
    }
  }

  std::vector<FileResult> run_all(const PredictOptions& o, const std::vector<fs::path>& files) {
    Predictor predictor = load_predictor(dir_ / "m.jaams", o);
    std::vector<FileResult> results(files.size());
    std::vector<int> seen(files.size(), 0);
    predictor.run(files, [&](FileResult&& r) {
      ++seen.at(r.input_index);
      results[r.input_index] = std::move(r);
    });
    for (std::size_t i = 0; i < files.size(); ++i) EXPECT_EQ(seen[i], 1) << files[i];
    return results;
  }

  test::TempDir dir_;
  std::vector<fs::path> files_;
};

TEST_F(PredictorRun, ClassifiesEveryFileWithSegmentsInTimeOrder) {
  const auto results = run_all(cpu_options(), files_);
  for (std::size_t i = 0; i < files_.size(); ++i) {
    const auto& r = results[i];
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_EQ(r.path, files_[i]);
    const double seconds = 3.0 + i * 1.2;
    EXPECT_NEAR(r.audio_seconds, seconds, 0.01);
    // 2-s segments; a remainder of at least 1.9 s is padded, a shorter one dropped.
    const auto expected = static_cast<std::size_t>(seconds / 2.0 + 0.05);
    ASSERT_EQ(r.segments.size(), expected) << r.path;
    for (std::size_t s = 0; s < r.segments.size(); ++s) {
      EXPECT_EQ(r.segments[s].index, static_cast<int>(s));
      EXPECT_DOUBLE_EQ(r.segments[s].start_seconds, 2.0 * s);
      const auto& p = r.segments[s].probabilities;
      ASSERT_EQ(p.size(), 3u);
      EXPECT_NEAR(std::accumulate(p.begin(), p.end(), 0.0), 1.0, 1e-5);
    }
    EXPECT_NEAR(std::accumulate(r.probabilities.begin(), r.probabilities.end(), 0.0), 1.0, 1e-5);
  }
}

// A package made with today's default segment policy scores the whole clip: the end of a clip
// that is not a whole number of segments gets a last segment aligned to it, not left out.
TEST_F(PredictorRun, DefaultPolicyScoresTheEndOfAClip) {
  PackageRecipe recipe;
  recipe.pipeline.segments.remainder = audio::SegmentConfig{}.remainder;
  fixtures::write_package(dir_ / "default_policy.jaams", recipe);
  const fs::path clip = dir_ / "three_point_four.wav";
  test::write_audio(clip, fixtures::music(3.4, 22050, 7), 22050);
  PredictOptions o = cpu_options();
  Predictor predictor = load_predictor(dir_ / "default_policy.jaams", o);
  std::vector<FileResult> results;
  predictor.run({clip}, [&](FileResult&& r) { results.push_back(std::move(r)); });
  ASSERT_EQ(results.size(), 1u);
  ASSERT_TRUE(results[0].ok()) << results[0].error;
  ASSERT_EQ(results[0].segments.size(), 2u);  // 0-2 s and 1.4-3.4 s (pad would score 0-2 s only)
  EXPECT_DOUBLE_EQ(results[0].segments[0].start_seconds, 0.0);
  EXPECT_NEAR(results[0].segments[1].start_seconds, 1.4, 1e-4);
}

TEST_F(PredictorRun, ResultsDoNotDependOnBatchingOrThreads) {
  PredictOptions one = cpu_options();
  one.threads = 1;
  one.batch_size = 1;
  one.queue_segments = 1;
  PredictOptions many = cpu_options();
  many.threads = 3;
  many.batch_size = 5;  // batches mix segments of several files
  const auto a = run_all(one, files_);
  const auto b = run_all(many, files_);
  for (std::size_t i = 0; i < files_.size(); ++i) {
    ASSERT_EQ(a[i].segments.size(), b[i].segments.size());
    for (std::size_t s = 0; s < a[i].segments.size(); ++s) {
      for (std::size_t c = 0; c < 3; ++c)
        EXPECT_NEAR(a[i].segments[s].probabilities[c], b[i].segments[s].probabilities[c], 1e-5);
    }
  }
}

TEST_F(PredictorRun, EveryImageModelScoresAFileAloneAsInsideABatch) {
  // ann and alexcnn besides the cnn above (alexcnn needs images of at least 95 x 95).
  for (const std::string model : {"ann", "alexcnn"}) {
    SCOPED_TRACE(model);
    PackageRecipe recipe;
    recipe.model = model;
    recipe.height = recipe.pipeline.image.height = 96;
    recipe.width = recipe.pipeline.image.width = 144;
    fixtures::write_package(dir_ / "m.jaams", recipe);
    PredictOptions one = cpu_options();
    one.batch_size = 1;
    PredictOptions many = cpu_options();
    many.batch_size = 5;
    const auto alone = run_all(one, {files_[2]});
    const auto batch = run_all(many, files_);
    ASSERT_TRUE(alone[0].ok() && batch[2].ok());
    for (std::size_t c = 0; c < 3; ++c) EXPECT_NEAR(alone[0].probabilities[c], batch[2].probabilities[c], 1e-5);
  }
}

TEST_F(PredictorRun, TrackProbabilitiesArePooledSegmentProbabilities) {
  for (const auto pooling : {eval::Pooling::mean, eval::Pooling::vote, eval::Pooling::max}) {
    PredictOptions o = cpu_options();
    o.pooling = pooling;
    for (const auto& r : run_all(o, files_)) {
      std::vector<std::vector<float>> rows;
      for (const auto& s : r.segments) rows.push_back(s.probabilities);
      EXPECT_EQ(r.probabilities, eval::pool(rows, pooling)) << eval::to_string(pooling) << " " << r.path;
    }
  }
  // The model must not say the same for every segment, or pooling would be untested.
  const auto r = run_all(cpu_options(), files_);
  EXPECT_NE(r[5].segments[0].probabilities, r[5].segments[3].probabilities);
}

TEST_F(PredictorRun, MaxSegmentsLimitsTheWorkPerFile) {
  PredictOptions o = cpu_options();
  o.max_segments = 2;
  for (const auto& r : run_all(o, files_)) {
    ASSERT_TRUE(r.ok()) << r.error;
    EXPECT_LE(r.segments.size(), 2u);
  }
}

TEST_F(PredictorRun, BadFilesGiveErrorsAndTheRunGoesOn) {
  std::vector<fs::path> files = files_;
  files.insert(files.begin() + 2, dir_ / "does-not-exist.wav");
  test::write_audio(dir_ / "short.wav", fixtures::music(0.5, 22050, 1), 22050);
  files.push_back(dir_ / "short.wav");
  test::write_audio(dir_ / "silent.wav", std::vector<float>(22050 * 5, 0.0f), 22050);
  files.push_back(dir_ / "silent.wav");
  const auto results = run_all(cpu_options(), files);
  EXPECT_FALSE(results[2].ok());
  EXPECT_NE(results[2].error.find("cannot decode"), std::string::npos) << results[2].error;
  EXPECT_NE(results[files.size() - 2].error.find("too short"), std::string::npos) << results[files.size() - 2].error;
  EXPECT_NE(results.back().error.find("silent"), std::string::npos) << results.back().error;
  EXPECT_TRUE(results.back().segments.empty());
  EXPECT_TRUE(results.back().probabilities.empty());
  std::size_t ok = 0;
  for (const auto& r : results) ok += r.ok();
  EXPECT_EQ(ok, files_.size());
}

TEST_F(PredictorRun, AFailingConsumerStopsTheRun) {
  PredictOptions o = cpu_options();
  o.queue_segments = 1;
  Predictor predictor = load_predictor(dir_ / "m.jaams", o);
  int calls = 0;
  EXPECT_THROW(predictor.run(files_,
                             [&](FileResult&&) {
                               ++calls;
                               throw std::runtime_error("disk full");
                             }),
               std::runtime_error);
  EXPECT_EQ(calls, 1);
  // The predictor is still usable afterwards.
  EXPECT_TRUE(predictor.predict_file(files_[0]).ok());
}

TEST(TopClasses, BestFirstTiesByIndex) {
  EXPECT_EQ(top_classes({0.1f, 0.5f, 0.2f, 0.2f}, 3), (std::vector<std::size_t>{1, 2, 3}));
  EXPECT_EQ(top_classes({0.3f, 0.7f}, 5), (std::vector<std::size_t>{1, 0}));
}

}  // namespace
}  // namespace jaams::predict
