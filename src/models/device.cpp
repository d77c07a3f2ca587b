#include "jaams/models/device.hpp"

#include <torch/cuda.h>
#include <torch/version.h>

#include <sstream>
#include <thread>

#include "jaams/util/error.hpp"


namespace jaams {

torch::Device resolve_device(const std::string& name) {
  if (name == "auto") return torch::cuda::is_available() ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
  if (name == "cpu") return torch::Device(torch::kCPU);
  if (name.rfind("cuda", 0) == 0) {
    if (!torch::cuda::is_available()) {
      throw Error("device '" + name + "': CUDA is not usable with this LibTorch build (" TORCH_VERSION
                  "); build against a CUDA LibTorch (README, \"GPU build\") or use --device cpu");
    }
    try {
      torch::Device device(name);
      if (device.has_index() && device.index() >= static_cast<int>(torch::cuda::device_count())) {
        throw Error("device '" + name + "': only " + std::to_string(torch::cuda::device_count()) + " CUDA device(s)");
      }
      return device;
    } catch (const c10::Error&) {
      throw Error("device '" + name + "': expected auto, cpu, cuda or cuda:N");
    }
  }
  throw Error("device '" + name + "': expected auto, cpu, cuda or cuda:N");
}

std::string describe_system() {
  std::ostringstream out;
  out << "LibTorch " << TORCH_VERSION << "\n";
  if (torch::cuda::is_available()) {
    out << "CUDA: usable, " << torch::cuda::device_count() << " device(s)";
  } else {
    out << "CUDA: not usable (CPU only)";
  }
  out << "\nCPU threads: " << std::thread::hardware_concurrency();
  return out.str();
}

}  // namespace jaams
