#include "api/model_file.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "evclass/core/atomic_file.hpp"
#include "evclass/core/error.hpp"
#include "evclass/learn/registry.hpp"

namespace evclass::api::detail {

namespace {

nlohmann::json named_list(const std::vector<feature::Named>& list) {
  auto out = nlohmann::json::array();
  for (const auto& n : list) out.push_back({{"name", n.name}, {"expression", n.text}});
  return out;
}

[[noreturn]] void corrupt(const std::string& source, const std::string& what) {
  throw CorruptFile(fmt::format("{}: not a valid evclass model file: {}", source, what));
}

const nlohmann::json& field(const nlohmann::json& j, const char* key, const std::string& source) {
  if (!j.is_object() || !j.contains(key)) corrupt(source, fmt::format("missing field '{}'", key));
  return j.at(key);
}

std::string string_field(const nlohmann::json& j, const char* key, const std::string& source) {
  const auto& v = field(j, key, source);
  if (!v.is_string()) corrupt(source, fmt::format("field '{}' must be a string", key));
  return v.get<std::string>();
}

std::vector<feature::Named> named_from(const nlohmann::json& j, const char* key, const std::string& source) {
  const auto& list = field(j, key, source);
  if (!list.is_array()) corrupt(source, fmt::format("field '{}' must be a list", key));
  std::vector<feature::Named> out;
  for (const auto& item : list)
    out.push_back({string_field(item, "name", source), string_field(item, "expression", source), source});
  return out;
}

}  // namespace

std::vector<std::string> ModelBundle::score_names() const {
  if (classes.size() == 2) return {"score_" + name};
  std::vector<std::string> out;
  for (const auto& c : classes) out.push_back(fmt::format("score_{}_{}", name, c));
  return out;
}

void ModelBundle::predict(std::span<const float> features, std::size_t rows, std::span<float> out,
                          const core::Context& ctx) const {
  const std::size_t cols = plan.features.size();
  const std::vector<float> scaled = scaler.transform({features, rows, cols}, ctx);
  const learn::FeatureMatrix x{scaled, rows, cols};
  if (folds.size() == 1) {
    folds.front()->predict(x, out, ctx);
    return;
  }
  std::vector<float> one(out.size());
  std::vector<double> sum(out.size(), 0.0);
  for (const auto& m : folds) {
    m->predict(x, one, ctx);
    for (std::size_t i = 0; i < one.size(); ++i) sum[i] += one[i];
  }
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<float>(sum[i] / static_cast<double>(folds.size()));
}

nlohmann::json to_json(const ModelBundle& b) {
  nlohmann::json j;
  j["format"] = "evclass-model";
  j["version"] = kModelFileVersion;
  j["name"] = b.name;
  j["type"] = b.type;
  j["classes"] = b.classes;
  j["tree"] = b.tree;
  j["missing_index"] = b.plan.missing == expr::MissingValue::kZero ? "zero" : "nan";
  j["variables"] = named_list(b.plan.variables);
  j["selection"] = named_list(b.plan.cuts);
  j["features"] = named_list(b.plan.features);
  j["scaler"] = b.scaler.to_json();
  auto folds = nlohmann::json::array();
  for (const auto& m : b.folds) folds.push_back(m->to_json());
  j["models"] = folds;
  return j;
}

ModelBundle bundle_from_json(const nlohmann::json& j, const std::string& source) {
  if (string_field(j, "format", source) != "evclass-model") corrupt(source, "field 'format' is not \"evclass-model\"");
  const auto& version = field(j, "version", source);
  if (!version.is_number_integer() || version.get<int>() != kModelFileVersion)
    corrupt(source, fmt::format("version {} is not the version this evclass reads ({})", version.dump(),
                                kModelFileVersion));
  ModelBundle b;
  b.name = string_field(j, "name", source);
  b.type = string_field(j, "type", source);
  b.tree = string_field(j, "tree", source);
  const auto& classes = field(j, "classes", source);
  if (!classes.is_array() || classes.size() < 2) corrupt(source, "field 'classes' must list at least two classes");
  for (const auto& c : classes) {
    if (!c.is_string()) corrupt(source, "field 'classes' must hold strings");
    b.classes.push_back(c.get<std::string>());
  }
  const std::string missing = string_field(j, "missing_index", source);
  if (missing != "nan" && missing != "zero") corrupt(source, "field 'missing_index' must be \"nan\" or \"zero\"");
  b.plan.missing = missing == "zero" ? expr::MissingValue::kZero : expr::MissingValue::kNaN;
  b.plan.variables = named_from(j, "variables", source);
  b.plan.cuts = named_from(j, "selection", source);
  b.plan.features = named_from(j, "features", source);
  if (b.plan.features.empty()) corrupt(source, "the model has no features");
  try {
    b.scaler = learn::Scaler::from_json(field(j, "scaler", source));
    const auto& models = field(j, "models", source);
    if (!models.is_array() || models.empty()) corrupt(source, "field 'models' must be a non-empty list");
    for (const auto& m : models) b.folds.push_back(learn::load_model(m));
  } catch (const CorruptFile& e) {
    if (std::string_view(e.what()).find(source) != std::string_view::npos) throw;
    corrupt(source, e.what());
  }
  for (const auto& m : b.folds) {
    if (m->n_features() != b.plan.features.size())
      corrupt(source, fmt::format("a model takes {} features but the file lists {}", m->n_features(),
                                  b.plan.features.size()));
    if (static_cast<std::size_t>(m->n_classes()) != b.classes.size())
      corrupt(source, fmt::format("a model has {} classes but the file lists {}", m->n_classes(), b.classes.size()));
  }
  if (b.scaler.n_features() != b.plan.features.size())
    corrupt(source, fmt::format("the scaler has {} entries but the model has {} features", b.scaler.n_features(),
                                b.plan.features.size()));
  return b;
}

void save_bundle(const ModelBundle& bundle, const std::filesystem::path& path) {
  core::AtomicFile out(path.string());
  out.write(to_json(bundle).dump(1));
  out.write("\n");
  out.commit();
}

ModelBundle load_bundle(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(fmt::format("cannot open model file {}", path.string()));
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw CorruptFile(fmt::format("{}: not a valid evclass model file: {}", path.string(), e.what()));
  }
  return bundle_from_json(j, path.string());
}

}  // namespace evclass::api::detail
