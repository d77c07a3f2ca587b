#pragma once
// Choosing where models run. "auto" takes CUDA when LibTorch sees a GPU, else the CPU.
#include <string>

#include <torch/types.h>

namespace jaams {

// "auto" | "cpu" | "cuda" | "cuda:N". Throws jaams::Error for an unknown name, or for "cuda"
// when this LibTorch build has no usable GPU.
torch::Device resolve_device(const std::string& name);

// Lines for `jaams --version`: LibTorch version, CUDA availability and device names, CPU threads.
std::string describe_system();

}  // namespace jaams
