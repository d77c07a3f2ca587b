#include "jaams/eval/text_format.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace jaams::eval::text {

std::string fixed(double value, int decimals, const std::string& missing) {
  if (std::isnan(value)) return missing;
  std::array<char, 64> buf{};
  std::snprintf(buf.data(), buf.size(), "%.*f", decimals, value);
  return buf.data();
}

std::string interval(double low, double high, int decimals, const std::string& missing) {
  if (std::isnan(low) || std::isnan(high)) return missing;
  return "[" + fixed(low, decimals) + ", " + fixed(high, decimals) + "]";
}

std::string exact(double value) {
  if (std::isnan(value)) return "";
  std::array<char, 64> buf{};
  const auto result = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  return std::string(buf.data(), result.ptr);
}

std::string duration(double seconds) {
  if (std::isnan(seconds)) return "n/a";
  if (seconds < 60.0) return fixed(seconds, 1) + " s";
  const long total = std::lround(seconds);
  std::array<char, 48> buf{};
  if (total < 3600)
    std::snprintf(buf.data(), buf.size(), "%ld min %02ld s", total / 60, total % 60);
  else
    std::snprintf(buf.data(), buf.size(), "%ld h %02ld min", total / 3600, (total % 3600) / 60);
  return buf.data();
}

std::string markdown_cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n' || c == '\r')
      out += ' ';
    else
      out += c;
  }
  return out;
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace jaams::eval::text
