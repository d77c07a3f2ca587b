#pragma once
// PNG files of rendered images: what `jaams preprocess` writes for people to look at (training
// reads the raw cache instead).
#include <cstdint>
#include <filesystem>
#include <vector>

#include "jaams/image/render.hpp"

namespace jaams::image {

// PNG bytes of an image, deterministic for equal input. Throws jaams::Error for an image whose
// pixel buffer does not match its size.
std::vector<std::uint8_t> encode_png(const Image& image);
// encode_png, written atomically (temporary file, then rename).
void write_png(const std::filesystem::path& path, const Image& image);
// Reads a PNG back as RGB (for tests and for inspecting outputs); throws naming the file.
Image read_png(const std::filesystem::path& path);

}  // namespace jaams::image
