#include "jaams/features/feature_config.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>

#include "jaams/features/feature_extractor.hpp"
#include "jaams/util/error.hpp"

namespace jaams::features {
namespace {

// The message of the jaams::Error thrown by validate(config), or "" when it passes.
std::string rejection(const std::function<void(FeatureConfig&)>& change) {
  FeatureConfig c;
  change(c);
  try {
    validate(c);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(FeatureConfig, DefaultsAreLibrosasAndValid) {
  const FeatureConfig c;
  EXPECT_EQ(c.sample_rate, 22050);
  EXPECT_EQ(c.n_fft, 2048);
  EXPECT_EQ(c.hop_length, 512);
  EXPECT_EQ(c.n_mels, 128);
  EXPECT_EQ(c.n_chroma, 12);
  EXPECT_DOUBLE_EQ(c.effective_fmax(), 11025.0);
  EXPECT_NO_THROW(validate(c));
}

TEST(FeatureConfig, RejectsBadValuesNamingTheField) {
  const std::pair<std::string, std::function<void(FeatureConfig&)>> cases[] = {
      {"features.sample_rate", [](FeatureConfig& c) { c.sample_rate = 0; }},
      {"features.n_fft", [](FeatureConfig& c) { c.n_fft = 0; }},
      {"features.n_fft", [](FeatureConfig& c) { c.n_fft = 2047; }},
      {"features.hop_length", [](FeatureConfig& c) { c.hop_length = 0; }},
      {"features.hop_length", [](FeatureConfig& c) { c.hop_length = 4096; }},
      {"features.n_mels", [](FeatureConfig& c) { c.n_mels = 0; }},
      {"features.fmin", [](FeatureConfig& c) { c.fmin = -1.0; }},
      {"features.fmin", [](FeatureConfig& c) { c.fmin = 12000.0; }},
      {"features.fmax", [](FeatureConfig& c) { c.fmax = 20000.0; }},
      {"features.fmax", [](FeatureConfig& c) { c.fmax = NAN; }},
      {"features.amin", [](FeatureConfig& c) { c.amin = 0.0; }},
      {"features.top_db", [](FeatureConfig& c) { c.top_db = -1.0; }},
      {"features.n_chroma", [](FeatureConfig& c) { c.n_chroma = 0; }},
      {"features.tuning", [](FeatureConfig& c) { c.tuning = 0.5; }},
      {"features.tuning", [](FeatureConfig& c) { c.tuning = -0.7; }},
  };
  for (const auto& [field, change] : cases) {
    const std::string message = rejection(change);
    EXPECT_NE(message.find(field), std::string::npos) << "expected '" << field << "' in: " << message;
  }
  EXPECT_EQ(rejection([](FeatureConfig& c) { c.fmax = 8000.0; }), "");
  EXPECT_EQ(rejection([](FeatureConfig& c) { c.tuning = -0.5; }), "");
}

TEST(FeatureConfig, ExtractorValidatesItsConfig) {
  FeatureConfig c;
  c.hop_length = -3;
  EXPECT_THROW(FeatureExtractor{c}, Error);
}

TEST(FeatureKinds, NamesRoundTrip) {
  ASSERT_EQ(all_feature_kinds().size(), 3u);
  for (FeatureKind k : all_feature_kinds()) EXPECT_EQ(parse_feature_kind(to_string(k)), k);
  EXPECT_STREQ(to_string(FeatureKind::mel), "mel");
  EXPECT_STREQ(to_string(FeatureKind::centroid), "centroid");
  EXPECT_STREQ(to_string(FeatureKind::chroma), "chroma");
}

TEST(FeatureKinds, ParsesListsKeepingOrderWithoutDuplicates) {
  EXPECT_EQ(parse_feature_kinds("chroma,mel"), (std::vector<FeatureKind>{FeatureKind::chroma, FeatureKind::mel}));
  EXPECT_EQ(parse_feature_kinds("mel, centroid,mel"),
            (std::vector<FeatureKind>{FeatureKind::mel, FeatureKind::centroid}));
}

TEST(FeatureKinds, RejectsUnknownNamesListingValidOnes) {
  try {
    parse_feature_kinds("mel,mfcc");
    FAIL() << "mfcc accepted";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("mfcc"), std::string::npos) << m;
    EXPECT_NE(m.find("centroid"), std::string::npos) << m;
  }
  EXPECT_THROW(parse_feature_kind("Mel"), Error);
  EXPECT_THROW(parse_feature_kinds(""), Error);
}

}  // namespace
}  // namespace jaams::features
