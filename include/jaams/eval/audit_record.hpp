#pragma once
// What `jaams audit --run RUN` found, kept in the run folder as RUN/audit.json so that
// `jaams report` can show the duplicate recordings next to the accuracies they may inflate:
//   {"data": "<audited folder>", "files": N, "pairs": P,
//    "groups": [{"files": [...], "splits": ["test", "train"], "crosses_splits": true}, ...]}
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace jaams::eval {

inline constexpr const char* kAuditFile = "audit.json";

struct DuplicateGroup {
  std::vector<std::string> files;
  std::vector<std::string> splits;  // the run's subsets the group's tracks are in (sorted)
  bool crosses_splits = false;
};

struct AuditRecord {
  std::string data;
  std::size_t files = 0;
  std::size_t pairs = 0;
  std::vector<DuplicateGroup> groups;
  std::size_t crossing() const;
};

void write_audit_record(const std::filesystem::path& run_dir, const AuditRecord& record);
// Throws jaams::Error naming the file when it is not an audit record.
AuditRecord read_audit_record(const std::filesystem::path& path);

}  // namespace jaams::eval
