#include "jaams/models/registry.hpp"

#include <functional>
#include <map>

#include "jaams/models/alexcnn.hpp"
#include "jaams/models/ann.hpp"
#include "jaams/models/cnn.hpp"
#include "jaams/models/crnn.hpp"
#include "jaams/models/pcnn.hpp"
#include "jaams/models/stats_model.hpp"
#include "jaams/models/transfer.hpp"
#include "jaams/util/error.hpp"

namespace jaams::models {

namespace {

using Factory = std::function<std::shared_ptr<ClassifierImpl>(const ModelSpec&, WeightInit)>;

const std::map<std::string, Factory>& factories() {
  static const std::map<std::string, Factory> table{
      {"ann", [](const ModelSpec& s, WeightInit) { return Ann(s).ptr(); }},
      {"cnn", [](const ModelSpec& s, WeightInit) { return Cnn(s).ptr(); }},
      {"pcnn", [](const ModelSpec& s, WeightInit) { return Pcnn(s).ptr(); }},
      {"crnn", [](const ModelSpec& s, WeightInit) { return Crnn(s).ptr(); }},
      {"alexcnn", [](const ModelSpec& s, WeightInit init) { return AlexCnn(s, init).ptr(); }},
      {"stats", [](const ModelSpec& s, WeightInit) { return Stats(s).ptr(); }},
      {"transfer", [](const ModelSpec& s, WeightInit init) { return Transfer(s, init).ptr(); }},
  };
  return table;
}

}  // namespace

std::shared_ptr<ClassifierImpl> make_model(const ModelSpec& spec, WeightInit init) {
  const auto it = factories().find(spec.name);
  if (it == factories().end()) {
    std::string known;
    for (const auto& name : model_names()) known += (known.empty() ? "" : ", ") + name;
    throw Error("model.name: unknown model '" + spec.name + "' (known: " + known + ")");
  }
  return it->second(spec, init);
}

ModelInputs model_inputs(const std::string& name, const nlohmann::json& params, const std::string& kind,
                         const std::string& form) {
  if (name == "stats") return {"matrix", {"stats"}};
  if (name == "transfer") {
    const bool add_stats = params.is_object() && params.value("add_stats", false) == true;
    return add_stats ? ModelInputs{"matrix", {"compact_mel", "stats"}} : ModelInputs{"matrix", {"compact_mel"}};
  }
  return {form, {kind}};
}

std::vector<std::string> model_names() {
  std::vector<std::string> names;
  for (const auto& item : factories()) names.push_back(item.first);
  return names;
}

}  // namespace jaams::models
