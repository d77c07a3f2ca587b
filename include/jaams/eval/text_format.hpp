#pragma once
// Number and cell formatting shared by the Markdown, CSV, text and HTML writers.
#include <string>

namespace jaams::eval::text {

// `value` with `decimals` digits after the point; `missing` for NaN.
std::string fixed(double value, int decimals, const std::string& missing = "n/a");

// A confidence interval as "[low, high]" with `decimals` digits; `missing` when either end is NaN.
std::string interval(double low, double high, int decimals, const std::string& missing = "n/a");

// The shortest text that reads back as the same double (empty for NaN), for CSV files.
std::string exact(double value);

// A duration for people: "12.3 s", "4 min 05 s", "1 h 02 min"; "n/a" for NaN.
std::string duration(double seconds);

// A Markdown table cell: pipes escaped, line breaks turned into spaces.
std::string markdown_cell(const std::string& text);

// A CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
std::string csv_field(const std::string& text);

}  // namespace jaams::eval::text
