#include "jaams/eval/audit_record.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "jaams/util/atomic_file.hpp"
#include "jaams/util/error.hpp"

namespace jaams::eval {

std::size_t AuditRecord::crossing() const {
  return static_cast<std::size_t>(
      std::count_if(groups.begin(), groups.end(), [](const DuplicateGroup& g) { return g.crosses_splits; }));
}

void write_audit_record(const std::filesystem::path& run_dir, const AuditRecord& r) {
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& g : r.groups)
    groups.push_back({{"files", g.files}, {"splits", g.splits}, {"crosses_splits", g.crosses_splits}});
  const nlohmann::json j = {{"data", r.data}, {"files", r.files}, {"pairs", r.pairs}, {"groups", groups}};
  write_file_atomic(run_dir / kAuditFile, j.dump(1) + "\n");
}

AuditRecord read_audit_record(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path.string() + ": cannot open audit record");
  AuditRecord r;
  try {
    const nlohmann::json j = nlohmann::json::parse(in);
    r.data = j.at("data").get<std::string>();
    r.files = j.at("files").get<std::size_t>();
    r.pairs = j.at("pairs").get<std::size_t>();
    for (const auto& g : j.at("groups"))
      r.groups.push_back({g.at("files").get<std::vector<std::string>>(), g.at("splits").get<std::vector<std::string>>(),
                          g.at("crosses_splits").get<bool>()});
  } catch (const nlohmann::json::exception& e) {
    throw Error(path.string() + ": not an audit record written by jaams audit (" + e.what() + ")");
  }
  return r;
}

}  // namespace jaams::eval
