// write_dataset: the files a user gets from `jaams synth` (layout, format, determinism, resume).
#include "jaams/synth/dataset.hpp"

#include <gtest/gtest.h>
#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "jaams/util/error.hpp"
#include "test_support.hpp"

namespace jaams::synth {
namespace {
namespace fs = std::filesystem;
using jaams::test::TempDir;

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

SynthOptions small_set(const fs::path& out, std::uint64_t seed, int threads) {
  SynthOptions o;
  o.out = out;
  o.per_genre = 2;
  o.seconds = 6;
  o.seed = seed;
  o.genres = {"disco", "classical"};
  o.threads = threads;
  return o;
}

TEST(SynthDataset, SameSeedGivesByteIdenticalFilesWhateverTheThreadCount) {
  TempDir dir;
  const SynthSummary a = write_dataset(small_set(dir / "a", 3, 1));
  const SynthSummary b = write_dataset(small_set(dir / "b", 3, 2));
  const SynthSummary c = write_dataset(small_set(dir / "c", 4, 2));
  ASSERT_EQ(a.files.size(), 4u);
  ASSERT_EQ(b.files.size(), 4u);
  ASSERT_EQ(c.files.size(), 4u);
  EXPECT_EQ(a.written, 4);
  EXPECT_EQ(a.skipped, 0);
  EXPECT_DOUBLE_EQ(a.audio_seconds, 24.0);
  for (std::size_t i = 0; i < a.files.size(); ++i) {
    EXPECT_EQ(fs::relative(a.files[i], dir / "a"), fs::relative(b.files[i], dir / "b"));
    const std::string bytes = read_bytes(a.files[i]);
    EXPECT_GT(bytes.size(), 6u * 22050u * 2u);
    EXPECT_EQ(bytes, read_bytes(b.files[i])) << a.files[i];
    EXPECT_NE(bytes, read_bytes(c.files[i])) << "seed 4 made the same file as seed 3: " << c.files[i];
  }
  // Different clips of one genre differ too.
  EXPECT_NE(read_bytes(a.files[0]), read_bytes(a.files[1]));
}

TEST(SynthDataset, EveryGenreGivesMono16BitClipsOfTheRequestedLengthNearMinusOneDbfs) {
  TempDir dir;
  SynthOptions o;
  o.out = dir / "set";
  o.per_genre = 1;
  o.seconds = 6;
  const SynthSummary s = write_dataset(o);
  ASSERT_EQ(s.files.size(), genre_names().size());
  for (std::size_t g = 0; g < genre_names().size(); ++g) {
    const std::string& genre = genre_names()[g];
    const fs::path expected = o.out / genre / (genre + ".00000.wav");
    ASSERT_EQ(s.files[g], expected);
    SCOPED_TRACE(expected.string());
    SF_INFO info{};
    SNDFILE* f = sf_open(expected.c_str(), SFM_READ, &info);
    ASSERT_NE(f, nullptr) << sf_strerror(nullptr);
    EXPECT_EQ(info.samplerate, 22050);
    EXPECT_EQ(info.channels, 1);
    EXPECT_EQ(info.format, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    EXPECT_EQ(info.frames, 6 * 22050);
    std::vector<short> pcm(static_cast<std::size_t>(info.frames));
    EXPECT_EQ(sf_read_short(f, pcm.data(), info.frames), info.frames);
    sf_close(f);
    int peak = 0;
    double energy = 0;
    for (short v : pcm) {
      peak = std::max(peak, std::abs(int(v)));
      energy += double(v) * v;
    }
    const double peak_db = 20 * std::log10(peak / 32767.0);
    const double rms_db = 10 * std::log10(energy / double(pcm.size()) / (32767.0 * 32767.0));
    EXPECT_LT(peak, 32767);  // never clipped
    EXPECT_NEAR(peak_db, -1.0, 0.1);
    EXPECT_GT(rms_db, -30.0) << "clip is (nearly) silent";
  }
  EXPECT_TRUE(fs::exists(o.out / "synth.json"));
}

TEST(SynthDataset, ReRunSkipsCompleteClipsAndRemakesBrokenOrMissingOnes) {
  TempDir dir;
  SynthOptions o = small_set(dir / "set", 5, 2);
  o.genres = {"reggae"};
  o.per_genre = 3;
  const SynthSummary first = write_dataset(o);
  ASSERT_EQ(first.written, 3);
  std::vector<std::string> originals;
  for (const auto& f : first.files) originals.push_back(read_bytes(f));

  // An interrupted earlier run: one clip cut short, one never written, a stray temporary file.
  const std::string cut = originals[0].substr(0, originals[0].size() / 2);
  std::ofstream(first.files[0], std::ios::binary | std::ios::trunc) << cut;
  fs::remove(first.files[1]);
  const fs::path stray = first.files[1].parent_path() / ".reggae.00001.wav.tmp-99999-0";
  std::ofstream(stray) << "partial";

  const SynthSummary second = write_dataset(o);
  EXPECT_EQ(second.written, 2);
  EXPECT_EQ(second.skipped, 1);
  for (std::size_t i = 0; i < originals.size(); ++i) EXPECT_EQ(read_bytes(second.files[i]), originals[i]) << i;
  EXPECT_FALSE(fs::exists(stray));

  // Asking for more clips later adds them and keeps the old ones.
  o.per_genre = 4;
  const SynthSummary third = write_dataset(o);
  EXPECT_EQ(third.written, 1);
  EXPECT_EQ(third.skipped, 3);
}

TEST(SynthDataset, RefusesAFolderMadeWithAnotherSeedOrLength) {
  TempDir dir;
  SynthOptions o = small_set(dir / "set", 1, 2);
  o.genres = {"pop"};
  o.per_genre = 1;
  write_dataset(o);
  o.seed = 2;
  try {
    write_dataset(o);
    FAIL() << "a second seed was mixed into the folder";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("seed"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("synth.json"), std::string::npos) << e.what();
  }
  o.seed = 1;
  o.seconds = 7;
  EXPECT_THROW(write_dataset(o), Error);
}

TEST(SynthDataset, RejectsBadOptionsNamingThem) {
  TempDir dir;
  auto message = [&](const SynthOptions& o) {
    try {
      write_dataset(o);
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  SynthOptions o = small_set(dir / "set", 1, 1);
  o.genres = {"polka"};
  EXPECT_NE(message(o).find("polka"), std::string::npos);
  EXPECT_NE(message(o).find("blues"), std::string::npos) << "the error should list the known genres";
  o.genres = {"rock", "rock"};
  EXPECT_NE(message(o).find("twice"), std::string::npos);
  o.genres = {"rock"};
  o.per_genre = 0;
  EXPECT_NE(message(o).find("--per-genre"), std::string::npos);
  o.per_genre = 1;
  o.seconds = 0;
  EXPECT_NE(message(o).find("--seconds"), std::string::npos);
  o.seconds = 6;
  o.out.clear();
  EXPECT_NE(message(o).find("--out"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "set"));
}

}  // namespace
}  // namespace jaams::synth
