// The synthesizer's building blocks: portable randomness, harmony, the genre rules, instrument
// models and the WAV encoder.
#include <gtest/gtest.h>
#include <sndfile.h>

#include <cmath>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "jaams/synth/composer.hpp"
#include "jaams/synth/dataset.hpp"
#include "jaams/synth/genre_rules.hpp"
#include "jaams/synth/harmony.hpp"
#include "jaams/synth/instruments.hpp"
#include "jaams/synth/random.hpp"
#include "jaams/util/error.hpp"
#include "test_support.hpp"

namespace jaams::synth {
namespace {

TEST(SynthRandom, DrawsAreDefinedFromRawMt19937Bits) {
  // std::mt19937_64's sequence is fixed by the standard; our uniform is its top 53 bits.
  std::mt19937_64 reference(42);
  Rng rng(42);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(rng.uniform(), double(reference() >> 11) * 0x1.0p-53);
}

TEST(SynthRandom, ClipSeedsArePinnedAndDependOnSeedGenreAndIndex) {
  // Pinned values: a change here changes every data set users have generated.
  EXPECT_EQ(clip_seed(1, "blues", 0), 9340175418833929623ULL);
  EXPECT_EQ(clip_seed(1, "blues", 1), 6265071747671932081ULL);
  EXPECT_EQ(clip_seed(2, "rock", 7), 10904041892024375004ULL);
  std::set<std::uint64_t> seen;
  for (std::uint64_t seed : {1, 2}) {
    for (const auto& g : genre_names()) {
      for (int i = 0; i < 50; ++i) seen.insert(clip_seed(seed, g, i));
    }
  }
  EXPECT_EQ(seen.size(), 2u * genre_names().size() * 50u);
}

TEST(SynthRandom, DistributionsHaveTheirRangeAndMoments) {
  Rng rng(7);
  std::vector<int> counts(7, 0);
  double sum = 0, sum2 = 0;
  constexpr int kDraws = 20000;
  for (int i = 0; i < kDraws; ++i) {
    const int k = rng.uniform_int(-3, 3);
    ASSERT_GE(k, -3);
    ASSERT_LE(k, 3);
    ++counts[k + 3];
    const double z = rng.normal();
    sum += z;
    sum2 += z * z;
    const double u = rng.uniform(2.0, 5.0);
    ASSERT_GE(u, 2.0);
    ASSERT_LT(u, 5.0);
  }
  for (int c : counts) EXPECT_NEAR(c, kDraws / 7.0, kDraws / 7.0 * 0.1);
  EXPECT_NEAR(sum / kDraws, 0.0, 0.03);
  EXPECT_NEAR(std::sqrt(sum2 / kDraws), 1.0, 0.03);
}

TEST(SynthHarmony, RomanNumeralsGiveTheChordsMusiciansMean) {
  EXPECT_EQ(parse_roman("V7", 60).notes(), (std::vector<int>{67, 71, 74, 77}));  // G7 in C
  EXPECT_EQ(parse_roman("vi", 60).notes(), (std::vector<int>{69, 72, 76}));      // A minor
  EXPECT_EQ(parse_roman("bVII", 57).notes(), (std::vector<int>{67, 71, 74}));    // G major in A
  EXPECT_EQ(parse_roman("i5", 40).notes(), (std::vector<int>{40, 47, 52}));      // E5 power chord
  EXPECT_EQ(parse_roman("IVmaj7", 60).notes(), (std::vector<int>{65, 69, 72, 76}));
  const auto twelve_bar = progression("I7-I7-I7-I7-IV7-IV7-I7-I7-V7-IV7-I7-V7", 45);
  ASSERT_EQ(twelve_bar.size(), 12u);
  EXPECT_EQ(twelve_bar[4].root, 50);  // D7 in A
  EXPECT_EQ(twelve_bar[8].root, 52);  // E7
  EXPECT_EQ(twelve_bar[8].intervals, (std::vector<int>{0, 4, 7, 10}));
  EXPECT_THROW(parse_roman("X", 60), Error);
  EXPECT_THROW(parse_roman("Isus9", 60), Error);
}

TEST(SynthHarmony, KeysAndVoicings) {
  const Key a_minor{57, Scale::Minor};
  EXPECT_EQ(a_minor.degree(0), 57);
  EXPECT_EQ(a_minor.degree(2), 60);   // C
  EXPECT_EQ(a_minor.degree(7), 69);   // the octave
  EXPECT_EQ(a_minor.degree(-1), 55);  // G below
  EXPECT_EQ(a_minor.snap(61), 60);    // C# is not in A minor
  EXPECT_EQ(voice_chord(parse_roman("I", 60), 62, 3), (std::vector<int>{64, 67, 72}));
  const auto v = orchestral_voicing(parse_roman("IV", 48), 36, 72);
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0] % 12, 5);  // F in the bass
  EXPECT_GE(v[1] - v[0], 7);
  EXPECT_EQ(place(64, 40), 40);
  EXPECT_EQ(place(47, 40), 47);
}

TEST(SynthRules, TempoRangesDrumsAndErrors) {
  ASSERT_EQ(genre_names().size(), 9u);
  for (const auto& g : genre_names()) {
    const GenreRules r = rules_for(g);
    EXPECT_EQ(r.name, g);
    EXPECT_LT(r.bpm_min, r.bpm_max);
    EXPECT_GE(r.bpm_min, 40);
    EXPECT_LE(r.bpm_max, 220);
    EXPECT_EQ(r.has_drums, g != "classical") << g;
    EXPECT_EQ(r.distorted, g == "rock" || g == "metal") << g;
    for (const auto& other : r.overlaps) EXPECT_TRUE(is_known_genre(other)) << g << " overlaps " << other;
  }
  EXPECT_GT(rules_for("metal").bpm_min, rules_for("rock").bpm_max - 1);
  EXPECT_LT(rules_for("reggae").bpm_max, rules_for("disco").bpm_min);
  try {
    rules_for("polka");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("hiphop"), std::string::npos) << e.what();
  }
  EXPECT_NE(describe_rules().find("reggae"), std::string::npos);
}

TEST(SynthComposer, PlansFollowTheRulesAndClipsAreExactAndRepeatable) {
  for (const auto& g : genre_names()) {
    const GenreRules rules = rules_for(g);
    for (int i = 0; i < 5; ++i) {
      const ClipPlan p = plan_clip(g, i, 11);
      EXPECT_GE(p.bpm, rules.bpm_min) << g;
      EXPECT_LE(p.bpm, rules.bpm_max) << g;
      if (!p.borrowed.empty()) {
        EXPECT_NE(std::find(rules.overlaps.begin(), rules.overlaps.end(), p.borrowed), rules.overlaps.end())
            << g << " borrowed from " << p.borrowed;
      }
    }
  }
  EXPECT_EQ(plan_clip("blues", 0, 1).key.scale, Scale::Mixolydian);
  const std::vector<float> a = compose("rock", 3, 9, 2.5, 22050);
  EXPECT_EQ(a.size(), 55125u);  // round(2.5 * 22050)
  EXPECT_EQ(a, compose("rock", 3, 9, 2.5, 22050));
  EXPECT_NE(a, compose("rock", 4, 9, 2.5, 22050));
  EXPECT_NEAR(peak(a), db_to_gain(-1.0), 1e-6);
  EXPECT_EQ(compose("classical", 0, 9, 1.0, 16000).size(), 16000u);
  EXPECT_THROW(compose("polka", 0, 1, 1.0, 22050), Error);
  EXPECT_THROW(compose("rock", 0, 1, 0.0, 22050), Error);
}

// Pitch by normalised autocorrelation between 50 and 1000 Hz: the first lag that correlates
// nearly as well as the best one (the best may be two or three periods, an octave error).
double pitch_of(const std::vector<float>& x, std::size_t from, int sr) {
  const int lo = sr / 1000, hi = sr / 50;
  std::vector<double> r(hi + 2, 0.0);
  double best = 0;
  for (int lag = lo; lag <= hi + 1; ++lag) {
    double acc = 0, e1 = 0, e2 = 0;
    for (std::size_t i = from; i < from + 4096; ++i) {
      acc += double(x[i]) * x[i + lag];
      e1 += double(x[i]) * x[i];
      e2 += double(x[i + lag]) * x[i + lag];
    }
    r[lag] = acc / std::sqrt(e1 * e2 + 1e-20);
    if (lag <= hi) best = std::max(best, r[lag]);
  }
  int lag = lo;
  while (lag < hi && r[lag] < 0.9 * best) ++lag;
  while (lag < hi && r[lag + 1] > r[lag]) ++lag;  // climb to the peak
  // Parabolic interpolation: the period is rarely a whole number of samples.
  const double a = r[lag - 1], b = r[lag], c = r[lag + 1];
  const double denom = a - 2 * b + c;
  const double period = denom < 0 ? lag + 0.5 * (a - c) / denom : lag;
  return double(sr) / period;
}

double band_share(const std::vector<float>& x, int sr, double lo_hz, double hi_hz) {
  // Energy share of a band via a direct DFT of the first 4096 samples at 20 Hz steps.
  const std::size_t n = std::min<std::size_t>(x.size(), 4096);
  double band = 0, total = 0;
  for (double f = 20; f < sr / 2.0; f += 20) {
    double re = 0, im = 0;
    for (std::size_t i = 0; i < n; ++i) {
      re += x[i] * std::cos(2 * M_PI * f * double(i) / sr);
      im -= x[i] * std::sin(2 * M_PI * f * double(i) / sr);
    }
    const double p = re * re + im * im;
    total += p;
    if (f >= lo_hz && f < hi_hz) band += p;
  }
  return band / total;
}

TEST(SynthInstruments, KarplusStrongStringSoundsAtItsPitch) {
  Rng rng(3);
  for (double hz : {110.0, 220.0, 329.63}) {
    Track tr(22050, 22050);
    pluck(tr, 0.0, hz, 0.9, 0.8, PluckSound{}, rng);
    EXPECT_NEAR(pitch_of(tr.x, 2000, 22050), hz, hz * 0.003) << hz;  // 5 cents: the fractional tuning works
  }
}

TEST(SynthInstruments, KickIsLowAndHatIsHigh) {
  Rng rng(4);
  Track k(8192, 22050), h(8192, 22050);
  kick(k, 0.0, 1.0, KickSound{}, rng);
  hat(h, 0.0, 1.0, 0.05, HatSound{}, rng);
  EXPECT_GT(band_share(k.x, 22050, 0, 250), 0.8);
  EXPECT_GT(band_share(h.x, 22050, 5000, 11025), 0.8);
}

TEST(SynthWav, EncodedBytesDecodeToTheSamples) {
  std::vector<float> x(1000);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = 0.9f * std::sin(0.05f * float(i));
  x[10] = 1.5f;  // out of range: clipped, not wrapped
  const std::string bytes = encode_wav(x, 22050);
  jaams::test::TempDir dir;
  const auto path = dir / "x.wav";
  std::ofstream(path, std::ios::binary) << bytes;
  SF_INFO info{};
  SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(info.frames, 1000);
  EXPECT_EQ(info.samplerate, 22050);
  std::vector<short> pcm(1000);
  sf_read_short(f, pcm.data(), 1000);
  sf_close(f);
  EXPECT_EQ(pcm[10], 32767);
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (i != 10) EXPECT_EQ(pcm[i], static_cast<short>(std::lrint(x[i] * 32767.0f))) << i;
  }
}

}  // namespace
}  // namespace jaams::synth
