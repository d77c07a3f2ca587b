#include "jaams/audio/decoder.hpp"

#include <sndfile.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <system_error>
#include <utility>

#include "jaams/util/error.hpp"
#include "jaams/util/sndfile_lock.hpp"

namespace jaams::audio {
namespace fs = std::filesystem;

namespace {

// Frames read per libsndfile call; bounds the interleaved scratch buffer whatever the caller asks.
constexpr std::size_t kScratchFrames = 4096;

[[noreturn]] void fail(const fs::path& path, const std::string& reason) {
  throw Error(path.string() + ": cannot decode: " + reason);
}

// libsndfile would block forever opening a FIFO and gives vague messages for folders and broken
// links, so anything that is not a regular file with content is refused by name first.
void check_openable(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    struct stat lst {};
    if (err == ENOENT && ::lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode)) {
      fail(path, "dangling symbolic link");
    }
    fail(path, std::strerror(err));
  }
  if (S_ISDIR(st.st_mode)) fail(path, "is a directory");
  if (S_ISFIFO(st.st_mode)) fail(path, "is a FIFO (named pipe), not a regular file");
  if (S_ISSOCK(st.st_mode)) fail(path, "is a socket, not a regular file");
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) fail(path, "is a device, not a regular file");
  if (!S_ISREG(st.st_mode)) fail(path, "not a regular file");
  if (st.st_size == 0) fail(path, "empty file");
}

std::string format_name(int format) {
  switch (format & SF_FORMAT_TYPEMASK) {
    case SF_FORMAT_WAV:
      return "WAV";
    case SF_FORMAT_WAVEX:
      return "WAVEX";
    case SF_FORMAT_RF64:
      return "RF64";
    case SF_FORMAT_AIFF:
      return "AIFF";
    case SF_FORMAT_AU:
      return "AU";
    case SF_FORMAT_FLAC:
      return "FLAC";
    case SF_FORMAT_OGG:
      return "OGG";
    case SF_FORMAT_CAF:
      return "CAF";
    case SF_FORMAT_W64:
      return "W64";
    case SF_FORMAT_MPEG:
      return "MPEG";  // libsndfile >= 1.1 (Debian 12 has 1.2)
    default:
      break;
  }
  SF_FORMAT_INFO fi{};
  fi.format = format & SF_FORMAT_TYPEMASK;
  const std::lock_guard<std::mutex> lock(sndfile_global_state_mutex());  // sf_command(nullptr) resets the error
  if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &fi, sizeof(fi)) == 0 && fi.name != nullptr) {
    std::string name = fi.name;
    return name.substr(0, name.find(' '));
  }
  return "unknown";
}

}  // namespace

struct Decoder::Impl {
  fs::path path;
  SNDFILE* file = nullptr;
  AudioInfo info;
  std::vector<float> scratch;  // interleaved frames, kScratchFrames * channels
  std::int64_t frames_read = 0;

  ~Impl() {
    if (file != nullptr) sf_close(file);
  }
};

Decoder::Decoder(const fs::path& path) : impl_(std::make_unique<Impl>()) {
  impl_->path = path;
  check_openable(path);
  SF_INFO sfinfo{};
  std::string open_error;
  impl_->file = open_sndfile([&] { return sf_open(path.c_str(), SFM_READ, &sfinfo); }, open_error);
  if (impl_->file == nullptr) fail(path, open_error);
  if (sfinfo.channels <= 0 || sfinfo.samplerate <= 0) {
    fail(path, "header gives " + std::to_string(sfinfo.channels) + " channels at " + std::to_string(sfinfo.samplerate) +
                   " Hz");
  }
  // A header claiming 1 Hz would make resampling to 22050 Hz expand every block 22050-fold
  // (gigabytes for seconds of data); no real recording lies outside this range.
  if (sfinfo.samplerate < kMinSampleRate || sfinfo.samplerate > kMaxSampleRate) {
    fail(path, "sample rate " + std::to_string(sfinfo.samplerate) + " Hz is outside " + std::to_string(kMinSampleRate) +
                   ".." + std::to_string(kMaxSampleRate) + " Hz");
  }
  impl_->info.sample_rate = sfinfo.samplerate;
  impl_->info.channels = sfinfo.channels;
  impl_->info.frames = static_cast<std::int64_t>(sfinfo.frames);
  impl_->info.format = format_name(sfinfo.format);
  impl_->scratch.resize(kScratchFrames * static_cast<std::size_t>(sfinfo.channels));
}

Decoder::~Decoder() = default;
Decoder::Decoder(Decoder&&) noexcept = default;
Decoder& Decoder::operator=(Decoder&&) noexcept = default;

const AudioInfo& Decoder::info() const { return impl_->info; }

std::size_t Decoder::read_mono(float* out, std::size_t max_frames) {
  Impl& d = *impl_;
  const auto channels = static_cast<std::size_t>(d.info.channels);
  std::size_t done = 0;
  while (done < max_frames) {
    const std::size_t want = std::min(kScratchFrames, max_frames - done);
    float* dst = out + done;
    // Mono needs no mixing: read straight into the caller's buffer.
    float* src = channels == 1 ? dst : d.scratch.data();
    const sf_count_t got = sf_readf_float(d.file, src, static_cast<sf_count_t>(want));
    if (got < 0 || (got < static_cast<sf_count_t>(want) && sf_error(d.file) != SF_ERR_NO_ERROR)) {
      throw Error(d.path.string() + ": read error after " + std::to_string(d.frames_read) +
                  " frames: " + sf_strerror(d.file));
    }
    if (channels > 1) {
      // A plain mean (sum, then divide), as librosa's to_mono computes it.
      const auto n = static_cast<float>(channels);
      for (sf_count_t i = 0; i < got; ++i) {
        const float* frame = src + static_cast<std::size_t>(i) * channels;
        float sum = 0.0f;
        for (std::size_t c = 0; c < channels; ++c) sum += frame[c];
        dst[i] = sum / n;
      }
    }
    done += static_cast<std::size_t>(got);
    d.frames_read += got;
    if (got < static_cast<sf_count_t>(want)) break;  // end of file
  }
  return done;
}

}  // namespace jaams::audio
