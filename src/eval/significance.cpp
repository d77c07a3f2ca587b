#include "jaams/eval/significance.hpp"

#include <algorithm>
#include <map>
#include <sstream>

#include "jaams/eval/statistics.hpp"
#include "jaams/eval/text_format.hpp"

namespace jaams::eval {

namespace {

const Metrics* split_of(const RunData& run, const std::string& split) {
  const auto it = run.split_metrics.find(split);
  return it == run.split_metrics.end() || it->second.per_track.empty() ? nullptr : &it->second;
}

std::map<std::string, const TrackOutcome*> by_track(const Metrics& m) {
  std::map<std::string, const TrackOutcome*> out;
  for (const auto& t : m.per_track) out[t.track_id] = &t;
  return out;
}

}  // namespace

bool same_tracks(const Metrics& a, const Metrics& b) {
  if (a.per_track.empty() || a.per_track.size() != b.per_track.size() || a.classes != b.classes) return false;
  const auto tb = by_track(b);
  for (const auto& t : a.per_track) {
    const auto it = tb.find(t.track_id);
    if (it == tb.end() || it->second->label != t.label) return false;
  }
  return true;
}

std::vector<PairedTest> paired_tests(const std::vector<RunData>& runs, const std::string& split) {
  std::vector<PairedTest> out;
  for (std::size_t a = 0; a < runs.size(); ++a) {
    const Metrics* ma = split_of(runs[a], split);
    if (ma == nullptr) continue;
    for (std::size_t b = a + 1; b < runs.size(); ++b) {
      const Metrics* mb = split_of(runs[b], split);
      if (mb == nullptr || !same_tracks(*ma, *mb)) continue;
      PairedTest t;
      t.a = a;
      t.b = b;
      t.tracks = ma->per_track.size();
      const auto tb = by_track(*mb);
      for (const auto& ta : ma->per_track) {
        const TrackOutcome& other = *tb.at(ta.track_id);
        const bool right_a = ta.predicted == ta.label;
        const bool right_b = other.predicted == other.label;
        if (right_a && !right_b) ++t.only_a;
        if (right_b && !right_a) ++t.only_b;
      }
      t.p = mcnemar_exact_p(t.only_a, t.only_b);
      out.push_back(t);
    }
  }
  return out;
}

std::vector<SignificanceMark> significance_marks(const std::vector<RunData>& runs, const std::vector<PairedTest>& tests,
                                                 const std::string& split) {
  std::vector<SignificanceMark> marks(runs.size(), SignificanceMark::none);
  const auto accuracy = [&](std::size_t r) { return runs[r].split_metrics.at(split).track_accuracy; };
  for (std::size_t r = 0; r < runs.size(); ++r) {
    // The best run among r and those tested against it (ties: the earlier run).
    std::size_t best = r;
    for (const auto& t : tests) {
      if (t.a != r && t.b != r) continue;
      const std::size_t other = t.a == r ? t.b : t.a;
      if (accuracy(other) > accuracy(best) || (accuracy(other) == accuracy(best) && other < best)) best = other;
    }
    if (best == r) {
      const bool compared = std::any_of(tests.begin(), tests.end(), [&](const PairedTest& t) { return t.a == r || t.b == r; });
      marks[r] = compared ? SignificanceMark::best : SignificanceMark::none;
      continue;
    }
    for (const auto& t : tests) {
      if ((t.a == r && t.b == best) || (t.a == best && t.b == r))
        marks[r] = t.significant() ? SignificanceMark::worse : SignificanceMark::not_significant;
    }
  }
  return marks;
}

std::string verdict(const std::vector<RunData>& runs, const PairedTest& t) {
  if (!t.significant()) return "no significant difference";
  return runs[t.only_a > t.only_b ? t.a : t.b].info.name + " is better";
}

std::string significance_markdown(const std::vector<RunData>& runs, const std::vector<PairedTest>& tests) {
  std::ostringstream out;
  if (tests.empty()) {
    out << "No two runs were evaluated on the same test tracks, so no pair can be tested.\n";
    return out.str();
  }
  out << "Exact McNemar test on the test tracks (track level): the tracks only one of the two runs got right. "
         "A difference counts as significant when p < "
      << kSignificanceLevel << ".\n\n"
      << "| Run A | Run B | Tracks | A right, B wrong | B right, A wrong | p | Verdict |\n"
      << "|---|---|---:|---:|---:|---:|---|\n";
  for (const auto& t : tests) {
    const std::string& a = runs[t.a].info.name;
    const std::string& b = runs[t.b].info.name;
    out << "| " << text::markdown_cell(a) << " | " << text::markdown_cell(b) << " | " << t.tracks << " | " << t.only_a
        << " | " << t.only_b << " | " << text::fixed(t.p, 4) << " | " << text::markdown_cell(verdict(runs, t)) << " |\n";
  }
  return out.str();
}

}  // namespace jaams::eval
