#include "jaams/features/feature_config.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "jaams/util/error.hpp"

namespace jaams::features {

namespace {

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

[[noreturn]] void reject(const std::string& field, const std::string& what) {
  throw Error("features." + field + ": " + what);
}

template <typename T>
std::string str(T v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

}  // namespace

const char* to_string(FeatureKind kind) {
  switch (kind) {
    case FeatureKind::mel:
      return "mel";
    case FeatureKind::centroid:
      return "centroid";
    case FeatureKind::chroma:
      return "chroma";
    case FeatureKind::stats:
      return "stats";
    case FeatureKind::compact_mel:
      return "compact_mel";
  }
  return "?";
}

const std::vector<FeatureKind>& all_feature_kinds() {
  static const std::vector<FeatureKind> kinds{FeatureKind::mel, FeatureKind::centroid, FeatureKind::chroma};
  return kinds;
}

const std::vector<FeatureKind>& known_feature_kinds() {
  static const std::vector<FeatureKind> kinds{FeatureKind::mel, FeatureKind::centroid, FeatureKind::chroma,
                                              FeatureKind::stats, FeatureKind::compact_mel};
  return kinds;
}

bool has_image(FeatureKind kind) {
  return kind == FeatureKind::mel || kind == FeatureKind::centroid || kind == FeatureKind::chroma;
}

FeatureKind parse_feature_kind(const std::string& name) {
  const std::string n = trim(name);
  std::string names;
  for (FeatureKind k : known_feature_kinds()) {
    if (n == to_string(k)) return k;
    names += (names.empty() ? "" : ", ") + std::string(to_string(k));
  }
  throw Error("unknown feature kind '" + n + "' (expected one of: " + names + ")");
}

std::vector<FeatureKind> parse_feature_kinds(const std::string& comma_list) {
  std::vector<FeatureKind> kinds;
  std::stringstream in(comma_list);
  std::string item;
  while (std::getline(in, item, ',')) {
    const FeatureKind k = parse_feature_kind(item);
    if (std::find(kinds.begin(), kinds.end(), k) == kinds.end()) kinds.push_back(k);
  }
  if (kinds.empty()) throw Error("empty feature kind list (expected some of: mel, centroid, chroma, stats, compact_mel)");
  return kinds;
}

void validate(const FeatureConfig& c) {
  if (c.sample_rate < 1000 || c.sample_rate > 384000)
    reject("sample_rate", "must be in [1000, 384000] Hz, got " + str(c.sample_rate));
  // piptrack's parabolic interpolation and the filter banks need a few bins; FFTW handles any
  // size, but odd sizes would not match librosa's bin layout.
  if (c.n_fft < 16 || c.n_fft > 65536 || c.n_fft % 2 != 0)
    reject("n_fft", "must be an even number in [16, 65536], got " + str(c.n_fft));
  if (c.hop_length < 1 || c.hop_length > c.n_fft)
    reject("hop_length", "must be in [1, n_fft=" + str(c.n_fft) + "], got " + str(c.hop_length));
  if (c.n_mels < 1 || c.n_mels > 1024) reject("n_mels", "must be in [1, 1024], got " + str(c.n_mels));
  if (!std::isfinite(c.fmin) || c.fmin < 0.0) reject("fmin", "must be >= 0 Hz, got " + str(c.fmin));
  if (!std::isfinite(c.fmax) || c.fmax < 0.0 || c.fmax > c.sample_rate / 2.0)
    reject("fmax", "must be 0 (= sample_rate / 2) or in (fmin, sample_rate / 2 = " + str(c.sample_rate / 2.0) +
                       "] Hz, got " + str(c.fmax));
  if (c.effective_fmax() <= c.fmin)
    reject("fmin", "must be below fmax (" + str(c.effective_fmax()) + " Hz), got " + str(c.fmin));
  if (!std::isfinite(c.amin) || c.amin <= 0.0) reject("amin", "must be > 0, got " + str(c.amin));
  if (!std::isfinite(c.top_db) || c.top_db < 0.0) reject("top_db", "must be >= 0 dB, got " + str(c.top_db));
  if (c.n_chroma < 1 || c.n_chroma > 120) reject("n_chroma", "must be in [1, 120], got " + str(c.n_chroma));
  if (!std::isfinite(c.tuning) || c.tuning < -0.5 || c.tuning >= 0.5)
    reject("tuning", "must be in [-0.5, 0.5) (fractions of a chroma bin), got " + str(c.tuning));
}

}  // namespace jaams::features
