#include "jaams/data/manifest.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <system_error>

#include "jaams/util/atomic_file.hpp"
#include "jaams/util/error.hpp"

namespace jaams::data {
namespace fs = std::filesystem;

namespace {

constexpr std::array<std::string_view, 7> kColumns = {"image",         "track_id",         "genre", "segment",
                                                      "start_seconds", "duration_seconds", "kind"};

// Shortest text that reads back to the same double, whatever the C locale says about commas.
std::string format_double(double v) {
  std::array<char, 64> buf{};
  const auto res = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return std::string(buf.data(), res.ptr);
}

int parse_int(const std::string& text, const CsvReader& reader, std::string_view column) {
  int v = 0;
  const auto res = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || res.ec != std::errc() || res.ptr != text.data() + text.size() || v < 0)
    throw Error(reader.where() + "bad number in column '" + std::string(column) + "': '" + text +
                "' (expected a whole number >= 0)");
  return v;
}

double parse_seconds(const std::string& text, const CsvReader& reader, std::string_view column) {
  double v = 0;
  const auto res = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || res.ec != std::errc() || res.ptr != text.data() + text.size() || !std::isfinite(v) || v < 0)
    throw Error(reader.where() + "bad number in column '" + std::string(column) + "': '" + text +
                "' (expected seconds >= 0)");
  return v;
}

}  // namespace

std::string csv_field(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string out = "\"";
  for (const char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

CsvReader::CsvReader(std::istream& in, std::string name) : in_(in), name_(std::move(name)) {}

std::string CsvReader::where() const { return name_ + ":" + std::to_string(record_line_) + ": "; }

bool CsvReader::next(std::vector<std::string>& fields) {
  fields.clear();
  std::string line;
  auto read_line = [&]() {
    if (!std::getline(in_, line)) return false;
    ++line_;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return true;
  };
  do {
    if (!read_line()) return false;
  } while (line.empty());
  record_line_ = line_;

  std::string field;
  bool in_quotes = false;
  bool was_quoted = false;  // the current field opened with a quote, which has been closed
  for (;;) {
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (in_quotes) {
        if (c != '"') {
          field += c;
        } else if (i + 1 < line.size() && line[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          in_quotes = false;
        }
      } else if (c == ',') {
        fields.push_back(std::move(field));
        field.clear();
        was_quoted = false;
      } else if (c == '"') {
        if (!field.empty() || was_quoted)
          throw Error(where() + "stray double quote inside an unquoted field (quote the whole field and double "
                                "the inner quotes)");
        in_quotes = true;
        was_quoted = true;
      } else {
        if (was_quoted) throw Error(where() + "text after the closing quote of a field");
        field += c;
      }
    }
    if (!in_quotes) break;
    // A quoted field continues on the next physical line.
    if (!read_line()) throw Error(where() + "quoted field is never closed");
    field += '\n';
  }
  fields.push_back(std::move(field));
  return true;
}

void write_manifest(const fs::path& path, const std::vector<ManifestRow>& rows) {
  write_file_atomic(path, [&](std::ostream& out) {
    for (std::size_t c = 0; c < kColumns.size(); ++c) out << (c ? "," : "") << kColumns[c];
    out << '\n';
    for (const auto& r : rows) {
      out << csv_field(r.image) << ',' << csv_field(r.track_id) << ',' << csv_field(r.genre) << ',' << r.segment << ','
          << format_double(r.start_seconds) << ',' << format_double(r.duration_seconds) << ',' << csv_field(r.kind)
          << '\n';
    }
  });
}

std::vector<ManifestRow> read_manifest(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path.string() + ": cannot open manifest");
  CsvReader reader(in, path.string());
  std::vector<std::string> fields;
  if (!reader.next(fields)) throw Error(path.string() + ": empty manifest (no header line)");

  std::map<std::string, std::size_t> column_of;
  for (std::size_t i = 0; i < fields.size(); ++i) column_of.emplace(fields[i], i);
  std::array<std::size_t, kColumns.size()> index{};
  for (std::size_t c = 0; c < kColumns.size(); ++c) {
    const auto it = column_of.find(std::string(kColumns[c]));
    if (it == column_of.end())
      throw Error(reader.where() + "manifest header has no column '" + std::string(kColumns[c]) + "'");
    index[c] = it->second;
  }
  const std::size_t width = fields.size();

  std::vector<ManifestRow> rows;
  while (reader.next(fields)) {
    if (fields.size() != width)
      throw Error(reader.where() + "expected " + std::to_string(width) + " fields as in the header, found " +
                  std::to_string(fields.size()));
    ManifestRow r;
    r.image = fields[index[0]];
    r.track_id = fields[index[1]];
    r.genre = fields[index[2]];
    r.segment = parse_int(fields[index[3]], reader, kColumns[3]);
    r.start_seconds = parse_seconds(fields[index[4]], reader, kColumns[4]);
    r.duration_seconds = parse_seconds(fields[index[5]], reader, kColumns[5]);
    r.kind = fields[index[6]];
    for (const auto& [value, column] : {std::pair{&r.image, kColumns[0]}, std::pair{&r.track_id, kColumns[1]},
                                        std::pair{&r.genre, kColumns[2]}}) {
      if (value->empty()) throw Error(reader.where() + "empty value in column '" + std::string(column) + "'");
    }
    rows.push_back(std::move(r));
  }
  if (in.bad()) throw Error(path.string() + ": read error");
  return rows;
}

}  // namespace jaams::data
