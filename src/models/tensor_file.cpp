#include "jaams/models/tensor_file.hpp"

#include <torch/script.h>

#include <system_error>

#include "jaams/models/classifier.hpp"
#include "jaams/util/error.hpp"

namespace jaams::models {

TensorFile TensorFile::read(const std::filesystem::path& path, const TensorFileKind& kind, const std::string& what) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw Error(what + ": no such file (make one with " + kind.writer + ")");
  }
  TensorFile out;
  out.what_ = what;
  try {
    torch::jit::Module file = torch::jit::load(path.string(), torch::Device(torch::kCPU));
    const bool tagged = file.hasattr("format") && file.attr("format").isString();
    if (!tagged || file.attr("format").toStringRef() != kind.format || !file.hasattr("tensors") ||
        !file.attr("tensors").isGenericDict()) {
      throw Error(what + ": not a file written by " + kind.writer + " (expected format " + kind.format +
                  (tagged ? ", found " + file.attr("format").toStringRef() : std::string()) + ")");
    }
    if (file.hasattr("source") && file.attr("source").isString()) out.source_ = file.attr("source").toStringRef();
    for (const auto& item : file.attr("tensors").toGenericDict()) {
      if (item.key().isString() && item.value().isTensor()) {
        out.tensors_.emplace(item.key().toStringRef(), item.value().toTensor());
      }
    }
    if (file.hasattr("strings") && file.attr("strings").isGenericDict()) {
      for (const auto& item : file.attr("strings").toGenericDict()) {
        if (item.key().isString() && item.value().isString()) {
          out.strings_.emplace(item.key().toStringRef(), item.value().toStringRef());
        }
      }
    }
  } catch (const c10::Error& e) {
    throw Error(what + ": not a TorchScript file written by " + kind.writer + " (" + e.what_without_backtrace() + ")" +
                (kind.hint.empty() ? std::string() : "; " + kind.hint));
  }
  return out;
}

const torch::Tensor& TensorFile::tensor(const std::string& name, at::IntArrayRef shape) const {
  const auto found = tensors_.find(name);
  if (found == tensors_.end()) throw Error(what_ + ": lacks tensor " + name);
  const auto& t = found->second;
  if (t.sizes() != shape) {
    throw Error(what_ + ": tensor " + name + " has shape " + shape_string(t.sizes()) + ", expected " +
                shape_string(shape));
  }
  if (t.scalar_type() != torch::kFloat) {
    throw Error(what_ + ": tensor " + name + " is " + std::string(c10::toString(t.scalar_type())) +
                ", expected float32");
  }
  return t;
}

const std::string& TensorFile::string(const std::string& name) const {
  const auto found = strings_.find(name);
  if (found == strings_.end()) throw Error(what_ + ": lacks string " + name);
  return found->second;
}

}  // namespace jaams::models
