#include "jaams/models/torchscript_export.hpp"

#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/frontend/tracer.h>
#include <torch/torch.h>

#include <algorithm>
#include <sstream>

#include "jaams/util/atomic_file.hpp"
#include "jaams/util/error.hpp"

namespace jaams::models {

namespace {

// "features.0.weight" -> "features_0_weight": attribute names cannot hold dots.
std::string attribute_name(std::string name) {
  std::replace(name.begin(), name.end(), '.', '_');
  return name;
}

constexpr const char* kBatchedForward = R"(
def forward(self, x: Tensor) -> Tensor:
    return torch.cat([self.forward_one(x[i:i + 1]) for i in range(x.size(0))])
)";

}  // namespace

torch::Tensor example_input(const ModelSpec& spec) {
  if (spec.is_matrix()) return torch::zeros({1, spec.matrix_size()}, torch::kFloat32);
  return torch::zeros({1, 3, spec.height, spec.width}, torch::kUInt8);
}

void export_torchscript(ClassifierImpl& model, const std::map<std::string, std::string>& extra_files,
                        const std::filesystem::path& path) {
  if (!model.device().is_cpu()) throw Error("TorchScript export: the model must be on the CPU, not " + model.device().str());
  const bool was_training = model.is_training();
  model.eval();

  torch::jit::Module module("jaams_export");
  for (const auto& p : model.named_parameters(/*recurse=*/true))
    module.register_parameter(attribute_name(p.key()), p.value(), /*is_buffer=*/false);
  for (const auto& b : model.named_buffers(/*recurse=*/true)) module.register_buffer(attribute_name(b.key()), b.value());

  torch::NoGradGuard no_grad;
  auto traced = [&model](torch::jit::Stack inputs) -> torch::jit::Stack {
    return {torch::softmax(model.forward(inputs.at(0).toTensor()), 1)};
  };
  auto no_names = [](const torch::autograd::Variable&) { return std::string(); };
  std::shared_ptr<torch::jit::Graph> graph;
  try {
    auto state = torch::jit::tracer::trace({example_input(model.spec())}, traced, no_names, /*strict=*/true,
                                           /*force_outplace=*/false, &module)
                     .first;
    graph = state->graph;
  } catch (const c10::Error& e) {
    if (was_training) model.train();
    throw Error("TorchScript export of model '" + model.spec().name + "': tracing failed: " + e.what_without_backtrace());
  }
  if (was_training) model.train();

  auto unit = module._ivalue()->compilation_unit();
  auto* forward_one = unit->create_function(c10::QualifiedName(*module.type()->name(), "forward_one"), graph);
  module.type()->addMethod(forward_one);
  module.define(kBatchedForward);

  torch::jit::ExtraFilesMap extra(extra_files.begin(), extra_files.end());
  std::ostringstream bytes;
  module.save(bytes, extra);
  write_file_atomic(path, bytes.str());
}

}  // namespace jaams::models
