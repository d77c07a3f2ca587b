#include "jaams/audit/duplicates.hpp"

#include <algorithm>
#include <bitset>
#include <cmath>
#include <map>
#include <cstdint>
#include <numeric>
#include <unordered_map>

namespace jaams::audit {

namespace {

// Keys in more frames than this (or than 1/2048 of all, for large sets) are not indexed.
constexpr std::size_t kMinWordFrequencyCap = 64;

// Candidates are found by exact matches of either 16-bit half of a word: a re-encoded copy
// with 15-20% of its bits flipped still matches a half in about one frame in twenty, where a
// whole 32-bit word would match in one in three hundred.
std::uint32_t half_key(std::uint32_t word, int half) {
  return (static_cast<std::uint32_t>(half) << 16) | ((word >> (16 * half)) & 0xffffu);
}

struct Posting {
  std::uint32_t clip;
  std::uint32_t frame;
};

}  // namespace

double bit_error_rate(const Fingerprint& a, const Fingerprint& b, long offset, std::size_t* overlap) {
  const long na = static_cast<long>(a.words.size());
  const long nb = static_cast<long>(b.words.size());
  const long first = std::max(0L, -offset);
  const long last = std::min(nb, na - offset);  // exclusive, in b's frames
  if (overlap) *overlap = last > first ? static_cast<std::size_t>(last - first) : 0;
  if (last <= first) return 1.0;
  std::size_t differing = 0;
  for (long t = first; t < last; ++t)
    differing += std::bitset<32>(a.words[static_cast<std::size_t>(t + offset)] ^ b.words[static_cast<std::size_t>(t)]).count();
  return static_cast<double>(differing) / (32.0 * static_cast<double>(last - first));
}

std::vector<DuplicatePair> find_duplicates(const std::vector<Fingerprint>& prints, const MatchOptions& o) {
  std::unordered_map<std::uint32_t, std::vector<Posting>> index;
  std::size_t postings = 0;
  for (std::size_t c = 0; c < prints.size(); ++c)
    for (std::size_t t = 0; t < prints[c].words.size(); ++t)
      for (int half = 0; half < 2; ++half) {
        index[half_key(prints[c].words[t], half)].push_back({static_cast<std::uint32_t>(c), static_cast<std::uint32_t>(t)});
        ++postings;
      }
  // A key in many more frames than an average one says nothing about which recording it is.
  const std::size_t max_frequency = std::max(kMinWordFrequencyCap, postings / 2048);
  for (auto it = index.begin(); it != index.end();) it = it->second.size() > max_frequency ? index.erase(it) : std::next(it);

  const long max_offset = static_cast<long>(std::ceil(o.max_offset_seconds / kFrameSeconds));
  std::vector<DuplicatePair> out;
  for (std::size_t a = 0; a < prints.size(); ++a) {
    // votes[(b, offset)] with offset = frame in a - frame in b; only b > a, each pair once.
    // Keyed (b << 32) | (offset + 2^31): a hash map, since most words vote only once.
    std::unordered_map<std::uint64_t, int> votes;
    for (std::size_t t = 0; t < prints[a].words.size(); ++t) {
      for (int half = 0; half < 2; ++half) {
        const auto it = index.find(half_key(prints[a].words[t], half));
        if (it == index.end()) continue;
        for (const Posting& p : it->second) {
          if (p.clip <= a) continue;
          const long offset = static_cast<long>(t) - static_cast<long>(p.frame);
          if (std::abs(offset) <= max_offset)
            ++votes[(static_cast<std::uint64_t>(p.clip) << 32) | static_cast<std::uint32_t>(offset + (1L << 31))];
        }
      }
    }
    // The best-voted offset of each candidate clip, refined by +-1 frame.
    std::map<std::size_t, std::pair<int, long>> best;
    for (const auto& [key, n] : votes) {
      auto& b = best[static_cast<std::size_t>(key >> 32)];
      const long offset = static_cast<long>(key & 0xffffffffu) - (1L << 31);
      // Ties go to the smaller offset, so the result does not depend on the hash order.
      if (n > b.first || (n == b.first && offset < b.second)) b = {n, offset};
    }
    for (const auto& [b, vote] : best) {
      if (vote.first < o.min_votes) continue;
      DuplicatePair pair{a, b, 0.0, 1.0, 0.0};
      for (long d = vote.second - 1; d <= vote.second + 1; ++d) {
        std::size_t overlap = 0;
        const double ber = bit_error_rate(prints[a], prints[b], d, &overlap);
        if (ber < pair.bit_error_rate) {
          pair.bit_error_rate = ber;
          pair.offset_seconds = static_cast<double>(d) * kFrameSeconds;
          pair.overlap_seconds = static_cast<double>(overlap) * kFrameSeconds;
        }
      }
      if (pair.bit_error_rate <= o.max_bit_error_rate && pair.overlap_seconds >= o.min_overlap_seconds)
        out.push_back(pair);
    }
  }
  return out;
}

std::vector<std::vector<std::size_t>> group_pairs(std::size_t count, const std::vector<DuplicatePair>& pairs) {
  std::vector<std::size_t> parent(count);
  std::iota(parent.begin(), parent.end(), 0);
  const auto root = [&](std::size_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  for (const auto& p : pairs) {
    const std::size_t ra = root(p.a), rb = root(p.b);
    if (ra != rb) parent[std::max(ra, rb)] = std::min(ra, rb);
  }
  std::map<std::size_t, std::vector<std::size_t>> groups;
  for (const auto& p : pairs) {
    groups[root(p.a)];
  }
  for (std::size_t i = 0; i < count; ++i)
    if (const auto it = groups.find(root(i)); it != groups.end()) it->second.push_back(i);
  std::vector<std::vector<std::size_t>> out;
  for (auto& [r, members] : groups) out.push_back(std::move(members));
  return out;
}

}  // namespace jaams::audit
