// jaams predict --embeddings: one vector per classified track (and per segment with --segments),
// equal to the model's penultimate activations on the same segments; streamed, so a resumed run
// completes the files without counting a track twice.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "jaams/data/image_set.hpp"
#include "jaams/models/package.hpp"
#include "jaams/pipeline/audio_to_images.hpp"
#include "jaams/util/npy.hpp"
#include "predict_fixtures.hpp"
#include "test_support.hpp"

namespace jaams::predict {
namespace {
namespace fs = std::filesystem;

using test::run_jaams;

class Embeddings : public ::testing::Test {
 protected:
  void SetUp() override {
    fixtures::write_package(package_);
    for (int v = 0; v < 3; ++v) {
      files_.push_back(dir_ / ("track" + std::to_string(v) + ".wav"));
      test::write_audio(files_.back(), fixtures::music(4.0 + 1.5 * v, 22050, v), 22050);
    }
    std::ofstream(dir_ / "broken.wav") << "not audio";
  }

  std::string inputs() const {
    std::string s;
    for (const auto& f : files_) s += " " + f.string();
    return s + " " + (dir_ / "broken.wav").string();
  }

  // The segments' penultimate activations by a direct forward pass of the package's model over
  // the pipeline's images, [segments, F].
  torch::Tensor direct_embeddings(const fs::path& file) const {
    const auto package = models::load_package(package_);
    pipeline::AudioToImages front_end(fixtures::tiny_pipeline(), {features::FeatureKind::mel});
    std::vector<torch::Tensor> images;
    front_end.process(file, [&](pipeline::SegmentImages&& s) {
      const auto& img = s.images.front();
      images.push_back(data::image_to_tensor(img.rgb.data(), img.height, img.width));
      return true;
    });
    torch::NoGradGuard no_grad;
    return package.model->penultimate(package.model->embed(torch::stack(images)));
  }

  test::TempDir dir_;
  fs::path package_ = dir_ / "model.jaams";
  std::vector<fs::path> files_;
};

torch::Tensor rows_of(const NpyArray& a) {
  EXPECT_EQ(a.shape.size(), 2u);
  return torch::from_blob(const_cast<float*>(a.data.data()), {static_cast<int64_t>(a.shape[0]), static_cast<int64_t>(a.shape[1])})
      .clone();
}

TEST_F(Embeddings, OneRowPerTrackEqualToThePenultimateActivations) {
  const auto emb = dir_ / "out" / "emb.npy";
  // The broken file fails (status 1) and gets no embedding.
  run_jaams("--quiet predict --model " + package_.string() + " --segments --embeddings " + emb.string() + " -o " +
                (dir_ / "rows.csv").string() + inputs(),
            1);
  const auto tracks = rows_of(read_npy(emb));
  const auto index = fixtures::read_csv(dir_ / "out" / "emb.csv");
  const auto segments = rows_of(read_npy(dir_ / "out" / "emb.segments.npy"));
  const auto segment_index = fixtures::read_csv(dir_ / "out" / "emb.segments.csv");
  ASSERT_EQ(tracks.size(0), static_cast<int64_t>(files_.size()));
  ASSERT_EQ(index.size(), files_.size());
  ASSERT_EQ(segments.size(0), static_cast<int64_t>(segment_index.size()));

  std::map<std::string, int64_t> row_of;
  for (const auto& r : index) row_of[r.at("path")] = std::stoll(r.at("row"));
  int64_t segment_rows = 0;
  for (const auto& file : files_) {
    ASSERT_TRUE(row_of.count(file.string())) << file;
    const int64_t row = row_of[file.string()];
    const auto expected = direct_embeddings(file);
    EXPECT_EQ(std::stoll(index[static_cast<std::size_t>(row)].at("segments")), expected.size(0));
    EXPECT_EQ(tracks.size(1), expected.size(1));
    EXPECT_LT((tracks[row] - expected.mean(0)).abs().max().item<float>(), 1e-5f) << file;
    // Its segments, in time order.
    std::vector<int64_t> mine;
    for (const auto& s : segment_index) {
      if (s.at("path") == file.string()) {
        EXPECT_EQ(std::stoll(s.at("track_row")), row);
        mine.push_back(std::stoll(s.at("row")));
      }
    }
    ASSERT_EQ(static_cast<int64_t>(mine.size()), expected.size(0)) << file;
    for (std::size_t k = 0; k < mine.size(); ++k)
      EXPECT_LT((segments[mine[k]] - expected[static_cast<int64_t>(k)]).abs().max().item<float>(), 1e-5f) << file << " " << k;
    segment_rows += expected.size(0);
  }
  EXPECT_EQ(segments.size(0), segment_rows);

  // numpy reads the streamed files as they are.
  if (test::run_command("/usr/bin/python3 -c 'import numpy'") == 0) {
    std::string out;
    EXPECT_EQ(test::run_command("/usr/bin/python3 -c \"import numpy; a = numpy.load('" + emb.string() +
                                    "'); print(a.dtype, a.shape)\"",
                                &out),
              0)
        << out;
    EXPECT_NE(out.find("float32 (3, " + std::to_string(tracks.size(1)) + ")"), std::string::npos) << out;
  }
}

TEST_F(Embeddings, ResumeCompletesTheFilesWithoutDuplicates) {
  const auto emb = dir_ / "emb.npy";
  const auto rows = dir_ / "rows.csv";
  const std::string common = "--quiet predict --model " + package_.string() + " --threads 1 --embeddings " + emb.string() +
                             " -o " + rows.string();
  run_jaams(common + " " + files_[0].string() + " " + files_[1].string());
  const auto first = rows_of(read_npy(emb));
  ASSERT_EQ(first.size(0), 2);
  // As if the run had been killed after the second track's embedding, before its row: predict's
  // output keeps its header and the first track's row only.
  {
    std::istringstream lines(test::slurp(rows));
    std::string header, row;
    std::getline(lines, header);
    std::getline(lines, row);
    std::ofstream(rows, std::ios::trunc) << header << "\n" << row << "\n";
  }
  run_jaams(common + " --resume" + inputs(), 1);
  const auto tracks = rows_of(read_npy(emb));
  const auto index = fixtures::read_csv(dir_ / "emb.csv");
  ASSERT_EQ(tracks.size(0), static_cast<int64_t>(files_.size()));
  ASSERT_EQ(index.size(), files_.size());
  std::set<std::string> paths;
  for (std::size_t i = 0; i < index.size(); ++i) {
    EXPECT_EQ(index[i].at("row"), std::to_string(i));
    paths.insert(index[i].at("path"));
  }
  EXPECT_EQ(paths.size(), files_.size());
  EXPECT_EQ(index[0].at("path"), files_[0].string());
  EXPECT_TRUE(torch::equal(tracks[0], first[0]));
  // The second track, done again, has the same vector.
  EXPECT_EQ(index[1].at("path"), files_[1].string());
  EXPECT_LT((tracks[1] - first[1]).abs().max().item<float>(), 1e-6f);
  EXPECT_EQ(fixtures::read_csv(rows).size(), files_.size() + 1);  // the broken file's row too
}

TEST_F(Embeddings, ResumeOfARunWithoutThemStartsThem) {
  const auto emb = dir_ / "emb.npy";
  const std::string common = "--quiet predict --model " + package_.string() + " -o " + (dir_ / "rows.csv").string();
  run_jaams(common + " " + files_[0].string());
  run_jaams(common + " --resume --embeddings " + emb.string() + " " + files_[0].string() + " " + files_[1].string());
  const auto index = fixtures::read_csv(dir_ / "emb.csv");
  ASSERT_EQ(index.size(), 1u);  // the track done before has no embedding; the new one has
  EXPECT_EQ(index[0].at("path"), files_[1].string());
  EXPECT_EQ(read_npy(emb).shape[0], 1u);
}

TEST(EmbeddingsOfEveryModel, HaveTheSizeOfThePenultimateLayer) {
  test::TempDir dir;
  for (const std::string name : {"ann", "alexcnn", "cnn", "pcnn", "stats"}) {
    fixtures::PackageRecipe recipe;
    recipe.model = name;
    recipe.height = recipe.pipeline.image.height = 96;  // AlexNet's poolings need at least 95x95
    recipe.width = recipe.pipeline.image.width = 128;
    const auto package = dir / (name + ".jaams");
    fixtures::write_package(package, recipe);
    const auto file = dir / "a.wav";
    test::write_audio(file, fixtures::music(4.0, 22050, 1), 22050);
    const auto emb = dir / (name + ".npy");
    run_jaams("--quiet predict --model " + package.string() + " --embeddings " + emb.string() + " " + file.string());
    const auto a = read_npy(emb);
    ASSERT_EQ(a.shape.size(), 2u) << name;
    EXPECT_EQ(a.shape[0], 1u) << name;
    EXPECT_EQ(a.shape[1], 16u) << name;  // each fixture's penultimate layer has 16 units
  }
}

}  // namespace
}  // namespace jaams::predict
