#include "jaams/util/progress.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>

#include "jaams/util/logging.hpp"

namespace jaams {
using Clock = std::chrono::steady_clock;

Progress::Progress(std::string label, std::size_t total, std::string unit)
    : label_(std::move(label)),
      total_(total),
      unit_(std::move(unit)),
      terminal_(stderr_is_terminal() && spdlog::should_log(spdlog::level::info)),
      start_(Clock::now()),
      last_draw_(start_) {}

Progress::~Progress() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (terminal_) {
    draw(true);
    std::fputc('\n', stderr);
  }
}

double Progress::elapsed_seconds() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

void Progress::advance(std::size_t n, const std::string& status) {
  done_ += n;
  std::lock_guard<std::mutex> lock(mutex_);
  if (!status.empty()) status_ = status;
  const auto now = Clock::now();
  // Redraw a terminal bar 10 times a second; log a line every 10 s elsewhere.
  const auto interval = terminal_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(10000);
  if (now - last_draw_ >= interval || (total_ > 0 && done_ == total_)) {
    last_draw_ = now;
    draw(false);
  }
}

void Progress::set_status(const std::string& status) {
  std::lock_guard<std::mutex> lock(mutex_);
  status_ = status;
}

void Progress::draw(bool final) {
  const double secs = elapsed_seconds();
  const std::size_t done = done_.load();
  const double rate = secs > 0 ? done / secs : 0.0;
  char counts[128];
  if (total_ > 0) {
    std::snprintf(counts, sizeof counts, "%zu/%zu %s, %.1f %s/s", done, total_, unit_.c_str(), rate, unit_.c_str());
  } else {
    std::snprintf(counts, sizeof counts, "%zu %s, %.1f %s/s", done, unit_.c_str(), rate, unit_.c_str());
  }
  if (!terminal_) {
    spdlog::info("{}: {}{}{}", label_, counts, status_.empty() ? "" : "  ", status_);
    return;
  }
  constexpr int kWidth = 30;
  std::string bar;
  if (total_ > 0) {
    const int filled = static_cast<int>(kWidth * std::min(1.0, double(done) / total_));
    bar = "[" + std::string(filled, '#') + std::string(kWidth - filled, '.') + "] ";
  }
  std::fprintf(stderr, "\r\033[K%s %s%s%s%s", label_.c_str(), bar.c_str(), counts, status_.empty() ? "" : "  ",
               status_.c_str());
  if (!final) std::fflush(stderr);
}

}  // namespace jaams
