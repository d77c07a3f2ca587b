#pragma once
// Tensor files: the small TorchScript modules that jaams' conversion scripts write
// (scripts/export_alexnet.py, scripts/import_compact_cnn.py), because C++ cannot read Python
// pickles or Keras HDF5. Such a module has the attributes
//   format:  str, a version tag naming the layout ("jaams-alexnet-features-v1", ...);
//   source:  str, where the weights came from;
//   tensors: Dict[str, Tensor], float32;
//   strings: Dict[str, str], optional (e.g. a network's output names).
#include <torch/types.h>

#include <filesystem>
#include <map>
#include <string>

namespace jaams::models {

// What a reader expects; the texts go into its error messages.
struct TensorFileKind {
  std::string format;  // the format tag the file must carry
  std::string writer;  // the script that writes such files, e.g. "scripts/export_alexnet.py"
  std::string hint;    // advice for a file that is not TorchScript at all ("" for none)
};

class TensorFile {
 public:
  // Reads `path`. `what` names the file in errors, e.g. "model.backbone_weights 'x.pt'".
  // Throws jaams::Error when the file is missing, not TorchScript, or carries another format.
  static TensorFile read(const std::filesystem::path& path, const TensorFileKind& kind, const std::string& what);

  const std::string& source() const { return source_; }
  const std::map<std::string, torch::Tensor>& tensors() const { return tensors_; }

  // The float32 tensor `name` of shape `shape`; throws jaams::Error naming the file and the tensor
  // when it is absent or has another shape or type.
  const torch::Tensor& tensor(const std::string& name, at::IntArrayRef shape) const;
  // The string `name`; throws jaams::Error when absent.
  const std::string& string(const std::string& name) const;

 private:
  std::string what_;
  std::string source_;
  std::map<std::string, torch::Tensor> tensors_;
  std::map<std::string, std::string> strings_;
};

}  // namespace jaams::models
