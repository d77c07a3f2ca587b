#include "jaams/eval/svg_plot.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "jaams/eval/text_format.hpp"

namespace jaams::eval::svg {

namespace {

constexpr const char* kAxisColor = "#444";
constexpr const char* kGridColor = "#e3e3e3";
constexpr double kLegendY = 32;  // first legend row, under the title

// Coordinates with one decimal keep the markup small and are finer than a pixel.
std::string num(double v) {
  std::array<char, 32> buf{};
  std::snprintf(buf.data(), buf.size(), "%.1f", v);
  return buf.data();
}

std::string tick_label(double v, double step) {
  if (std::fabs(v) < step * 1e-9) v = 0.0;
  std::array<char, 32> buf{};
  std::snprintf(buf.data(), buf.size(), "%.4g", v);
  return buf.data();
}

std::string open_svg(int width, int height, const std::string& title) {
  std::ostringstream out;
  out << "<svg class=\"chart\" width=\"" << width << "\" height=\"" << height << "\" viewBox=\"0 0 " << width << ' '
      << height << "\" font-family=\"sans-serif\" role=\"img\" aria-label=\"" << escape(title) << "\">\n";
  if (!title.empty())
    out << "<text x=\"8\" y=\"18\" font-size=\"14\" font-weight=\"bold\" fill=\"#222\">" << escape(title)
        << "</text>\n";
  return out.str();
}

// Legend entries (a short line or box, then the label) fill rows in reading order, each row
// right-aligned at `right`; a row ends before it would pass `min_x`, so long legends wrap instead
// of leaving the chart.
struct LegendEntry {
  double x;
  double y;
};

std::vector<LegendEntry> legend_layout(const std::vector<std::string>& labels, double right, double min_x) {
  auto entry_width = [&](std::size_t i) { return 22.0 + 7.0 * static_cast<double>(labels[i].size()) + 12.0; };
  std::vector<LegendEntry> entries(labels.size());
  double y = kLegendY;
  for (std::size_t first = 0; first < labels.size();) {
    std::size_t end = first;
    double row_w = 0.0;
    while (end < labels.size() && (end == first || row_w + entry_width(end) <= right - min_x))
      row_w += entry_width(end++);
    double x = right - row_w;
    for (std::size_t i = first; i < end; ++i) {
      entries[i] = {x + 12.0, y};
      x += entry_width(i);
    }
    first = end;
    y += 15.0;
  }
  return entries;
}

// The top of the plot area: below the last legend row.
double plot_top(const std::vector<LegendEntry>& entries) {
  double y = kLegendY;
  for (const auto& e : entries) y = std::max(y, e.y);
  return y + 12.0;
}

void legend(std::ostringstream& out, const std::vector<LegendEntry>& entries, const std::vector<std::string>& labels,
            const std::vector<std::string>& colors, const std::vector<bool>& dashed, bool boxes) {
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const double x = entries[i].x;
    const double y = entries[i].y;
    const std::string color = i < colors.size() ? colors[i] : "#888";
    if (boxes) {
      out << "<rect x=\"" << num(x + 4) << "\" y=\"" << num(y - 5) << "\" width=\"12\" height=\"10\" fill=\"" << color
          << "\"/>\n";
    } else {
      out << "<line x1=\"" << num(x) << "\" y1=\"" << num(y) << "\" x2=\"" << num(x + 18) << "\" y2=\"" << num(y)
          << "\" stroke=\"" << color << "\" stroke-width=\"2.5\""
          << (i < dashed.size() && dashed[i] ? " stroke-dasharray=\"5 3\"" : "") << "/>\n";
    }
    out << "<text x=\"" << num(x + 22) << "\" y=\"" << num(y + 4) << "\" font-size=\"12\" fill=\"#333\">"
        << escape(labels[i]) << "</text>\n";
  }
}

struct Scale {
  double lo, hi, px_lo, px_hi;
  double operator()(double v) const { return px_lo + (v - lo) / (hi - lo) * (px_hi - px_lo); }
};

// Mixes white with `rgb` by t in [0, 1].
std::string shade(const std::array<int, 3>& rgb, double t) {
  t = std::clamp(t, 0.0, 1.0);
  std::array<char, 16> buf{};
  auto mix = [t](int c) { return static_cast<int>(std::lround(255.0 + (c - 255.0) * t)); };
  std::snprintf(buf.data(), buf.size(), "#%02x%02x%02x", mix(rgb[0]), mix(rgb[1]), mix(rgb[2]));
  return buf.data();
}

void y_grid(std::ostringstream& out, const std::vector<double>& yt, const Scale& sy, double left, double right_x) {
  const double step = yt.size() > 1 ? yt[1] - yt[0] : 1.0;
  for (double t : yt) {
    out << "<line x1=\"" << num(left) << "\" y1=\"" << num(sy(t)) << "\" x2=\"" << num(right_x) << "\" y2=\""
        << num(sy(t)) << "\" stroke=\"" << kGridColor << "\"/>\n";
    out << "<text x=\"" << num(left - 6) << "\" y=\"" << num(sy(t) + 4)
        << "\" font-size=\"11\" text-anchor=\"end\" fill=\"" << kAxisColor << "\">" << tick_label(t, step)
        << "</text>\n";
  }
}

void y_title(std::ostringstream& out, const std::string& label, double top, double bottom_y) {
  out << "<text transform=\"translate(14 " << num((top + bottom_y) / 2)
      << ") rotate(-90)\" font-size=\"12\" text-anchor=\"middle\" fill=\"#333\">" << escape(label) << "</text>\n";
}

}  // namespace

std::string escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::vector<double> nice_ticks(double lo, double hi, int count) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return {0.0, 1.0};
  if (hi < lo) std::swap(lo, hi);
  if (hi - lo < 1e-12) {
    const double pad = std::fabs(lo) > 1e-12 ? std::fabs(lo) * 0.1 : 1.0;
    lo -= pad;
    hi += pad;
  }
  const double raw = (hi - lo) / std::max(1, count);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / mag;
  const double step = (norm <= 1.0 ? 1.0 : norm <= 2.0 ? 2.0 : norm <= 2.5 ? 2.5 : norm <= 5.0 ? 5.0 : 10.0) * mag;
  // Multiples of the step, computed rather than accumulated so they do not drift.
  const long first = static_cast<long>(std::floor(lo / step + 1e-9));
  const long last = std::max(first + 1, static_cast<long>(std::ceil(hi / step - 1e-9)));
  std::vector<double> ticks;
  for (long i = first; i <= last; ++i) ticks.push_back(static_cast<double>(i) * step);
  return ticks;
}

std::string line_chart(const LineChart& chart) {
  const double left = 56, right = 14, bottom = 44;
  const double w = chart.width, h = chart.height;

  std::vector<std::string> labels, colors;
  std::vector<bool> dashed;
  for (const auto& s : chart.series) {
    labels.push_back(s.label);
    colors.push_back(s.color);
    dashed.push_back(s.dashed);
  }
  const std::vector<LegendEntry> entries = legend_layout(labels, w - right, left);
  const double top = plot_top(entries);

  double x_lo = INFINITY, x_hi = -INFINITY, y_lo = INFINITY, y_hi = -INFINITY;
  for (const auto& s : chart.series)
    for (std::size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
      if (std::isnan(s.y[i]) || std::isnan(s.x[i])) continue;
      x_lo = std::min(x_lo, s.x[i]);
      x_hi = std::max(x_hi, s.x[i]);
      y_lo = std::min(y_lo, s.y[i]);
      y_hi = std::max(y_hi, s.y[i]);
    }
  const bool has_data = std::isfinite(x_lo);
  if (!has_data) x_lo = 0, x_hi = 1, y_lo = 0, y_hi = 1;
  if (x_hi - x_lo < 1e-12) x_lo -= 1, x_hi += 1;
  if (!std::isnan(chart.y_min)) y_lo = std::min(y_lo, chart.y_min);
  if (!std::isnan(chart.y_max)) y_hi = std::max(y_hi, chart.y_max);

  // The x axis spans exactly the data; ticks sit on multiples of a nice step inside it, plus the
  // first value (epoch 1) when no tick is near it.
  const std::vector<double> nice_x = nice_ticks(x_lo, x_hi, 6);
  double x_step = nice_x[1] - nice_x[0];
  if (chart.integer_x) x_step = std::max(1.0, std::round(x_step));
  std::vector<double> xt;
  for (auto k = static_cast<long>(std::ceil(x_lo / x_step - 1e-9));
       static_cast<double>(k) * x_step <= x_hi + 1e-9 * x_step; ++k)
    xt.push_back(static_cast<double>(k) * x_step);
  if (xt.empty() || xt.front() - x_lo >= x_step / 2) xt.insert(xt.begin(), x_lo);
  const std::vector<double> yt = nice_ticks(y_lo, y_hi, 5);
  const Scale sx{x_lo, x_hi, left, w - right};
  const Scale sy{yt.front(), yt.back(), h - bottom, top};

  std::ostringstream out;
  out << open_svg(chart.width, chart.height, chart.title);
  y_grid(out, yt, sy, left, w - right);
  for (double t : xt) {
    out << "<line x1=\"" << num(sx(t)) << "\" y1=\"" << num(h - bottom) << "\" x2=\"" << num(sx(t)) << "\" y2=\""
        << num(h - bottom + 4) << "\" stroke=\"" << kAxisColor << "\"/>\n";
    out << "<text x=\"" << num(sx(t)) << "\" y=\"" << num(h - bottom + 17)
        << "\" font-size=\"11\" text-anchor=\"middle\" fill=\"" << kAxisColor << "\">" << tick_label(t, x_step)
        << "</text>\n";
  }
  out << "<rect x=\"" << num(left) << "\" y=\"" << num(top) << "\" width=\"" << num(w - left - right) << "\" height=\""
      << num(h - top - bottom) << "\" fill=\"none\" stroke=\"" << kAxisColor << "\"/>\n";
  out << "<text x=\"" << num((left + w - right) / 2) << "\" y=\"" << num(h - 8)
      << "\" font-size=\"12\" text-anchor=\"middle\" fill=\"#333\">" << escape(chart.x_label) << "</text>\n";
  y_title(out, chart.y_label, top, h - bottom);

  const bool show_marker = !std::isnan(chart.marker_x) && chart.marker_x >= sx.lo && chart.marker_x <= sx.hi;
  if (show_marker) {
    const double mx = sx(chart.marker_x);
    out << "<line x1=\"" << num(mx) << "\" y1=\"" << num(top) << "\" x2=\"" << num(mx) << "\" y2=\"" << num(h - bottom)
        << "\" stroke=\"#888\" stroke-dasharray=\"3 3\"/>\n";
  }

  for (const auto& s : chart.series) {
    const std::size_t n = std::min(s.x.size(), s.y.size());
    std::string path;
    bool pen_down = false;
    std::size_t points = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (std::isnan(s.y[i]) || std::isnan(s.x[i])) {
        pen_down = false;
        continue;
      }
      path += (pen_down ? " L" : " M") + num(sx(s.x[i])) + ' ' + num(sy(s.y[i]));
      pen_down = true;
      ++points;
    }
    if (points == 0) continue;
    out << "<path d=\"" << path.substr(1) << "\" fill=\"none\" stroke=\"" << s.color << "\" stroke-width=\"2\""
        << (s.dashed ? " stroke-dasharray=\"6 4\"" : "") << " stroke-linejoin=\"round\"/>\n";
    // Dots keep short runs (one or two epochs) visible.
    if (points <= 40)
      for (std::size_t i = 0; i < n; ++i)
        if (!std::isnan(s.y[i]) && !std::isnan(s.x[i]))
          out << "<circle cx=\"" << num(sx(s.x[i])) << "\" cy=\"" << num(sy(s.y[i])) << "\" r=\"2.5\" fill=\""
              << s.color << "\"/>\n";
  }
  if (show_marker && !chart.marker_label.empty()) {
    // After the lines, on a light box, so the label stays legible where a curve passes.
    const double mx = sx(chart.marker_x);
    const bool near_right = mx > (left + w - right) / 2;
    const double label_w = 6.0 * static_cast<double>(chart.marker_label.size()) + 6.0;
    const double box_x = near_right ? mx - label_w - 2 : mx + 2;
    out << "<rect x=\"" << num(box_x) << "\" y=\"" << num(h - bottom - 19) << "\" width=\"" << num(label_w)
        << "\" height=\"15\" fill=\"#fff\" fill-opacity=\"0.85\"/>\n";
    out << "<text x=\"" << num(box_x + 3) << "\" y=\"" << num(h - bottom - 8) << "\" font-size=\"11\" fill=\"#555\">"
        << escape(chart.marker_label) << "</text>\n";
  }
  if (!has_data)
    out << "<text x=\"" << num((left + w - right) / 2) << "\" y=\"" << num((top + h - bottom) / 2)
        << "\" font-size=\"12\" text-anchor=\"middle\" fill=\"#888\">no data</text>\n";
  legend(out, entries, labels, colors, dashed, false);
  out << "</svg>\n";
  return out.str();
}

std::string bar_chart(const BarChart& chart) {
  const double left = 56, right = 14, bottom = 40;
  const double w = chart.width, h = chart.height;
  const std::vector<LegendEntry> entries = legend_layout(chart.series, w - right, left);
  const double top = plot_top(entries);
  const std::vector<double> yt = nice_ticks(0.0, chart.y_max, 5);
  const Scale sy{yt.front(), yt.back(), h - bottom, top};

  std::ostringstream out;
  out << open_svg(chart.width, chart.height, chart.title);
  y_grid(out, yt, sy, left, w - right);
  y_title(out, chart.y_label, top, h - bottom);

  const std::size_t groups = std::max<std::size_t>(1, chart.groups.size());
  const std::size_t series = std::max<std::size_t>(1, chart.series.size());
  const double group_w = (w - left - right) / static_cast<double>(groups);
  const double bar_w = std::min(48.0, group_w * 0.8 / static_cast<double>(series));
  for (std::size_t g = 0; g < chart.groups.size(); ++g) {
    const double center = left + group_w * (static_cast<double>(g) + 0.5);
    const double start = center - bar_w * static_cast<double>(series) / 2.0;
    for (std::size_t s = 0; s < chart.series.size(); ++s) {
      const double v = g < chart.values.size() && s < chart.values[g].size() ? chart.values[g][s] : NAN;
      if (std::isnan(v)) continue;
      const double x = start + bar_w * static_cast<double>(s);
      const double y = sy(std::clamp(v, yt.front(), yt.back()));
      out << "<rect x=\"" << num(x + 1) << "\" y=\"" << num(y) << "\" width=\"" << num(bar_w - 2) << "\" height=\""
          << num(h - bottom - y) << "\" fill=\"" << (s < chart.colors.size() ? chart.colors[s] : "#888") << "\"/>\n";
      out << "<text x=\"" << num(x + bar_w / 2) << "\" y=\"" << num(y - 4)
          << "\" font-size=\"10\" text-anchor=\"middle\" fill=\"#333\">" << text::fixed(v, 3) << "</text>\n";
    }
    out << "<text x=\"" << num(center) << "\" y=\"" << num(h - bottom + 17)
        << "\" font-size=\"12\" text-anchor=\"middle\" fill=\"#333\">" << escape(chart.groups[g]) << "</text>\n";
  }
  out << "<line x1=\"" << num(left) << "\" y1=\"" << num(h - bottom) << "\" x2=\"" << num(w - right) << "\" y2=\""
      << num(h - bottom) << "\" stroke=\"" << kAxisColor << "\"/>\n";
  legend(out, entries, chart.series, chart.colors, {}, true);
  out << "</svg>\n";
  return out.str();
}

std::string heatmap(const Heatmap& map) {
  const std::size_t n = map.labels.size();
  std::size_t longest = 6;
  for (const auto& l : map.labels) longest = std::max(longest, l.size());
  const double cell = 44;
  const double label_w = 7.5 * static_cast<double>(longest) + 30;   // actual-class names + "Actual"
  const double top = 34 + 6.0 * static_cast<double>(longest) + 24;  // title, slanted predicted names
  const double x0 = label_w, y0 = top;
  const double width = x0 + cell * static_cast<double>(n + 1) + 16;
  const double height = y0 + cell * static_cast<double>(n + 1) + 12;

  std::ostringstream out;
  out << open_svg(static_cast<int>(width), static_cast<int>(height), map.title);
  out << "<text x=\"" << num(x0 + cell * static_cast<double>(n) / 2)
      << "\" y=\"34\" font-size=\"12\" text-anchor=\"middle\" fill=\"#333\">Predicted</text>\n";
  out << "<text transform=\"translate(14 " << num(y0 + cell * static_cast<double>(n) / 2)
      << ") rotate(-90)\" font-size=\"12\" text-anchor=\"middle\" fill=\"#333\">Actual</text>\n";

  auto column_label = [&](double cx, const std::string& label, bool bold) {
    out << "<text transform=\"translate(" << num(cx) << ' ' << num(y0 - 6)
        << ") rotate(-45)\" font-size=\"12\" fill=\"#333\"" << (bold ? " font-weight=\"bold\"" : "") << '>'
        << escape(label) << "</text>\n";
  };
  for (std::size_t c = 0; c < n; ++c) column_label(x0 + cell * (static_cast<double>(c) + 0.5), map.labels[c], false);
  column_label(x0 + cell * (static_cast<double>(n) + 0.5), "Recall", true);

  constexpr std::array<int, 3> kBlue{31, 78, 156};
  constexpr std::array<int, 3> kRed{192, 57, 43};
  for (std::size_t r = 0; r < n; ++r) {
    const double y = y0 + cell * static_cast<double>(r);
    out << "<text x=\"" << num(x0 - 6) << "\" y=\"" << num(y + cell / 2 + 4)
        << "\" font-size=\"12\" text-anchor=\"end\" fill=\"#333\">" << escape(map.labels[r]) << "</text>\n";
    long row_sum = 0;
    for (long v : map.counts[r]) row_sum += v;
    for (std::size_t c = 0; c < n; ++c) {
      const long v = map.counts[r][c];
      const double share = row_sum > 0 ? static_cast<double>(v) / static_cast<double>(row_sum) : 0.0;
      // Confusions are small shares of a row; scaled so that 40% of a row is full red.
      const double t = r == c ? share : std::min(1.0, share * 2.5);
      const double x = x0 + cell * static_cast<double>(c);
      out << "<rect x=\"" << num(x) << "\" y=\"" << num(y) << "\" width=\"" << num(cell) << "\" height=\"" << num(cell)
          << "\" fill=\"" << shade(r == c ? kBlue : kRed, t) << "\" stroke=\"#fff\"><title>" << escape(map.labels[r])
          << " predicted as " << escape(map.labels[c]) << ": " << v << "</title></rect>\n";
      out << "<text x=\"" << num(x + cell / 2) << "\" y=\"" << num(y + cell / 2 + 4)
          << "\" font-size=\"12\" text-anchor=\"middle\" fill=\"" << (t > 0.55 ? "#fff" : "#222") << "\">" << v
          << "</text>\n";
    }
    const double x = x0 + cell * static_cast<double>(n);
    const double rec = r < map.recall.size() ? map.recall[r] : NAN;
    out << "<rect x=\"" << num(x) << "\" y=\"" << num(y) << "\" width=\"" << num(cell) << "\" height=\"" << num(cell)
        << "\" fill=\"#f2f2f2\" stroke=\"#fff\"/>\n<text x=\"" << num(x + cell / 2) << "\" y=\""
        << num(y + cell / 2 + 4) << "\" font-size=\"11\" text-anchor=\"middle\" fill=\"#222\">" << text::fixed(rec, 3)
        << "</text>\n";
  }
  const double y = y0 + cell * static_cast<double>(n);
  out << "<text x=\"" << num(x0 - 6) << "\" y=\"" << num(y + cell / 2 + 4)
      << "\" font-size=\"12\" font-weight=\"bold\" text-anchor=\"end\" fill=\"#333\">Precision</text>\n";
  for (std::size_t c = 0; c < n; ++c) {
    const double x = x0 + cell * static_cast<double>(c);
    const double p = c < map.precision.size() ? map.precision[c] : NAN;
    out << "<rect x=\"" << num(x) << "\" y=\"" << num(y) << "\" width=\"" << num(cell) << "\" height=\"" << num(cell)
        << "\" fill=\"#f2f2f2\" stroke=\"#fff\"/>\n<text x=\"" << num(x + cell / 2) << "\" y=\""
        << num(y + cell / 2 + 4) << "\" font-size=\"11\" text-anchor=\"middle\" fill=\"#222\">" << text::fixed(p, 3)
        << "</text>\n";
  }
  out << "</svg>\n";
  return out.str();
}

}  // namespace jaams::eval::svg
