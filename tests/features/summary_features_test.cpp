// SummaryFeatureExtractor against librosa 0.11 (tests/fixtures/librosa, made by
// scripts/make_librosa_fixtures.py), and the properties its descriptors have on signals whose
// answer is known.
#include "jaams/features/summary_features.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <thread>

#include "jaams/features/feature_extractor.hpp"
#include "jaams/util/error.hpp"
#include "librosa_fixtures.hpp"
#include "npy.hpp"
#include "test_support.hpp"

namespace jaams::features {
namespace {

using test::kFrames;

constexpr int kSr = 22050;

// Worst errors of one signal, printed so a run shows how close each descriptor is.
struct Report {
  std::string line;
  void add(const char* name, double value) {
    char buf[64];
    std::snprintf(buf, sizeof buf, " %s %.2e", name, value);
    line += buf;
  }
};

// The tolerance of statistic i (the order of statistic_names): 0.05 absolute for the entries
// derived from dB values (MFCC, deltas, contrast), else 1e-3 relative (with a floor for values
// that are near 0 by nature, such as a std of 0).
double statistic_tolerance(int i, double reference) {
  const std::string& name = SummaryFeatureExtractor::statistic_names()[i];
  if (name.rfind("mfcc", 0) == 0 || name.rfind("contrast", 0) == 0) return 0.05;
  return 1e-3 * std::abs(reference) + 1e-6;
}

void expect_summary_parity(const std::string& signal, const std::vector<float>& y) {
  SummaryFeatureExtractor extractor(FeatureConfig{});
  const Descriptors d = extractor.descriptors(y.data(), y.size());
  const auto ref = [&](const std::string& kind) {
    return test::read_npy(test::librosa_fixture(signal + "_" + kind + ".npy"));
  };
  Report report;

  EXPECT_NEAR(d.tuning, ref("tuning").values.at(0), 1e-9) << signal << ": estimated tuning";

  // In dB (or dB per frame): absolute errors.
  const double mfcc = test::deviation(d.mfcc, ref("mfcc"), signal + " mfcc").max_abs;
  EXPECT_LE(mfcc, 0.05) << signal << ": max |mfcc - librosa|";
  report.add("mfcc", mfcc);
  const double delta = test::deviation(d.mfcc_delta, ref("mfcc_delta"), signal + " mfcc_delta").max_abs;
  EXPECT_LE(delta, 0.05) << signal << ": max |mfcc delta - librosa|";
  report.add("delta", delta);
  const double contrast = test::deviation(d.contrast, ref("contrast"), signal + " contrast").max_abs;
  EXPECT_LE(contrast, 0.05) << signal << ": max |contrast - librosa| in dB";
  report.add("contrast", contrast);

  // Linear quantities: max error relative to the matrix's largest value.
  const double chroma = test::deviation(d.chroma, ref("chroma"), signal + " chroma").relative_to_max;
  EXPECT_LE(chroma, 1e-3) << signal << ": chroma";
  report.add("chroma", chroma);
  const double centroid = test::deviation(d.centroid, ref("centroid"), signal + " centroid").relative_to_max;
  EXPECT_LE(centroid, 1e-3) << signal << ": centroid";
  report.add("centroid", centroid);
  const double bandwidth = test::deviation(d.bandwidth, ref("bandwidth"), signal + " bandwidth").relative_to_max;
  EXPECT_LE(bandwidth, 1e-3) << signal << ": bandwidth";
  report.add("bandwidth", bandwidth);
  const double zcr = test::deviation(d.zcr, ref("zcr"), signal + " zcr").relative_to_max;
  EXPECT_LE(zcr, 1e-3) << signal << ": zero-crossing rate";
  report.add("zcr", zcr);
  const double rms = test::deviation(d.rms, ref("rms"), signal + " rms").relative_to_max;
  EXPECT_LE(rms, 1e-3) << signal << ": rms";
  report.add("rms", rms);

  // Roll-off is a bin frequency: a frame whose running sum meets the threshold within float32
  // rounding may land one bin (10.8 Hz) away; any other frame must be the same bin.
  const test::NpyArray rolloff = ref("rolloff");
  ASSERT_EQ(rolloff.values.size(), static_cast<std::size_t>(d.rolloff.cols));
  const double bin_hz = kSr / 2048.0;
  int off_by_a_bin = 0;
  double rolloff_err = 0.0;
  double rolloff_peak = 0.0;
  for (int t = 0; t < d.rolloff.cols; ++t) {
    const double err = std::abs(d.rolloff.at(0, t) - rolloff.values[t]);
    rolloff_err = std::max(rolloff_err, err);
    rolloff_peak = std::max(rolloff_peak, std::abs(rolloff.values[t]));
    if (err > 1e-3 * bin_hz) {
      EXPECT_LE(err, bin_hz * 1.001) << signal << ": roll-off of frame " << t;
      ++off_by_a_bin;
    }
  }
  EXPECT_LE(off_by_a_bin, 2) << signal << ": frames whose roll-off is one bin off";
  report.add("rolloff", rolloff_err / rolloff_peak);

  const test::NpyArray stats = ref("stats");
  const std::vector<float> mine = SummaryFeatureExtractor::statistics(d);
  ASSERT_EQ(stats.values.size(), static_cast<std::size_t>(SummaryFeatureExtractor::kStatistics));
  ASSERT_EQ(mine.size(), stats.values.size());
  double worst = 0.0;  // in units of each entry's tolerance
  for (std::size_t i = 0; i < mine.size(); ++i) {
    const double tolerance = statistic_tolerance(static_cast<int>(i), stats.values[i]);
    EXPECT_NEAR(mine[i], stats.values[i], tolerance) << signal << ": " << SummaryFeatureExtractor::statistic_names()[i];
    worst = std::max(worst, std::abs(mine[i] - stats.values[i]) / tolerance);
  }
  report.add("stats/tol", worst);
  std::printf("%-12s%s\n", signal.c_str(), report.line.c_str());
}

TEST(SummaryParity, SharpToneWithSilence) { expect_summary_parity("tone_sharp", test::pcm16_fixture("tone_sharp")); }

TEST(SummaryParity, FlatChordChirpAndNoise) {
  expect_summary_parity("chord_chirp", test::pcm16_fixture("chord_chirp"));
}

TEST(SummaryParity, GtzanBlues) {
  JAAMS_REQUIRE_GTZAN_MINI();
  expect_summary_parity("blues00000", test::gtzan_segment("blues/blues.00000.wav"));
}

TEST(SummaryParity, GtzanMetal) {
  JAAMS_REQUIRE_GTZAN_MINI();
  expect_summary_parity("metal00003", test::gtzan_segment("metal/metal.00003.wav"));
}

// A silent segment: every value finite, and the statistics librosa gives (MFCC 0 is the -100 dB
// floor times sqrt(128), the rest 0).
TEST(SummaryParity, SilenceGivesLibrosasFiniteStatistics) {
  SummaryFeatureExtractor extractor(FeatureConfig{});
  const std::vector<float> y(test::kSegment, 0.0f);
  const std::vector<float> stats = extractor.statistics(y.data(), y.size());
  const test::NpyArray ref = test::read_npy(test::librosa_fixture("silence_stats.npy"));
  ASSERT_EQ(stats.size(), ref.values.size());
  for (std::size_t i = 0; i < stats.size(); ++i) {
    EXPECT_TRUE(std::isfinite(stats[i])) << SummaryFeatureExtractor::statistic_names()[i];
    EXPECT_NEAR(stats[i], ref.values[i], statistic_tolerance(static_cast<int>(i), ref.values[i]))
        << SummaryFeatureExtractor::statistic_names()[i];
  }
  EXPECT_NEAR(stats[0], -100.0 * std::sqrt(128.0), 1e-3);
}

TEST(SummaryFeatures, ShapesFollowTheFrames) {
  SummaryFeatureExtractor extractor(FeatureConfig{});
  const std::vector<float> y = test::sine(440.0, 10.0, kSr);
  const Descriptors d = extractor.descriptors(y.data(), y.size());
  const std::pair<const Matrix*, int> shapes[] = {{&d.mfcc, 20},    {&d.mfcc_delta, 20}, {&d.chroma, 12},
                                                  {&d.centroid, 1}, {&d.bandwidth, 1},   {&d.rolloff, 1},
                                                  {&d.contrast, 7}, {&d.zcr, 1},         {&d.rms, 1}};
  for (const auto& [m, rows] : shapes) {
    EXPECT_EQ(m->rows, rows);
    EXPECT_EQ(m->cols, kFrames);
    EXPECT_EQ(m->data.size(), static_cast<std::size_t>(rows) * kFrames);
  }
}

TEST(SummaryFeatures, StatisticNamesAreUniqueAndInTheDocumentedOrder) {
  const auto& names = SummaryFeatureExtractor::statistic_names();
  ASSERT_EQ(names.size(), static_cast<std::size_t>(SummaryFeatureExtractor::kStatistics));
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size());
  EXPECT_EQ(names[0], "mfcc_mean_0");
  EXPECT_EQ(names[19], "mfcc_mean_19");
  EXPECT_EQ(names[20], "mfcc_std_0");
  EXPECT_EQ(names[40], "mfcc_delta_mean_0");
  EXPECT_EQ(names[60], "mfcc_delta_std_0");
  EXPECT_EQ(names[80], "chroma_mean_0");
  EXPECT_EQ(names[92], "chroma_std_0");
  EXPECT_EQ(names[104], "centroid_mean");
  EXPECT_EQ(names[105], "centroid_std");
  EXPECT_EQ(names[106], "bandwidth_mean");
  EXPECT_EQ(names[108], "rolloff_mean");
  EXPECT_EQ(names[110], "contrast_mean_0");
  EXPECT_EQ(names[117], "contrast_std_0");
  EXPECT_EQ(names[124], "zcr_mean");
  EXPECT_EQ(names[125], "zcr_std");
  EXPECT_EQ(names[126], "rms_mean");
  EXPECT_EQ(names[127], "rms_std");
}

// statistics() is the mean and population std of each descriptor row, in the documented order.
TEST(SummaryFeatures, StatisticsAreRowMeansAndPopulationStds) {
  SummaryFeatureExtractor extractor(FeatureConfig{});
  const std::vector<float> y = test::sine(1000.0, 3.0, kSr, 0.3f);
  const Descriptors d = extractor.descriptors(y.data(), y.size());
  const std::vector<float> stats = extractor.statistics(y.data(), y.size());
  const auto mean_std = [](const Matrix& m, int r) {
    double sum = 0.0;
    double squares = 0.0;
    for (int t = 0; t < m.cols; ++t) sum += m.at(r, t);
    const double mean = sum / m.cols;
    for (int t = 0; t < m.cols; ++t) squares += (m.at(r, t) - mean) * (m.at(r, t) - mean);
    return std::pair<double, double>(mean, std::sqrt(squares / m.cols));
  };
  const auto& names = SummaryFeatureExtractor::statistic_names();
  const auto at = [&](const std::string& name) {
    return stats[std::find(names.begin(), names.end(), name) - names.begin()];
  };
  EXPECT_NEAR(at("mfcc_mean_3"), mean_std(d.mfcc, 3).first, 1e-3);
  EXPECT_NEAR(at("mfcc_std_3"), mean_std(d.mfcc, 3).second, 1e-3);
  EXPECT_NEAR(at("mfcc_delta_std_1"), mean_std(d.mfcc_delta, 1).second, 1e-4);
  EXPECT_NEAR(at("chroma_mean_9"), mean_std(d.chroma, 9).first, 1e-6);
  EXPECT_NEAR(at("rolloff_std"), mean_std(d.rolloff, 0).second, 1e-2);
  EXPECT_NEAR(at("contrast_mean_6"), mean_std(d.contrast, 6).first, 1e-3);
  EXPECT_NEAR(at("rms_mean"), mean_std(d.rms, 0).first, 1e-7);
}

// A steady sine of amplitude a: rms a / sqrt(2) and 2 f / sr zero crossings per sample away from
// the ends; centroid and roll-off near f, a narrow bandwidth; chroma peaks at its pitch class.
TEST(SummaryFeatures, SteadySineHasKnownDescriptors) {
  SummaryFeatureExtractor extractor(FeatureConfig{});
  const double f = 440.0 * std::pow(2.0, 3.0 / 12.0);  // C5
  const std::vector<float> y = test::sine(f, 5.0, kSr, 0.5f);
  const Descriptors d = extractor.descriptors(y.data(), y.size());
  for (int t = 10; t < d.rms.cols - 10; ++t) {
    EXPECT_NEAR(d.rms.at(0, t), 0.5 / std::sqrt(2.0), 2e-3) << t;
    EXPECT_NEAR(d.zcr.at(0, t), 2.0 * f / kSr, 2.0 / 2048) << t;
    EXPECT_NEAR(d.centroid.at(0, t), f, 0.02 * f) << t;
    EXPECT_NEAR(d.rolloff.at(0, t), f, 3 * kSr / 2048.0) << t;
    EXPECT_LT(d.bandwidth.at(0, t), 0.2 * f) << t;
    EXPECT_EQ(d.chroma.at(0, t), 1.0f) << t;    // C
    EXPECT_GT(d.contrast.at(2, t), 20.0) << t;  // the 400-800 Hz band holds the peak
  }
}

// A tone rising 20 dB per second: MFCC 0 grows, so its delta is positive; the first and last 4
// frames take the slope of the line fitted to the first / last 9 (interp mode).
TEST(SummaryFeatures, DeltasFollowARisingLevelAndHoldAtTheEdges) {
  SummaryFeatureExtractor extractor(FeatureConfig{});
  std::vector<float> y(3 * kSr);
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double t = static_cast<double>(i) / kSr;
    y[i] = static_cast<float>(std::pow(10.0, (t * 20.0 - 60.0) / 20.0) * std::sin(2 * M_PI * 700.0 * t));
  }
  const Descriptors d = extractor.descriptors(y.data(), y.size());
  for (int t = 20; t < d.mfcc_delta.cols - 20; ++t) EXPECT_GT(d.mfcc_delta.at(0, t), 0.0f) << t;
  for (int t = 0; t < 4; ++t) {
    EXPECT_EQ(d.mfcc_delta.at(3, t), d.mfcc_delta.at(3, 4));
    EXPECT_EQ(d.mfcc_delta.at(3, d.mfcc_delta.cols - 1 - t), d.mfcc_delta.at(3, d.mfcc_delta.cols - 5));
  }
}

// Chroma and centroid are FeatureExtractor's code on the float64-evaluated spectrogram (which
// differs from FeatureExtractor's float32 one in the last bits only).
TEST(SummaryFeatures, ChromaAndCentroidAgreeWithFeatureExtractor) {
  const std::vector<float> y = test::pcm16_fixture("chord_chirp");
  SummaryFeatureExtractor summary(FeatureConfig{});
  FeatureExtractor images(FeatureConfig{});
  const Descriptors d = summary.descriptors(y.data(), y.size());
  const Features f = images.compute(y.data(), y.size(), all_feature_kinds());
  EXPECT_EQ(d.tuning, f.tuning);
  ASSERT_EQ(d.chroma.data.size(), f.chroma.data.size());
  for (std::size_t i = 0; i < f.chroma.data.size(); ++i) ASSERT_NEAR(d.chroma.data[i], f.chroma.data[i], 1e-5) << i;
  ASSERT_EQ(d.centroid.data.size(), f.centroid.data.size());
  for (std::size_t i = 0; i < f.centroid.data.size(); ++i)
    ASSERT_NEAR(d.centroid.data[i], f.centroid.data[i], 1e-5 * f.centroid.data[i]) << i;
}

TEST(SummaryFeatures, AGivenTuningIsUsedForChroma) {
  FeatureConfig config;
  config.estimate_tuning = false;
  config.tuning = -0.17;
  SummaryFeatureExtractor extractor(config);
  const std::vector<float> y = test::pcm16_fixture("chord_chirp");
  const Descriptors d = extractor.descriptors(y.data(), y.size());
  EXPECT_EQ(d.tuning, -0.17);
  const test::NpyArray chroma = test::read_npy(test::librosa_fixture("chord_chirp_chroma.npy"));  // tuning -0.17
  EXPECT_LE(test::deviation(d.chroma, chroma, "chroma").max_abs, 1e-5);
}

TEST(SummaryFeatures, ReusingAnExtractorGivesTheSameValues) {
  SummaryFeatureExtractor extractor(FeatureConfig{});
  const std::vector<float> a = test::sine(300.0, 4.0, kSr);
  const std::vector<float> b = test::sine(3000.0, 2.0, kSr);
  const std::vector<float> first = extractor.statistics(a.data(), a.size());
  extractor.statistics(b.data(), b.size());
  EXPECT_EQ(extractor.statistics(a.data(), a.size()), first);
}

// One extractor per thread, made and used concurrently, gives what one alone gives.
TEST(SummaryFeatures, ConcurrentExtractorsAgreeWithASerialOne) {
  std::vector<std::vector<float>> signals;
  for (double hz : {220.0, 440.0, 880.0, 1760.0}) signals.push_back(test::sine(hz, 2.0, kSr));
  std::vector<std::vector<float>> expected;
  SummaryFeatureExtractor serial(FeatureConfig{});
  for (const auto& y : signals) expected.push_back(serial.statistics(y.data(), y.size()));
  std::vector<std::vector<float>> got(signals.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < signals.size(); ++i)
    threads.emplace_back([&, i] {
      SummaryFeatureExtractor mine(FeatureConfig{});
      got[i] = mine.statistics(signals[i].data(), signals[i].size());
    });
  for (auto& t : threads) t.join();
  for (std::size_t i = 0; i < signals.size(); ++i) EXPECT_EQ(got[i], expected[i]) << i;
}

TEST(SummaryFeatures, RejectsBadSignalsAndConfigs) {
  SummaryFeatureExtractor extractor(FeatureConfig{});
  std::vector<float> y(kSr, 0.1f);
  EXPECT_THROW(extractor.descriptors(y.data(), 0), Error);
  y[100] = std::nanf("");
  EXPECT_NE(test::error_of([&] { extractor.descriptors(y.data(), y.size()); }).find("NaN"), std::string::npos);
  // 8 frames: too few for 9-frame deltas; 9 frames is enough.
  const std::vector<float> short_y(8 * 512 - 1, 0.1f);
  EXPECT_NE(test::error_of([&] { extractor.descriptors(short_y.data(), short_y.size()); }).find("9 frames"),
            std::string::npos);
  const std::vector<float> nine(8 * 512, 0.1f);
  EXPECT_EQ(extractor.descriptors(nine.data(), nine.size()).mfcc.cols, 9);

  FeatureConfig chroma24;
  chroma24.n_chroma = 24;
  EXPECT_NE(test::error_of([&] { SummaryFeatureExtractor{chroma24}; }).find("features.n_chroma"), std::string::npos);
  FeatureConfig few_mels;
  few_mels.n_mels = 16;
  EXPECT_NE(test::error_of([&] { SummaryFeatureExtractor{few_mels}; }).find("features.n_mels"), std::string::npos);
  FeatureConfig low_rate;  // the top contrast band starts at 6400 Hz
  low_rate.sample_rate = 12000;
  EXPECT_NE(test::error_of([&] { SummaryFeatureExtractor{low_rate}; }).find("features.sample_rate"), std::string::npos);
  FeatureConfig tiny_fft;  // 16-point bins are 1378 Hz wide: no bin in [200, 400] Hz
  tiny_fft.n_fft = 16;
  tiny_fft.hop_length = 8;
  EXPECT_NE(test::error_of([&] { SummaryFeatureExtractor{tiny_fft}; }).find("features.n_fft"), std::string::npos);
  FeatureConfig bad;
  bad.hop_length = 0;
  EXPECT_NE(test::error_of([&] { SummaryFeatureExtractor{bad}; }).find("features.hop_length"), std::string::npos);
}

}  // namespace
}  // namespace jaams::features
