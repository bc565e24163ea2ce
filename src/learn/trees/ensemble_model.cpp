#include "learn/trees/ensemble_model.hpp"

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "learn/json_read.hpp"

namespace evclass::learn::trees {

EnsembleModel::EnsembleModel(std::string type, Ensemble ensemble, std::vector<std::string> feature_names,
                             nlohmann::json params, nlohmann::json training)
    : type_(std::move(type)),
      ensemble_(std::move(ensemble)),
      compiled_(ensemble_),
      feature_names_(std::move(feature_names)),
      params_(std::move(params)),
      training_(std::move(training)) {
  EVC_ASSERT(ensemble_.n_classes >= 2, "a classifier has at least 2 classes");
  EVC_ASSERT(feature_names_.empty() || feature_names_.size() == ensemble_.n_features, "one name per feature");
}

std::vector<double> EnsembleModel::feature_importances() const {
  std::vector<double> gain(ensemble_.n_features, 0.0);
  for (const Tree& t : ensemble_.trees)
    for (std::size_t n = 0; n < t.n_nodes(); ++n)
      if (!t.is_leaf(n)) gain[static_cast<std::size_t>(t.feature[n])] += std::max(0.0, static_cast<double>(t.gain[n]));
  double total = 0.0;
  for (double g : gain) total += g;
  if (total > 0.0)
    for (double& g : gain) g /= total;
  return gain;
}

std::vector<double> EnsembleModel::split_counts() const {
  std::vector<double> count(ensemble_.n_features, 0.0);
  for (const Tree& t : ensemble_.trees)
    for (std::size_t n = 0; n < t.n_nodes(); ++n)
      if (!t.is_leaf(n)) count[static_cast<std::size_t>(t.feature[n])] += 1.0;
  return count;
}

nlohmann::json EnsembleModel::to_json() const {
  return {{"type", type_},
          {"version", kVersion},
          {"n_classes", ensemble_.n_classes},
          {"n_features", ensemble_.n_features},
          {"feature_names", feature_names_},
          {"params", params_},
          {"ensemble", ensemble_to_json(ensemble_)},
          {"importances", {{"gain", feature_importances()}, {"splits", split_counts()}}},
          {"training", training_}};
}

std::unique_ptr<EnsembleModel> EnsembleModel::from_json(const nlohmann::json& j, const std::string& type) {
  const std::string where = fmt::format("{} model JSON", type);
  const detail::JsonReader reader(j, where);
  reader.expect_version(kVersion);
  const auto n_classes = static_cast<int>(reader.integer("n_classes", 2, 1000));
  const auto n_features = static_cast<std::size_t>(reader.integer("n_features", 1, 100000000));
  const auto& names = reader.field("feature_names");
  const std::size_t n_names = names.is_array() && names.empty() ? 0 : n_features;
  std::vector<std::string> feature_names = reader.strings("feature_names", n_names);
  const auto& params = reader.field("params");
  if (!params.is_object()) throw CorruptFile(where + ": field \"params\" must be an object");
  Ensemble e = ensemble_from_json(reader.field("ensemble"), n_classes, n_features, where + ", field \"ensemble\"");
  const auto& training = reader.field("training");
  if (!training.is_object()) throw CorruptFile(where + ": field \"training\" must be an object");
  return std::make_unique<EnsembleModel>(type, std::move(e), std::move(feature_names), params, training);
}

}  // namespace evclass::learn::trees
