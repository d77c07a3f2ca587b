// Damaged model packages and a model that gives NaN: an error naming the package, never a row of
// NaN probabilities; an absurd --batch-size is clamped instead of allocating tens of gigabytes.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <limits>

#include "hostile_support.hpp"
#include "jaams/models/package.hpp"
#include "jaams/models/registry.hpp"
#include "jaams/util/error.hpp"
#include "predict_fixtures.hpp"
#include "test_support.hpp"

namespace jaams {
namespace {
namespace fs = std::filesystem;
using predict::fixtures::write_package;
using hostile::write_music;
using test::run_jaams;

TEST(HostilePackages, AWeightRecordCutShortIsACorruptPackage) {
  test::TempDir dir;
  write_package(dir / "model.jaams");
  hostile::damage_package(dir / "model.jaams", dir / "cut.jaams", "cut");
  write_music(dir / "a.wav", 5, 1);
  const auto out = run_jaams("predict --model " + (dir / "cut.jaams").string() + " " + (dir / "a.wav").string(), 2);
  EXPECT_NE(out.find("corrupt package"), std::string::npos) << out;
  EXPECT_EQ(out.find("nan"), std::string::npos) << out;
}

TEST(HostilePackages, WeightsThatDoNotMatchTheirChecksumAreACorruptPackage) {
  test::TempDir dir;
  write_package(dir / "model.jaams");
  hostile::damage_package(dir / "model.jaams", dir / "flipped.jaams", "flip");
  const std::string message = test::error_of([&] { models::load_package(dir / "flipped.jaams"); });
  EXPECT_NE(message.find("corrupt package"), std::string::npos) << message;
  EXPECT_NE(message.find("checksum"), std::string::npos) << message;
  EXPECT_NE(message.find("flipped.jaams"), std::string::npos) << message;
  // The undamaged package still loads: the checksum is of what was written.
  EXPECT_NO_THROW(models::load_package(dir / "model.jaams"));
}

TEST(HostilePackages, AModelThatGivesNaNWritesAnErrorRowNotNaNProbabilities) {
  test::TempDir dir;
  // A package that is intact (its checksum holds) but whose weights are NaN, as a diverged
  // training would leave them.
  models::ModelSpec spec;
  spec.name = "cnn";
  spec.num_classes = 3;
  spec.height = 32;
  spec.width = 48;
  spec.params = {{"conv1", 4}, {"conv2", 6}, {"kernel", 3}, {"fc", 16}};
  auto model = models::make_model(spec);
  {
    torch::NoGradGuard no_grad;
    for (auto& p : model->parameters()) p.fill_(std::numeric_limits<float>::quiet_NaN());
  }
  const nlohmann::json meta = {{"classes", predict::fixtures::tiny_classes()},
                               {"kind", "mel"},
                               {"pipeline", pipeline::to_json(predict::fixtures::tiny_pipeline())}};
  models::save_package(dir / "nan.jaams", *model, spec, meta);
  write_music(dir / "a.wav", 5, 1);
  const auto out = run_jaams("predict --model " + (dir / "nan.jaams").string() + " -o " + (dir / "rows.csv").string() +
                                 " " + (dir / "a.wav").string(),
                             1);
  const std::string rows = test::slurp(dir / "rows.csv");
  EXPECT_EQ(rows.find("nan"), std::string::npos) << rows;
  EXPECT_NE(rows.find("non-finite probabilities"), std::string::npos) << rows;
}

TEST(HostilePackages, AHugeBatchSizeIsClampedWithAWarning) {
  test::TempDir dir;
  write_package(dir / "model.jaams");
  write_music(dir / "a.wav", 7, 2);
  const auto run = hostile::run_jaams_measured("predict --batch-size 100000 --model " + (dir / "model.jaams").string() +
                                               " " + (dir / "a.wav").string());
  EXPECT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("--batch-size 100000"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("using 256"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("a.wav,"), std::string::npos) << run.output;  // the row is there
  EXPECT_LT(run.max_rss_mb, 1024) << run.output;
}

}  // namespace
}  // namespace jaams
