#pragma once
// Do two runs really differ? For runs scored on the same tracks of a split, the exact McNemar test
// on the tracks one got right and the other wrong; and per run, whether its track accuracy is
// distinguishable from the best run's it can be compared with.
#include <cstddef>
#include <string>
#include <vector>

#include "jaams/eval/report.hpp"

namespace jaams::eval {

inline constexpr double kSignificanceLevel = 0.05;

struct PairedTest {
  std::size_t a = 0;  // indices into the runs
  std::size_t b = 0;
  std::size_t tracks = 0;  // tracks both were scored on (all of the split's)
  long only_a = 0;         // tracks A got right and B wrong
  long only_b = 0;
  double p = 1.0;  // exact two-sided McNemar p-value
  bool significant() const { return p < kSignificanceLevel; }
};

// True when both metrics list per-track outcomes for the same tracks with the same true classes.
bool same_tracks(const Metrics& a, const Metrics& b);

// One test per pair of runs (a < b) whose `split` metrics cover the same tracks (same_tracks);
// pairs that cannot be compared are left out.
std::vector<PairedTest> paired_tests(const std::vector<RunData>& runs, const std::string& split = "test");

enum class SignificanceMark {
  none,             // nothing to compare with
  best,             // the highest track accuracy among the runs on the same tracks
  not_significant,  // below the best, but McNemar cannot tell it from the best (p >= 0.05)
  worse,            // significantly below the best
};

// One mark per run for its `split` track accuracy, from `tests` (paired_tests of the same runs).
std::vector<SignificanceMark> significance_marks(const std::vector<RunData>& runs, const std::vector<PairedTest>& tests,
                                                 const std::string& split = "test");

// "no significant difference" or "<run> is better".
std::string verdict(const std::vector<RunData>& runs, const PairedTest& test);

// The significance section of report.md: the pairs with their counts, p-values and verdicts.
std::string significance_markdown(const std::vector<RunData>& runs, const std::vector<PairedTest>& tests);

}  // namespace jaams::eval
