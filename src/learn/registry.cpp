#include "evclass/learn/registry.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "evclass/core/error.hpp"
#include "evclass/core/text.hpp"

namespace evclass::learn {

std::vector<std::string> model_types() {
  std::vector<std::string> names;
  for (const auto& t : registered_model_types()) names.emplace_back(t.name);
  return names;
}

const ModelType& find_model_type(std::string_view name) {
  for (const auto& t : registered_model_types())
    if (t.name == name) return t;
  std::string message = fmt::format("unknown model type '{}'", name);
  if (auto hint = core::did_you_mean(name, model_types()); !hint.empty()) message += "; " + hint;
  message += fmt::format("\n  known model types: {}", fmt::join(model_types(), ", "));
  throw ConfigError(message);
}

nlohmann::json resolve_params(std::string_view type, const nlohmann::json& params, std::string_view model_name) {
  return find_model_type(type).schema().resolve(params, model_name);
}

void validate_params(std::string_view type, const nlohmann::json& params, std::string_view model_name) {
  (void)resolve_params(type, params, model_name);
}

std::unique_ptr<Model> train(std::string_view type, const nlohmann::json& params, const TrainData& data,
                             const core::Context& ctx, const ProgressFn& progress) {
  const ModelType& model_type = find_model_type(type);
  const nlohmann::json resolved = model_type.schema().resolve(params, type);
  auto model = model_type.train(resolved, data, ctx, progress);
  EVC_ASSERT(model != nullptr, "a train function returned no model");
  return model;
}

std::unique_ptr<Model> load_model(const nlohmann::json& model_json) {
  if (!model_json.is_object())
    throw CorruptFile(fmt::format("model JSON: expected an object with \"type\" and \"version\", got {}",
                                  model_json.is_null() ? "null" : model_json.type_name()));
  const auto it = model_json.find("type");
  if (it == model_json.end() || !it->is_string())
    throw CorruptFile("model JSON: missing string field \"type\" (is this an evclass model file?)");
  const std::string& type = it->get_ref<const std::string&>();
  const ModelType* found = nullptr;
  for (const auto& t : registered_model_types())
    if (t.name == type) found = &t;
  if (found == nullptr) {
    throw CorruptFile(fmt::format("model JSON: unknown model type '{}' (known: {}); was it written by a newer evclass?",
                                  type, fmt::join(model_types(), ", ")));
  }
  return found->load(model_json);
}

std::uint64_t model_seed(const nlohmann::json& resolved_params, const TrainData& data) {
  const auto it = resolved_params.find("random_state");
  if (it != resolved_params.end() && it->is_number_integer()) return it->get<std::uint64_t>();
  return data.run_seed;
}

}  // namespace evclass::learn
