#pragma once
// Progress for long jobs: a bar redrawn in place on a terminal, a log line every few seconds
// otherwise (CI logs, nohup). Thread-safe: workers call advance() concurrently.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>

namespace jaams {

class Progress {
 public:
  // `total` of 0 means unknown. `unit` names what is counted ("files", "batches").
  Progress(std::string label, std::size_t total, std::string unit);
  ~Progress();  // finishes the bar line

  // Counts `n` more done; `status` (e.g. "loss 0.41 acc 0.88") is shown beside the bar.
  void advance(std::size_t n = 1, const std::string& status = "");
  void set_status(const std::string& status);
  std::size_t done() const { return done_.load(); }
  double elapsed_seconds() const;

 private:
  void draw(bool final);

  std::string label_;
  std::size_t total_;
  std::string unit_;
  std::string status_;
  std::atomic<std::size_t> done_{0};
  bool terminal_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  std::mutex mutex_;
};

}  // namespace jaams
