#pragma once
// The LibTorch APIs jaams uses that differ between Debian's LibTorch 1.13 and the CUDA LibTorch 2.x
// of a GPU machine, behind one spelling each, so a 2.x build does not stop on them.
//
// Checked and the same in 1.13 and 2.x, so used directly: torch::cuda::is_available,
// device_count and synchronize; torch::MemoryFormat::ChannelsLast and Tensor::contiguous(format);
// Tensor::pin_memory(); at::globalContext().setAllowTF32CuDNN/CuBLAS and setBenchmarkCuDNN;
// torch::nn::functional::cross_entropy; torch::jit::load; c10::Dict and c10::IValue.
// jaams passes no c10::optional itself (2.x makes it an alias of std::optional) and includes no
// at::cuda headers (pinned memory goes through Tensor::pin_memory, streams are LibTorch's).
// The language standard is CMake's concern: CMakeLists.txt builds with C++20 for LibTorch 2.14+.
#include <ATen/autocast_mode.h>
#include <torch/types.h>
#include <torch/version.h>

#define JAAMS_TORCH_AT_LEAST(major, minor) \
  (TORCH_VERSION_MAJOR > (major) || (TORCH_VERSION_MAJOR == (major) && TORCH_VERSION_MINOR >= (minor)))

namespace jaams::models {

// Mixed precision for the operations LibTorch's autocast lists (convolutions and matrix products
// in `dtype`, reductions and losses in float32) while the guard lives; the previous state comes
// back after. 2.4 replaced the per-device functions (set_enabled, set_cpu_enabled,
// set_autocast_gpu_dtype, ...) with ones taking the device type, and deprecated the old ones.
class AutocastGuard {
 public:
  AutocastGuard(torch::DeviceType device, torch::ScalarType dtype) : device_(device) {
#if JAAMS_TORCH_AT_LEAST(2, 4)
    was_enabled_ = at::autocast::is_autocast_enabled(device);
    was_dtype_ = at::autocast::get_autocast_dtype(device);
    at::autocast::set_autocast_dtype(device, dtype);
    at::autocast::set_autocast_enabled(device, true);
#else
    if (device == torch::kCUDA) {
      was_enabled_ = at::autocast::is_enabled();
      was_dtype_ = at::autocast::get_autocast_gpu_dtype();
      at::autocast::set_autocast_gpu_dtype(dtype);
      at::autocast::set_enabled(true);
    } else {
      was_enabled_ = at::autocast::is_cpu_enabled();
      was_dtype_ = at::autocast::get_autocast_cpu_dtype();
      at::autocast::set_autocast_cpu_dtype(dtype);
      at::autocast::set_cpu_enabled(true);
    }
#endif
    at::autocast::increment_nesting();
  }
  ~AutocastGuard() {
    // Leaving the outermost region drops the cached low-precision copies of the weights.
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
#if JAAMS_TORCH_AT_LEAST(2, 4)
    at::autocast::set_autocast_enabled(device_, was_enabled_);
    at::autocast::set_autocast_dtype(device_, was_dtype_);
#else
    if (device_ == torch::kCUDA) {
      at::autocast::set_enabled(was_enabled_);
      at::autocast::set_autocast_gpu_dtype(was_dtype_);
    } else {
      at::autocast::set_cpu_enabled(was_enabled_);
      at::autocast::set_autocast_cpu_dtype(was_dtype_);
    }
#endif
  }
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
  torch::DeviceType device_;
  bool was_enabled_ = false;
  torch::ScalarType was_dtype_ = torch::kFloat;
};

}  // namespace jaams::models
