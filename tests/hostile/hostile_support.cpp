#include "hostile_support.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <vector>

#include "predict_fixtures.hpp"
#include "test_support.hpp"

namespace jaams::hostile {
namespace fs = std::filesystem;

namespace {

void put_u32(std::ofstream& out, std::uint32_t v) {
  const char b[4] = {char(v & 0xff), char((v >> 8) & 0xff), char((v >> 16) & 0xff), char((v >> 24) & 0xff)};
  out.write(b, 4);
}
void put_u16(std::ofstream& out, std::uint16_t v) {
  const char b[2] = {char(v & 0xff), char((v >> 8) & 0xff)};
  out.write(b, 2);
}

void write_wav_header(std::ofstream& out, std::uint32_t frames, int sample_rate) {
  const std::uint32_t data_bytes = frames * 2;
  out.write("RIFF", 4);
  put_u32(out, 36 + data_bytes);
  out.write("WAVEfmt ", 8);
  put_u32(out, 16);
  put_u16(out, 1);  // PCM
  put_u16(out, 1);  // mono
  put_u32(out, static_cast<std::uint32_t>(sample_rate));
  put_u32(out, static_cast<std::uint32_t>(sample_rate) * 2);
  put_u16(out, 2);
  put_u16(out, 16);
  out.write("data", 4);
  put_u32(out, data_bytes);
}

MeasuredRun run_child(const std::string& args, std::uint64_t max_file_bytes) {
  MeasuredRun run;
  char log_name[] = "/tmp/jaams-hostile-log-XXXXXX";
  const int log_fd = ::mkstemp(log_name);
  if (log_fd < 0) {
    ADD_FAILURE() << "cannot create a log file";
    return run;
  }
  const std::string command = "exec " + test::jaams_binary() + " " + args;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    if (max_file_bytes > 0) {
      ::signal(SIGXFSZ, SIG_IGN);  // stays ignored across exec: writes fail with EFBIG instead
      const rlimit limit{max_file_bytes, max_file_bytes};
      ::setrlimit(RLIMIT_FSIZE, &limit);
    }
    ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(log_fd);
  int status = 0;
  rusage usage{};
  ::wait4(pid, &status, 0, &usage);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.max_rss_mb = usage.ru_maxrss / 1024;  // kilobytes on Linux
  run.output = test::slurp(log_name);
  ::unlink(log_name);
  return run;
}

}  // namespace

MeasuredRun run_jaams_measured(const std::string& args) { return run_child(args, 0); }

MeasuredRun run_jaams_with_file_size_limit(const std::string& args, std::uint64_t max_file_bytes) {
  return run_child(args, max_file_bytes);
}

void write_long_wav(const fs::path& path, double seconds, int sample_rate) {
  const auto frames = static_cast<std::uint32_t>(std::llround(seconds * sample_rate));
  std::ofstream out(path, std::ios::binary);
  write_wav_header(out, frames, sample_rate);
  std::vector<std::int16_t> block(static_cast<std::size_t>(sample_rate));
  double phase[3] = {0, 0, 0};
  for (std::uint32_t done = 0; done < frames;) {
    const std::uint32_t n = std::min<std::uint32_t>(frames - done, static_cast<std::uint32_t>(block.size()));
    const int second = static_cast<int>(done / static_cast<std::uint32_t>(sample_rate));
    const double base = 110.0 * (1 + second % 7);
    for (std::uint32_t i = 0; i < n; ++i) {
      double v = 0.0;
      for (int k = 0; k < 3; ++k) {
        phase[k] += 2.0 * M_PI * base * (1.0 + 0.5 * k) / sample_rate;
        v += std::sin(phase[k]) / (k + 1);
      }
      block[i] = static_cast<std::int16_t>(6000.0 * v);
    }
    out.write(reinterpret_cast<const char*>(block.data()), static_cast<std::streamsize>(n * 2));
    done += n;
  }
}

void write_music(const fs::path& path, double seconds, int variant) {
  if (!path.parent_path().empty()) fs::create_directories(path.parent_path());
  test::write_audio(path, predict::fixtures::music(seconds, 22050, variant), 22050);
}

void write_wav_with_claimed_rate(const fs::path& path, double seconds, int claimed_rate) {
  const auto frames = static_cast<std::uint32_t>(std::llround(seconds * 22050));
  std::ofstream out(path, std::ios::binary);
  write_wav_header(out, frames, claimed_rate);
  for (std::uint32_t i = 0; i < frames; ++i) {
    const auto v = static_cast<std::int16_t>(8000.0 * std::sin(2.0 * M_PI * 440.0 * i / 22050.0));
    out.write(reinterpret_cast<const char*>(&v), 2);
  }
}

void damage_package(const fs::path& package, const fs::path& damaged, const std::string& how) {
  const std::string script =
      "import sys, zipfile\n"
      "src, dst, how = sys.argv[1:4]\n"
      "zin = zipfile.ZipFile(src)\n"
      "items = [(i, zin.read(i.filename)) for i in zin.infolist()]\n"
      "big = max((x for x in items if '/data/' in x[0].filename), key=lambda x: len(x[1]))[0].filename\n"
      "with zipfile.ZipFile(dst, 'w', zipfile.ZIP_STORED) as zout:\n"
      "    for info, data in items:\n"
      "        if info.filename == big:\n"
      "            data = data[:1000] if how == 'cut' else bytes([data[0] ^ 0xff]) + data[1:]\n"
      "        zout.writestr(info, data)\n";
  const fs::path script_file = damaged.parent_path() / "damage_package.py";
  std::ofstream(script_file) << script;
  std::string out;
  const int status = test::run_command("/usr/bin/python3 " + script_file.string() + " " + package.string() + " " +
                                           damaged.string() + " " + how,
                                       &out);
  ASSERT_EQ(status, 0) << out;
}

}  // namespace jaams::hostile
