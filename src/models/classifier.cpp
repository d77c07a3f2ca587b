#include "jaams/models/classifier.hpp"

#include <sstream>
#include <utility>

#include "jaams/models/model_params.hpp"
#include "jaams/util/error.hpp"

namespace jaams::models {

bool ModelSpec::same_shape(const ModelSpec& o) const {
  return name == o.name && num_classes == o.num_classes && height == o.height && width == o.width && input == o.input &&
         parts == o.parts;
}

bool ModelSpec::operator==(const ModelSpec& other) const { return same_shape(other) && params == other.params; }

int64_t ModelSpec::matrix_size() const {
  int64_t d = 0;
  for (const auto& p : parts) d += int64_t{p.rows} * p.cols;
  return d;
}

nlohmann::json to_json(const ModelSpec& spec) {
  nlohmann::json j = {{"name", spec.name},
                      {"num_classes", spec.num_classes},
                      {"height", spec.height},
                      {"width", spec.width},
                      {"input", spec.input},
                      {"params", spec.params.is_null() ? nlohmann::json::object() : spec.params}};
  if (spec.is_matrix()) {
    j["parts"] = nlohmann::json::array();
    for (const auto& p : spec.parts) j["parts"].push_back({{"kind", p.kind}, {"rows", p.rows}, {"cols", p.cols}});
  }
  return j;
}

namespace {

int positive_int_field(const nlohmann::json& json, const char* key, int default_value, const std::string& where) {
  const auto it = json.find(key);
  if (it == json.end()) return default_value;
  if (!it->is_number_integer() || it->get<long long>() < 1 || it->get<long long>() > 1'000'000) {
    throw Error(where + ": model." + key + " must be a positive integer, got " + it->dump());
  }
  return it->get<int>();
}

}  // namespace

ModelSpec model_spec_from_json(const nlohmann::json& json, const std::string& where) {
  if (!json.is_object()) throw Error(where + ": model must be an object, got " + json.dump());
  for (const auto& item : json.items()) {
    const auto& key = item.key();
    if (key != "name" && key != "num_classes" && key != "height" && key != "width" && key != "input" && key != "parts" &&
        key != "params") {
      throw Error(where + ": model." + key + ": unknown key (expected name, num_classes, height, width, input, parts, params)");
    }
  }
  ModelSpec spec;
  const auto name = json.find("name");
  if (name == json.end() || !name->is_string() || name->get<std::string>().empty()) {
    throw Error(where + ": model.name must be a non-empty string");
  }
  spec.name = name->get<std::string>();
  spec.num_classes = positive_int_field(json, "num_classes", spec.num_classes, where);
  if (spec.num_classes < 2) throw Error(where + ": model.num_classes must be at least 2");
  spec.height = positive_int_field(json, "height", spec.height, where);
  spec.width = positive_int_field(json, "width", spec.width, where);
  // Packages written before matrix inputs existed have no "input": they read images.
  const auto input = json.find("input");
  if (input != json.end()) {
    if (!input->is_string() || (*input != "image" && *input != "matrix")) {
      throw Error(where + ": model.input must be \"image\" or \"matrix\", got " + input->dump());
    }
    spec.input = input->get<std::string>();
  }
  if (spec.is_matrix()) {
    const auto parts = json.find("parts");
    if (parts == json.end() || !parts->is_array() || parts->empty()) {
      throw Error(where + ": model.parts must list the matrix input's kinds and shapes");
    }
    for (const auto& p : *parts) {
      if (!p.is_object() || !p.contains("kind") || !p["kind"].is_string()) {
        throw Error(where + ": model.parts entries need a kind, rows and cols, got " + p.dump());
      }
      spec.parts.push_back({p["kind"].get<std::string>(), positive_int_field(p, "rows", 0, where),
                            positive_int_field(p, "cols", 0, where)});
      if (spec.parts.back().rows < 1 || spec.parts.back().cols < 1) {
        throw Error(where + ": model.parts entries need positive rows and cols, got " + p.dump());
      }
    }
  }
  const auto params = json.find("params");
  if (params != json.end() && !params->is_null()) {
    if (!params->is_object()) throw Error(where + ": model.params must be a mapping, got " + params->dump());
    spec.params = *params;
  }
  return spec;
}

std::string shape_string(at::IntArrayRef sizes) {
  std::ostringstream out;
  out << '[';
  for (size_t i = 0; i < sizes.size(); ++i) out << (i ? ", " : "") << sizes[i];
  out << ']';
  return out.str();
}

ClassifierImpl::ClassifierImpl(ModelSpec spec) : spec_(std::move(spec)) {
  if (spec_.params.is_null()) spec_.params = nlohmann::json::object();
  if (spec_.num_classes < 2) throw Error("model.num_classes must be at least 2, got " + std::to_string(spec_.num_classes));
  if (spec_.is_matrix() && spec_.parts.empty()) throw Error("model.parts: a matrix input needs at least one part");
  if (spec_.height < 1 || spec_.width < 1) {
    throw Error("model.height/width must be positive, got " + std::to_string(spec_.height) + "x" +
                std::to_string(spec_.width));
  }
}

torch::Tensor ClassifierImpl::embed(const torch::Tensor& inputs) {
  if (!spec_.is_matrix()) return images_to_unit_float(inputs);
  auto x = matrix_input(inputs);
  if (spec_.parts.size() != 1) return x;
  const auto& part = spec_.parts.front();
  x = x.view({x.size(0), 1, part.rows, part.cols});
  // mel dB lies in [-top_db, 0]: by default centred near 0 so the default initialisation suits it.
  if (part.kind == "mel") x = (x + mel_offset_) / mel_divisor_;
  return x;
}

void ClassifierImpl::read_input_scale(ParamReader& params) {
  const auto scale = params.string("input_scale").value_or("centred");
  if (scale == "centred") {
    mel_offset_ = 40.0f, mel_divisor_ = 40.0f;
  } else if (scale == "unit") {
    mel_offset_ = 80.0f, mel_divisor_ = 80.0f;
  } else if (scale == "db") {
    mel_offset_ = 0.0f, mel_divisor_ = 1.0f;
  } else {
    throw Error("model.input_scale: expected centred, unit or db for model '" + spec_.name + "', got '" + scale + "'");
  }
}

std::vector<torch::Tensor> ClassifierImpl::trainable_parameters() {
  std::vector<torch::Tensor> out;
  for (auto& p : parameters(/*recurse=*/true)) {
    if (p.requires_grad()) out.push_back(p);
  }
  return out;
}

std::vector<int64_t> ClassifierImpl::embedding_shape() const {
  if (!spec_.is_matrix()) return {3, spec_.height, spec_.width};
  if (spec_.parts.size() == 1) return {1, spec_.parts.front().rows, spec_.parts.front().cols};
  return {spec_.matrix_size()};
}

torch::Device ClassifierImpl::device() const {
  const auto params = parameters(/*recurse=*/true);
  return params.empty() ? torch::Device(torch::kCPU) : params.front().device();
}

torch::Tensor ClassifierImpl::images_to_unit_float(const torch::Tensor& images) const {
  if (!images.defined() || images.dim() != 4 || images.size(1) != 3 || images.size(2) != spec_.height ||
      images.size(3) != spec_.width) {
    throw Error("model '" + spec_.name + "' expects images [N, 3, " + std::to_string(spec_.height) + ", " +
                std::to_string(spec_.width) + "], got " +
                (images.defined() ? shape_string(images.sizes()) : std::string("an empty tensor")));
  }
  const auto dev = device();
  if (images.scalar_type() == torch::kUInt8) {
    // Convert after the move: a uint8 copy to a GPU is a quarter of a float one.
    return images.to(dev).to(torch::kFloat32).div_(255.0);
  }
  if (!images.is_floating_point()) {
    throw Error("model '" + spec_.name + "' expects uint8 or float images, got " +
                std::string(c10::toString(images.scalar_type())));
  }
  return images.to(dev, torch::kFloat32);
}

torch::Tensor ClassifierImpl::matrix_input(const torch::Tensor& inputs) const {
  const int64_t d = spec_.matrix_size();
  if (!inputs.defined() || inputs.dim() != 2 || inputs.size(1) != d || !inputs.is_floating_point()) {
    throw Error("model '" + spec_.name + "' expects float feature matrices [N, " + std::to_string(d) + "], got " +
                (inputs.defined() ? shape_string(inputs.sizes()) + " " + std::string(c10::toString(inputs.scalar_type()))
                                  : std::string("an empty tensor")));
  }
  return inputs.to(device(), torch::kFloat32);
}

void ClassifierImpl::check_embedded(const torch::Tensor& embedded) const {
  const auto expected = embedding_shape();
  bool ok = embedded.defined() && embedded.dim() == static_cast<int64_t>(expected.size()) + 1;
  for (size_t i = 0; ok && i < expected.size(); ++i) ok = embedded.size(static_cast<int64_t>(i) + 1) == expected[i];
  if (!ok) {
    throw Error("model '" + spec_.name + "' head expects embeddings [N, " +
                shape_string(expected).substr(1) + ", got " +
                (embedded.defined() ? shape_string(embedded.sizes()) : std::string("an empty tensor")));
  }
}

}  // namespace jaams::models
