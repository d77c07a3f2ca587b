#pragma once
// Small SVG charts for the HTML report: line charts (training curves), grouped bar charts (image
// kind comparison) and a confusion-matrix heat map. Each function returns one <svg> element meant
// to be inlined in an HTML5 page (no xmlns, no scripts, no external references).
#include <limits>
#include <string>
#include <vector>

namespace jaams::eval::svg {

// One line; NaN y values leave a gap.
struct Series {
  std::string label;
  std::vector<double> x;
  std::vector<double> y;
  std::string color;
  bool dashed = false;
};

struct LineChart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<Series> series;
  // The y axis covers the data; these widen it (e.g. 0..1 for accuracies). NaN: data only.
  double y_min = std::numeric_limits<double>::quiet_NaN();
  double y_max = std::numeric_limits<double>::quiet_NaN();
  // A dashed vertical line (e.g. the best epoch) with this label; NaN for none.
  double marker_x = std::numeric_limits<double>::quiet_NaN();
  std::string marker_label;
  bool integer_x = false;  // ticks on whole numbers only (epochs)
  int width = 520;
  int height = 300;
};

std::string line_chart(const LineChart& chart);

// Groups along the x axis, one bar per series in each group; NaN values draw no bar.
struct BarChart {
  std::string title;
  std::string y_label;
  std::vector<std::string> groups;
  std::vector<std::string> series;          // legend names
  std::vector<std::string> colors;          // one per series
  std::vector<std::vector<double>> values;  // [group][series]
  double y_max = 1.0;
  int width = 520;
  int height = 300;
};

std::string bar_chart(const BarChart& chart);

// Confusion matrix [actual][predicted] with counts in the cells, a Recall column on the right and
// a Precision row below. Diagonal cells shade blue and off-diagonal cells red by their share of
// the row, so the frequent confusions stand out.
struct Heatmap {
  std::string title;
  std::vector<std::string> labels;
  std::vector<std::vector<long>> counts;
  std::vector<double> recall;     // per row
  std::vector<double> precision;  // per column
};

std::string heatmap(const Heatmap& map);

// Escapes &, <, >, " and ' for text and attribute values.
std::string escape(const std::string& text);

// "Nice" tick values (1, 2, 2.5, 5 x 10^k steps) covering [lo, hi], about `count` of them.
std::vector<double> nice_ticks(double lo, double hi, int count);

}  // namespace jaams::eval::svg
