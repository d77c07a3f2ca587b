#include "jaams/image/png.hpp"

#include <png.h>

#include <string>
#include <string_view>

#include "jaams/util/atomic_file.hpp"
#include "jaams/util/error.hpp"

namespace jaams::image {
namespace {

void append_bytes(png_structp png, png_bytep data, png_size_t size) {
  auto* out = static_cast<std::vector<std::uint8_t>*>(png_get_io_ptr(png));
  out->insert(out->end(), data, data + size);
}

void no_flush(png_structp) {}

// libpng reports errors by longjmp: nothing with a destructor may be created between setjmp and the
// end of this function, so the caller owns the output vector and the rows are plain pointers.
bool encode_rows(const Image& image, std::vector<std::uint8_t>* out) {
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  if (png == nullptr) return false;
  png_infop info = png_create_info_struct(png);
  if (info == nullptr) {
    png_destroy_write_struct(&png, nullptr);
    return false;
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return false;
  }
  png_set_write_fn(png, out, append_bytes, no_flush);
  png_set_IHDR(png, info, static_cast<png_uint_32>(image.width), static_cast<png_uint_32>(image.height), 8,
               PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  // No row filter and deflate level 1: on rendered spectrograms this is twice as fast as libpng's
  // adaptive filtering (OpenCV's only choice) and the files come out smaller, not larger
  // (BENCHMARKS.md, "Preprocess").
  png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
  png_set_compression_level(png, 1);
  png_write_info(png, info);
  const std::size_t stride = static_cast<std::size_t>(image.width) * 3;
  for (int row = 0; row < image.height; ++row)
    png_write_row(png, image.rgb.data() + static_cast<std::size_t>(row) * stride);
  png_write_end(png, info);
  png_destroy_write_struct(&png, &info);
  return true;
}

}  // namespace

std::vector<std::uint8_t> encode_png(const Image& image) {
  if (image.height <= 0 || image.width <= 0 ||
      image.rgb.size() != static_cast<std::size_t>(image.height) * static_cast<std::size_t>(image.width) * 3)
    throw Error("encode_png: image of " + std::to_string(image.height) + "x" + std::to_string(image.width) + " has " +
                std::to_string(image.rgb.size()) + " bytes, expected height*width*3");
  std::vector<std::uint8_t> bytes;
  bytes.reserve(image.rgb.size() / 2);
  if (!encode_rows(image, &bytes)) throw Error("encode_png: libpng failed to encode the image");
  return bytes;
}

void write_png(const std::filesystem::path& path, const Image& image) {
  const auto bytes = encode_png(image);
  write_file_atomic(path, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

Image read_png(const std::filesystem::path& path) {
  // libpng's simplified API converts any colour type and bit depth to 8-bit RGB and reports errors
  // in image.message rather than by longjmp. (OpenCV's imread would link imgcodecs, and with it
  // GDAL, for this one call.)
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  struct Release {  // png_image_free is a no-op once libpng has freed the image itself
    png_image* image;
    ~Release() { png_image_free(image); }
  } release{&image};
  if (png_image_begin_read_from_file(&image, path.c_str()) == 0)
    throw Error(path.string() + ": cannot read PNG: " + image.message);
  image.format = PNG_FORMAT_RGB;
  Image out;
  out.height = static_cast<int>(image.height);
  out.width = static_cast<int>(image.width);
  out.rgb.resize(PNG_IMAGE_SIZE(image));
  if (png_image_finish_read(&image, nullptr, out.rgb.data(), 0, nullptr) == 0)
    throw Error(path.string() + ": cannot read PNG: " + image.message);
  return out;
}

}  // namespace jaams::image
