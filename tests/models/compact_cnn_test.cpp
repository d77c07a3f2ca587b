// compact_cnn, the music-pretrained backbone: the shipped conversion against the reference numbers of
// an independent port (../shared/models/compact_cnn/reference, skipped when absent), its frozen
// batch-norm statistics, and its weights loader.
#include <torch/script.h>
#include <torch/torch.h>

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "jaams/models/compact_cnn.hpp"
#include "jaams/util/npy.hpp"
#include "test_support.hpp"

namespace jaams::models {
namespace {

namespace fs = std::filesystem;
using test::error_of;

constexpr const char* kShipped = JAAMS_SOURCE_DIR "/models/compact_cnn/compact_cnn.pt";
constexpr const char* kPython = "/usr/bin/python3";
const std::vector<std::string> kClips{"blues.00000", "classical.00003", "metal.00005"};

fs::path reference_dir() {
  const fs::path p = JAAMS_SOURCE_DIR "/../shared/models/compact_cnn/reference";
  std::error_code ec;
  return fs::is_regular_file(p / "bn_mean.npy", ec) ? fs::canonical(p) : fs::path();
}

#define REQUIRE_REFERENCE()                                                                   \
  do {                                                                                        \
    if (reference_dir().empty()) GTEST_SKIP() << "compact_cnn reference numbers not found"; \
  } while (0)

torch::Tensor load_npy(const fs::path& path) {
  auto a = read_npy(path);
  std::vector<int64_t> shape(a.shape.begin(), a.shape.end());
  return torch::from_blob(a.data.data(), shape, torch::kFloat).clone();
}

CompactCnn shipped() {
  CompactCnn model;
  model->load_weights(kShipped);
  return model;
}

CompactCnn shipped_with_reference_statistics() {
  auto model = shipped();
  model->set_batchnorm_statistics(load_npy(reference_dir() / "bn_mean.npy"), load_npy(reference_dir() / "bn_var.npy"));
  return model;
}

// [1, 1, 96, 1360]
torch::Tensor reference_melgram(const std::string& clip) {
  return load_npy(reference_dir() / (clip + ".melgram_db.npy")).view({1, 1, 96, 1360});
}

// Melgram-like inputs: dB in [-80, 0] with a few spectral peaks and time structure per input.
torch::Tensor synthetic_melgrams(int64_t n, int64_t frames = CompactCnnImpl::kFrames, uint64_t seed = 1) {
  auto gen = at::detail::createCPUGenerator(seed);
  const auto f = torch::arange(96, torch::kFloat).view({1, 1, 96, 1});
  const auto t = torch::arange(frames, torch::kFloat).view({1, 1, 1, frames});
  const auto base = torch::rand({n, 1, 1, 1}, gen) * 40 + 20;
  const auto slope = torch::rand({n, 1, 1, 1}, gen) * 0.5;
  const auto rate = torch::rand({n, 1, 1, 1}, gen) * 0.2 + 0.01;
  const auto noise = torch::randn({n, 1, 96, frames}, gen) * 6;
  auto x = -base - slope * f + 10 * torch::sin(rate * t) * torch::cos(f / 7) + noise;
  x = x - std::get<0>(x.flatten(1).max(1)).view({n, 1, 1, 1});  // 0 dB at each input's maximum
  return x.clamp_min(-80);
}

// A TorchScript tensor file like the conversion scripts write, made by hand.
void write_tensor_file(const fs::path& path, const std::string& format, const std::map<std::string, torch::Tensor>& tensors,
                       const std::map<std::string, std::string>& strings = {}) {
  torch::jit::Module m("__torch__.TensorFile");
  c10::Dict<std::string, at::Tensor> t;
  for (const auto& [k, v] : tensors) t.insert(k, v);
  c10::Dict<std::string, std::string> s;
  for (const auto& [k, v] : strings) s.insert(k, v);
  m.register_attribute("format", c10::StringType::get(), format);
  m.register_attribute("source", c10::StringType::get(), std::string("a test"));
  m.register_attribute("tensors", c10::DictType::create(c10::StringType::get(), c10::TensorType::get()), t);
  m.register_attribute("strings", c10::DictType::create(c10::StringType::get(), c10::StringType::get()), s);
  m.save(path.string());
}

// The shipped file's tensors and strings, to make variants of it.
std::pair<std::map<std::string, torch::Tensor>, std::map<std::string, std::string>> shipped_contents() {
  auto file = torch::jit::load(kShipped);
  std::map<std::string, torch::Tensor> tensors;
  for (const auto& item : file.attr("tensors").toGenericDict()) {
    tensors.emplace(item.key().toStringRef(), item.value().toTensor());
  }
  std::map<std::string, std::string> strings;
  for (const auto& item : file.attr("strings").toGenericDict()) {
    strings.emplace(item.key().toStringRef(), item.value().toStringRef());
  }
  return {tensors, strings};
}

double max_relative_difference(const torch::Tensor& a, const torch::Tensor& b) {
  return ((a.to(torch::kDouble) - b.to(torch::kDouble)).abs() / b.to(torch::kDouble).abs().clamp_min(1e-12))
      .max()
      .item<double>();
}

TEST(CompactCnnPort, MatchesTheReferenceFeaturesAndTags) {
  REQUIRE_REFERENCE();
  auto model = shipped_with_reference_statistics();
  double feature_error = 0, tag_error = 0;
  for (const auto& clip : kClips) {
    const auto melgram = reference_melgram(clip);
    const auto features = model->features(melgram);
    const auto tags = model->tags(melgram);
    ASSERT_EQ(features.sizes(), (std::vector<int64_t>{1, 160}));
    ASSERT_EQ(tags.sizes(), (std::vector<int64_t>{1, 50}));
    const auto expected_features = load_npy(reference_dir() / (clip + ".features.npy"));
    const auto expected_tags = load_npy(reference_dir() / (clip + ".tags.npy"));
    const double fe = (features[0] - expected_features).abs().max().item<double>();
    const double te = (tags[0] - expected_tags).abs().max().item<double>();
    EXPECT_LT(fe, 1e-4) << clip;
    EXPECT_LT(te, 1e-4) << clip;
    // Agreement means something only when the numbers are far from trivial.
    EXPECT_GT(expected_features.abs().max().item<double>(), 0.1) << clip;
    feature_error = std::max(feature_error, fe);
    tag_error = std::max(tag_error, te);
  }
  std::cout << "max |features - reference| " << feature_error << ", max |tags - reference| " << tag_error << "\n";
}

TEST(CompactCnnPort, TheTheanoKernelsUnflippedDoNotMatch) {
  // The check above can tell the kernel orientation apart: un-flipping conv1 breaks the agreement.
  REQUIRE_REFERENCE();
  auto model = shipped_with_reference_statistics();
  {
    torch::NoGradGuard no_grad;
    auto w = model->named_parameters()["conv1.weight"];
    w.copy_(w.flip({2, 3}));
  }
  const auto features = model->features(reference_melgram("blues.00000"));
  const auto expected = load_npy(reference_dir() / "blues.00000.features.npy");
  EXPECT_GT((features[0] - expected).abs().max().item<double>(), 1e-2);
}

TEST(CompactCnnPort, TopTagsAreTheReferenceOnes) {
  REQUIRE_REFERENCE();
  std::ifstream in(reference_dir() / "top_tags.json");
  const auto top = nlohmann::json::parse(in).at("clips");
  auto model = shipped_with_reference_statistics();
  const auto& names = model->tag_names();
  for (const auto& clip : kClips) {
    const std::string genre = clip.substr(0, clip.find('.'));
    const auto& expected = top.at(genre + "/" + clip + ".wav");
    const auto tags = model->tags(reference_melgram(clip))[0];
    const auto order = std::get<1>(tags.sort(/*dim=*/0, /*descending=*/true));
    ASSERT_EQ(expected.size(), 5u);
    std::string got;
    for (size_t i = 0; i < expected.size(); ++i) {
      const int64_t index = order[static_cast<int64_t>(i)].item<int64_t>();
      EXPECT_EQ(names[index], expected[i][0].get<std::string>()) << clip << " rank " << i;
      EXPECT_NEAR(tags[index].item<double>(), expected[i][1].get<double>(), 1e-4) << clip << " " << names[index];
      got += names[index] + " " + std::to_string(tags[index].item<float>()).substr(0, 6) + ", ";
    }
    std::cout << clip << ": " << got << "\n";
  }
  // And they make musical sense.
  const auto index_of = [&](const std::string& tag) {
    return std::find(names.begin(), names.end(), tag) - names.begin();
  };
  EXPECT_EQ(model->tags(reference_melgram("blues.00000")).argmax(1).item<int64_t>(), index_of("blues"));
  EXPECT_EQ(model->tags(reference_melgram("classical.00003")).argmax(1).item<int64_t>(), index_of("instrumental"));
  const auto metal = model->tags(reference_melgram("metal.00005"))[0];
  EXPECT_GT(metal[index_of("heavy metal")].item<double>(), metal[index_of("pop")].item<double>());
}

TEST(CompactCnnPort, ClipsAreScoredAloneAsInABatch) {
  REQUIRE_REFERENCE();
  auto model = shipped_with_reference_statistics();
  std::vector<torch::Tensor> inputs;
  for (const auto& clip : kClips) inputs.push_back(reference_melgram(clip));
  const auto batch = model->features(torch::cat(inputs, 0));
  for (size_t i = 0; i < inputs.size(); ++i) {
    EXPECT_TRUE(torch::allclose(model->features(inputs[i])[0], batch[static_cast<int64_t>(i)], 1e-5, 1e-5)) << kClips[i];
  }
}

TEST(CompactCnnWeights, ShippedFileHasTheFiftyTags) {
  auto model = shipped();
  const auto& names = model->tag_names();
  ASSERT_EQ(names.size(), 50u);
  EXPECT_EQ(names.front(), "rock");
  EXPECT_EQ(names[26], "blues");
  EXPECT_EQ(names.back(), "happy");
  EXPECT_EQ(names, CompactCnn()->tag_names());  // the built-in list, for models loaded from a package
  const auto [tensors, strings] = shipped_contents();
  EXPECT_EQ(tensors.size(), 22u);
  EXPECT_EQ(tensors.at("tags.weight").sizes(), (std::vector<int64_t>{50, 32}));
  EXPECT_EQ(tensors.at("conv2.weight").sizes(), (std::vector<int64_t>{32, 32, 3, 3}));
  // Nothing trains in the backbone.
  for (const auto& p : model->parameters()) EXPECT_FALSE(p.requires_grad());
}

TEST(CompactCnnWeights, ImporterReproducesTheShippedFile) {
  const fs::path weights = JAAMS_SOURCE_DIR "/../shared/models/compact_cnn";
  std::string output;
  if (!fs::exists(weights / "weights_theano.hdf5") || !fs::exists(weights / "weights_tensorflow.hdf5")) {
    GTEST_SKIP() << "compact_cnn HDF5 weights not found";
  }
  if (!fs::exists(kPython) || test::run_command(std::string(kPython) + " -c 'import h5py, torch'", &output) != 0) {
    GTEST_SKIP() << "no h5py/torch for " << kPython;
  }
  test::TempDir dir;
  const auto out = dir / "compact_cnn.pt";
  const std::string command = std::string(kPython) + " " JAAMS_SOURCE_DIR "/scripts/import_compact_cnn.py '" +
                              out.string() + "' --theano '" + (weights / "weights_theano.hdf5").string() +
                              "' --tensorflow '" + (weights / "weights_tensorflow.hdf5").string() + "'";
  ASSERT_EQ(test::run_command(command, &output), 0) << output;
  const auto [expected, expected_strings] = shipped_contents();
  auto file = torch::jit::load(out.string());
  const auto tensors = file.attr("tensors").toGenericDict();
  ASSERT_EQ(tensors.size(), expected.size());
  for (const auto& [name, tensor] : expected) {
    EXPECT_TRUE(torch::equal(tensors.at(name).toTensor(), tensor)) << name;
  }
  EXPECT_EQ(file.attr("strings").toGenericDict().at("tag_names").toStringRef(), expected_strings.at("tag_names"));
  // The same bytes, too (the archive is named after the file, hence the same name).
  EXPECT_EQ(test::slurp(out), test::slurp(kShipped));

  // The Theano file alone gives the same network (its kernels flipped here instead).
  const std::string theano_only = std::string(kPython) + " " JAAMS_SOURCE_DIR "/scripts/import_compact_cnn.py '" +
                                  (dir / "theano.pt").string() + "' --theano '" +
                                  (weights / "weights_theano.hdf5").string() + "'";
  ASSERT_EQ(test::run_command(theano_only, &output), 0) << output;
  const auto theano = torch::jit::load((dir / "theano.pt").string()).attr("tensors").toGenericDict();
  for (const auto& [name, tensor] : expected) EXPECT_TRUE(torch::equal(theano.at(name).toTensor(), tensor)) << name;

  // A swapped pair would flip the kernels the wrong way: refused.
  const std::string swapped = std::string(kPython) + " " JAAMS_SOURCE_DIR "/scripts/import_compact_cnn.py '" +
                              (dir / "x.pt").string() + "' --theano '" + (weights / "weights_tensorflow.hdf5").string() +
                              "' --tensorflow '" + (weights / "weights_theano.hdf5").string() + "'";
  EXPECT_NE(test::run_command(swapped, &output), 0);
  EXPECT_NE(output.find("swap --theano and --tensorflow"), std::string::npos) << output;
  EXPECT_FALSE(fs::exists(dir / "x.pt"));
}

TEST(CompactCnnWeights, MissingFileIsNamed) {
  test::TempDir dir;
  const auto path = dir / "compact_cnn.pt";
  CompactCnn model;
  const auto message = error_of([&] { model->load_weights(path); });
  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  EXPECT_NE(message.find("no such file"), std::string::npos) << message;
  EXPECT_NE(message.find("import_compact_cnn.py"), std::string::npos) << message;
}

TEST(CompactCnnWeights, ForeignFilesAreRefused) {
  test::TempDir dir;
  CompactCnn model;

  const auto bytes = dir / "weights_theano.hdf5";  // the usual mistake: the unconverted Keras file
  std::ofstream(bytes, std::ios::binary) << "\x89HDF\r\n\x1a\n not really";
  auto message = error_of([&] { model->load_weights(bytes); });
  EXPECT_NE(message.find(bytes.string()), std::string::npos) << message;
  EXPECT_NE(message.find("not a TorchScript file"), std::string::npos) << message;

  const auto alexnet = dir / "alexnet_features.pt";  // a tensor file of another kind
  write_tensor_file(alexnet, "jaams-alexnet-features-v1", {{"features.0.weight", torch::zeros({64, 3, 11, 11})}});
  message = error_of([&] { model->load_weights(alexnet); });
  EXPECT_NE(message.find(alexnet.string()), std::string::npos) << message;
  EXPECT_NE(message.find("expected format jaams-compact-cnn-v1"), std::string::npos) << message;
  EXPECT_NE(message.find("found jaams-alexnet-features-v1"), std::string::npos) << message;

  const auto tensor = dir / "tensor.pt";  // LibTorch, but no tensor file at all
  torch::save(torch::zeros({3}), tensor.string());
  message = error_of([&] { model->load_weights(tensor); });
  EXPECT_NE(message.find(tensor.string()), std::string::npos) << message;
  EXPECT_NE(message.find("import_compact_cnn.py"), std::string::npos) << message;
}

TEST(CompactCnnWeights, MismatchedTensorsAreNamed) {
  test::TempDir dir;
  CompactCnn model;
  const auto [tensors, strings] = shipped_contents();
  const auto path = dir / "variant.pt";
  const auto before = model->named_parameters()["conv1.weight"].clone();
  const auto refused = [&](const std::map<std::string, torch::Tensor>& t, const std::map<std::string, std::string>& s) {
    write_tensor_file(path, "jaams-compact-cnn-v1", t, s);
    return error_of([&] { model->load_weights(path); });
  };

  auto variant = tensors;
  variant["conv3.weight"] = torch::zeros({32, 32, 5, 5});
  auto message = refused(variant, strings);
  EXPECT_NE(message.find("conv3.weight has shape [32, 32, 5, 5], expected [32, 32, 3, 3]"), std::string::npos)
      << message;

  variant = tensors;
  variant.erase("tags.bias");
  message = refused(variant, strings);
  EXPECT_NE(message.find("lacks tensor tags.bias"), std::string::npos) << message;

  variant = tensors;
  variant["bn1.running_mean"] = torch::zeros({32});  // the Keras statistics must not come back
  message = refused(variant, strings);
  EXPECT_NE(message.find("bn1.running_mean does not belong"), std::string::npos) << message;

  variant = tensors;
  variant["bn2.weight"] = torch::ones({32}, torch::kDouble);
  message = refused(variant, strings);
  EXPECT_NE(message.find("bn2.weight is Double, expected float32"), std::string::npos) << message;

  message = refused(tensors, {{"tag_names", "rock\npop"}});
  EXPECT_NE(message.find("tag_names holds 2 lines"), std::string::npos) << message;
  message = refused(tensors, {});
  EXPECT_NE(message.find("lacks string tag_names"), std::string::npos) << message;
  // A refused file leaves the model as it was: nothing copied from a half-checked file.
  EXPECT_TRUE(torch::equal(model->named_parameters()["conv1.weight"], before));
}

TEST(CompactCnnStatistics, AreRequiredAndClearedByNewWeights) {
  auto model = shipped();
  const auto x = synthetic_melgrams(1);
  EXPECT_FALSE(model->has_batchnorm_statistics());
  auto message = error_of([&] { model->features(x); });
  EXPECT_NE(message.find("batch-norm statistics are not set"), std::string::npos) << message;
  EXPECT_THROW(model->tags(x), Error);

  model->set_batchnorm_statistics(torch::zeros({5, 32}), torch::ones({5, 32}));
  EXPECT_TRUE(model->has_batchnorm_statistics());
  EXPECT_EQ(model->features(x).sizes(), (std::vector<int64_t>{1, 160}));
  model->load_weights(kShipped);
  EXPECT_FALSE(model->has_batchnorm_statistics());

  message = error_of([&] { model->set_batchnorm_statistics(torch::zeros({5, 31}), torch::ones({5, 32})); });
  EXPECT_NE(message.find("[5, 32]"), std::string::npos) << message;
  EXPECT_THROW(model->set_batchnorm_statistics(torch::zeros({5, 32}), -torch::ones({5, 32})), Error);
  EXPECT_THROW(model->set_batchnorm_statistics(torch::full({5, 32}, NAN), torch::ones({5, 32})), Error);
  EXPECT_FALSE(model->has_batchnorm_statistics());
}

TEST(CompactCnnStatistics, FitFollowsTheLayerByLayerDefinition) {
  // An independent, unfused implementation of the reference README's procedure, over the whole
  // set at once: each block's statistics are the mean and biased variance of its convolution
  // output, the block then normalised with them (BN, ELU, max-pool) to feed the next.
  auto model = shipped();
  const auto x = synthetic_melgrams(3);
  model->fit_batchnorm_statistics(x, 2);
  ASSERT_TRUE(model->has_batchnorm_statistics());
  const auto mean = model->batchnorm_mean();
  const auto var = model->batchnorm_var();

  auto params = model->named_parameters();
  const std::vector<std::vector<int64_t>> pools{{2, 4}, {3, 4}, {2, 5}, {2, 4}, {4, 4}};
  torch::NoGradGuard no_grad;
  auto h = x;
  for (int k = 0; k < 5; ++k) {
    const std::string n = std::to_string(k + 1);
    const auto y = torch::conv2d(h, params["conv" + n + ".weight"], params["conv" + n + ".bias"], 1, 1).to(torch::kDouble);
    const auto m = y.mean({0, 2, 3});
    const auto v = (y - m.view({1, -1, 1, 1})).pow(2).mean({0, 2, 3});
    // Means near 0 are compared in units of the channel's standard deviation. The tolerance
    // allows for the fused and unfused paths rounding differently; a wrong definition is off by %.
    const auto mean_error = ((mean[k].to(torch::kDouble) - m).abs() / v.sqrt()).max().item<double>();
    EXPECT_LT(mean_error, 1e-4) << "block " << n;
    EXPECT_LT(max_relative_difference(var[k], v), 1e-4) << "block " << n;
    const auto normalised = torch::batch_norm(y.to(torch::kFloat), params["bn" + n + ".weight"], params["bn" + n + ".bias"],
                                              m.to(torch::kFloat), v.to(torch::kFloat), /*training=*/false, 0.0, 1e-3,
                                              /*cudnn_enabled=*/false);
    h = torch::max_pool2d(torch::elu(normalised), pools[k], pools[k]);
    // The frozen network gives the same pooled averages as this implementation.
    EXPECT_TRUE(torch::allclose(model->features(x).narrow(1, 32 * k, 32), h.mean({2, 3}), 1e-4, 1e-5)) << "block " << n;
  }
}

TEST(CompactCnnStatistics, FitDoesNotDependOnTheBatchSize) {
  auto model = shipped();
  const auto x = synthetic_melgrams(5, CompactCnnImpl::kFrames, 7);
  model->fit_batchnorm_statistics(x, 5);
  const auto mean = model->batchnorm_mean();
  const auto var = model->batchnorm_var();
  for (int batch : {1, 2, 3, 16}) {
    model->fit_batchnorm_statistics(x, batch);
    const auto mean_error = ((model->batchnorm_mean() - mean).abs() / var.sqrt()).max().item<double>();
    const double var_error = max_relative_difference(model->batchnorm_var(), var);
    EXPECT_LT(mean_error, 1e-5) << "batch " << batch;
    EXPECT_LT(var_error, 1e-5) << "batch " << batch;
    std::cout << "batch " << batch << ": mean differs by " << mean_error << " sd, var by " << var_error << "\n";
  }
  EXPECT_GT(var.min().item<double>(), 0.0);
  EXPECT_THROW(model->fit_batchnorm_statistics(x, 0), Error);
  EXPECT_THROW(model->fit_batchnorm_statistics(x.narrow(0, 0, 0), 4), Error);
}

TEST(CompactCnnStatistics, EachInputIsScoredAlone) {
  auto model = shipped();
  const auto x = synthetic_melgrams(5, CompactCnnImpl::kFrames, 3);
  model->fit_batchnorm_statistics(x, 2);
  model->train();  // frozen statistics whatever the mode: never the batch's own
  const auto batch = model->features(x);
  const auto batch_tags = model->tags(x);
  for (int64_t i = 0; i < x.size(0); ++i) {
    const auto alone = model->features(x.narrow(0, i, 1));
    EXPECT_TRUE(torch::allclose(alone[0], batch[i], 1e-5, 1e-5)) << "input " << i;
    EXPECT_TRUE(torch::allclose(model->tags(x.narrow(0, i, 1))[0], batch_tags[i], 1e-5, 1e-5)) << "input " << i;
  }
  // In a batch of other inputs, too.
  const auto other = synthetic_melgrams(3, CompactCnnImpl::kFrames, 11);
  const auto mixed = model->features(torch::cat({other, x.narrow(0, 2, 1)}, 0));
  EXPECT_TRUE(torch::allclose(mixed[3], batch[2], 1e-5, 1e-5));
  // Different inputs give different features: the statistics did not wash them out.
  EXPECT_GT((batch[0] - batch[1]).abs().max().item<double>(), 1e-2);
  EXPECT_FALSE(batch.requires_grad());
}

TEST(CompactCnnStatistics, CpuKernelsMatchTheGenericPath) {
  // Block 1 runs on hand-written CPU kernels for float; in double (as on other devices) it is
  // LibTorch's conv2d and max_pool2d, which must give the same numbers.
  auto model = shipped();
  const auto x = synthetic_melgrams(3, 1283, 5);  // a length the pools do not divide
  model->fit_batchnorm_statistics(x, 2);
  const auto mean = model->batchnorm_mean();
  const auto var = model->batchnorm_var();
  const auto features = model->features(x);
  const auto tags = model->tags(x);
  model->to(torch::kDouble);
  EXPECT_LT(((model->batchnorm_mean() - mean).abs() / var.sqrt()).max().item<double>(), 1e-5);
  EXPECT_LT(max_relative_difference(model->batchnorm_var(), var), 1e-5);
  EXPECT_TRUE(torch::allclose(model->features(x).to(torch::kFloat), features, 1e-4, 1e-5));
  model->fit_batchnorm_statistics(x, 3);
  EXPECT_LT(((model->batchnorm_mean() - mean).abs() / var.sqrt()).max().item<double>(), 1e-5);
  EXPECT_LT(max_relative_difference(model->batchnorm_var(), var), 1e-5);
  EXPECT_TRUE(torch::allclose(model->features(x).to(torch::kFloat), features, 1e-4, 1e-5));
  EXPECT_TRUE(torch::allclose(model->tags(x).to(torch::kFloat), tags, 1e-4, 1e-6));
}

TEST(CompactCnnStatistics, AreBuffersThatTravelWithTheModel) {
  auto model = shipped();
  const auto x = synthetic_melgrams(2);
  model->fit_batchnorm_statistics(x, 2);
  std::set<std::string> buffers;
  for (const auto& b : model->named_buffers()) buffers.insert(b.key());
  for (int k = 1; k <= 5; ++k) {
    EXPECT_TRUE(buffers.count("bn" + std::to_string(k) + ".running_mean"));
    EXPECT_TRUE(buffers.count("bn" + std::to_string(k) + ".running_var"));
  }
  test::TempDir dir;
  torch::save(model, (dir / "model.pt").string());
  CompactCnn loaded;  // as a package loads it: no weights file read
  torch::load(loaded, (dir / "model.pt").string());
  EXPECT_TRUE(loaded->has_batchnorm_statistics());
  EXPECT_TRUE(torch::equal(loaded->features(x), model->features(x)));
  EXPECT_TRUE(torch::equal(loaded->tags(x), model->tags(x)));
}

TEST(CompactCnnInput, OtherLengthsAndBadShapes) {
  auto model = shipped();
  model->set_batchnorm_statistics(torch::zeros({5, 32}), torch::full({5, 32}, 100.0));
  EXPECT_EQ(model->features(synthetic_melgrams(2, 1280)).sizes(), (std::vector<int64_t>{2, 160}));
  EXPECT_EQ(model->tags(synthetic_melgrams(1, 2600)).sizes(), (std::vector<int64_t>{1, 50}));
  EXPECT_EQ(model->features(torch::zeros({0, 1, 96, 1360})).sizes(), (std::vector<int64_t>{0, 160}));
  // Double input is converted; the result is float.
  EXPECT_EQ(model->features(synthetic_melgrams(1).to(torch::kDouble)).scalar_type(), torch::kFloat);

  auto message = error_of([&] { model->features(synthetic_melgrams(1, 1279)); });
  EXPECT_NE(message.find("T >= 1280"), std::string::npos) << message;
  EXPECT_NE(message.find("[1, 1, 96, 1279]"), std::string::npos) << message;
  EXPECT_THROW(model->features(torch::zeros({1, 96, 1360})), Error);
  EXPECT_THROW(model->features(torch::zeros({1, 1, 128, 1360})), Error);
  EXPECT_THROW(model->features(torch::zeros({1, 1, 96, 1360}, torch::kLong)), Error);
  EXPECT_THROW(model->tags(torch::Tensor()), Error);
  EXPECT_THROW(model->fit_batchnorm_statistics(torch::zeros({2, 2, 96, 1360}), 2), Error);
}

}  // namespace
}  // namespace jaams::models
