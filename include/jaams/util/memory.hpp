#pragma once

namespace jaams {

// Keeps freed heap memory in the process instead of returning it to the kernel. LibTorch frees
// and re-allocates the same large activation buffers (>100 MB for a batch of 288x432 images)
// at every step; glibc serves such sizes with fresh mmap()s, so each step paid for zeroing new
// pages in the kernel (training measured 40% of its time in system calls). With this, a step
// reuses the previous step's memory. Called once at start-up by the jaams executable.
void keep_freed_memory();

}  // namespace jaams
