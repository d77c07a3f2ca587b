#include "jaams/data/labels.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include "jaams/data/manifest.hpp"
#include "jaams/util/error.hpp"

namespace jaams::data {
namespace fs = std::filesystem;

LabelTable read_label_table(const fs::path& csv, const std::vector<std::string>& genres) {
  std::ifstream in(csv);
  if (!in) throw Error("data.labels '" + csv.string() + "': cannot open the file");
  CsvReader reader(in, csv.string());
  std::vector<std::string> fields;
  if (!reader.next(fields)) throw Error(csv.string() + ": empty (expected a header with path,genre)");
  std::map<std::string, std::size_t> column;
  for (std::size_t i = 0; i < fields.size(); ++i) column.emplace(fields[i], i);
  for (const char* required : {"path", "genre"}) {
    if (!column.count(required)) throw Error(reader.where() + "no '" + std::string(required) + "' column in the header");
  }
  LabelTable table;
  table.csv = csv;
  table.genres = genres;
  table.has_artist = column.count("artist") != 0;
  table.has_split = column.count("split") != 0;
  const fs::path base = csv.parent_path();
  auto field = [&](const char* name) -> std::string {
    const auto it = column.find(name);
    return it == column.end() || it->second >= fields.size() ? std::string() : fields[it->second];
  };
  std::set<std::string> tracks;
  std::error_code ec;
  while (reader.next(fields)) {
    if (fields.size() != column.size()) {
      throw Error(reader.where() + std::to_string(fields.size()) + " fields, the header has " + std::to_string(column.size()));
    }
    LabelledFile f;
    f.line = reader.line();
    const std::string path = field("path");
    f.genre = field("genre");
    if (path.empty() || f.genre.empty()) throw Error(reader.where() + "empty path or genre");
    f.path = fs::path(path).is_absolute() ? fs::path(path) : base / path;
    if (!fs::exists(f.path, ec)) throw Error(reader.where() + "'" + path + "' not found (paths are relative to the CSV's folder)");
    if (fs::is_directory(f.path, ec)) throw Error(reader.where() + "'" + path + "' is a folder, not an audio file");
    if (std::find(table.genres.begin(), table.genres.end(), f.genre) == table.genres.end()) {
      if (!genres.empty()) throw Error(reader.where() + "genre '" + f.genre + "' is not one of data.genres");
      table.genres.push_back(f.genre);
    }
    f.track_id = field("track").empty() ? f.path.stem().string() : field("track");
    if (!tracks.insert(f.track_id).second) {
      throw Error(reader.where() + "track '" + f.track_id + "' given twice (track ids, by default the file stems, must be unique)");
    }
    f.artist = field("artist");
    if (table.has_split) {
      try {
        f.split = parse_subset(field("split"));
      } catch (const Error& e) {
        throw Error(reader.where() + "split: " + e.what());
      }
    }
    table.files.push_back(std::move(f));
  }
  if (table.files.empty()) throw Error(csv.string() + ": no rows after the header");
  return table;
}

}  // namespace jaams::data
