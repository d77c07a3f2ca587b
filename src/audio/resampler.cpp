#include "jaams/audio/resampler.hpp"

#include <soxr.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "jaams/util/error.hpp"

namespace jaams::audio {

struct Resampler::Impl {
  double in_rate = 0.0;
  double out_rate = 0.0;
  soxr_t soxr = nullptr;  // null when the rates are equal (passthrough)
  std::size_t in_total = 0;
  std::size_t out_total = 0;
  bool flushed = false;

  ~Impl() {
    if (soxr != nullptr) soxr_delete(soxr);
  }

  // Runs soxr on `n` input samples (n == 0 with in == nullptr drains it), appending to `out`.
  void run(const float* in, std::size_t n, std::vector<float>& out) {
    const double ratio = out_rate / in_rate;
    // soxr fills at most `room` samples per call; what it cannot place stays queued inside it.
    const std::size_t room = std::max<std::size_t>(4096, static_cast<std::size_t>(std::ceil(double(n) * ratio)) + 64);
    std::size_t consumed = 0;
    for (;;) {
      const std::size_t old_size = out.size();
      out.resize(old_size + room);
      std::size_t idone = 0;
      std::size_t odone = 0;
      const soxr_error_t err = soxr_process(soxr, in == nullptr ? nullptr : in + consumed, n - consumed, &idone,
                                            out.data() + old_size, room, &odone);
      out.resize(old_size + odone);
      if (err != nullptr) throw Error(std::string("resampler: soxr failed: ") + err);
      consumed += idone;
      out_total += odone;
      // Done when the input is used up and soxr had room to spare (nothing more is waiting).
      if (consumed >= n && odone < room) break;
    }
  }
};

Resampler::Resampler(double in_rate, double out_rate) : impl_(std::make_unique<Impl>()) {
  if (!(in_rate > 0.0) || !std::isfinite(in_rate) || !(out_rate > 0.0) || !std::isfinite(out_rate)) {
    throw Error("resampler: sample rates must be positive, got " + std::to_string(in_rate) + " -> " +
                std::to_string(out_rate));
  }
  impl_->in_rate = in_rate;
  impl_->out_rate = out_rate;
  if (in_rate == out_rate) return;
  const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
  soxr_error_t err = nullptr;
  impl_->soxr = soxr_create(in_rate, out_rate, 1, &err, &io, &quality, nullptr);
  if (err != nullptr || impl_->soxr == nullptr) {
    throw Error(std::string("resampler: cannot create soxr resampler: ") + (err != nullptr ? err : "unknown error"));
  }
}

Resampler::~Resampler() = default;
Resampler::Resampler(Resampler&&) noexcept = default;
Resampler& Resampler::operator=(Resampler&&) noexcept = default;

void Resampler::process(const float* in, std::size_t n, std::vector<float>& out) {
  Impl& r = *impl_;
  if (r.flushed) throw Error("resampler: process() called after flush()");
  r.in_total += n;
  if (n == 0) return;
  if (r.soxr == nullptr) {
    out.insert(out.end(), in, in + n);
    r.out_total += n;
    return;
  }
  r.run(in, n, out);
}

void Resampler::flush(std::vector<float>& out) {
  Impl& r = *impl_;
  if (r.flushed) return;
  r.flushed = true;
  if (r.soxr == nullptr) return;
  const std::size_t before = out.size();
  r.run(nullptr, 0, out);
  // Make the total exactly ceil(n * out / in) samples, trimming or zero-padding soxr's tail the
  // way librosa.resample does, so segment counts and feature frames agree with librosa.
  const auto target = static_cast<std::size_t>(std::ceil(double(r.in_total) * (r.out_rate / r.in_rate)));
  if (r.out_total > target) {
    const std::size_t excess = std::min(r.out_total - target, out.size() - before);
    out.resize(out.size() - excess);
    r.out_total -= excess;
  } else if (r.out_total < target) {
    out.resize(out.size() + (target - r.out_total), 0.0f);
    r.out_total = target;
  }
}

std::vector<float> resample(const std::vector<float>& in, double in_rate, double out_rate) {
  Resampler r(in_rate, out_rate);
  std::vector<float> out;
  out.reserve(static_cast<std::size_t>(std::ceil(double(in.size()) * (out_rate / in_rate))) + 16);
  r.process(in.data(), in.size(), out);
  r.flush(out);
  return out;
}

}  // namespace jaams::audio
