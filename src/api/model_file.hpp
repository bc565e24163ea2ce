#pragma once
// A saved model: everything `apply` needs to score new files without the config — the derived
// variables, the selection and features as expressions, the scaler, the classes and the trained
// model (one per fold for k-fold runs; their scores are averaged). Plain JSON data, versioned;
// loading parses expressions with evclass's own parser and never runs code from the file.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evclass/feature/plan.hpp"
#include "evclass/learn/model.hpp"
#include "evclass/learn/scaler.hpp"

namespace evclass::api::detail {

inline constexpr int kModelFileVersion = 1;

struct ModelBundle {
  std::string name;
  std::string type;
  std::vector<std::string> classes;             ///< label k is classes[k]
  std::string tree;                             ///< tree the model was trained on ("" if CSV)
  feature::PlanSpec plan;                       ///< variables, the common cut, features (no spectators)
  learn::Scaler scaler;
  std::vector<std::unique_ptr<learn::Model>> folds;  ///< one model, or one per k-fold fold

  [[nodiscard]] std::size_t n_outputs() const { return classes.size() == 2 ? 1 : classes.size(); }
  /// Output column names: "score_<name>" (binary) or "score_<name>_<class>" per class.
  [[nodiscard]] std::vector<std::string> score_names() const;
  /// Scores rows × n_outputs (row-major) of already computed, unscaled features (column-major);
  /// k-fold bundles average their folds' scores.
  void predict(std::span<const float> features, std::size_t rows, std::span<float> out,
               const core::Context& ctx) const;
};

[[nodiscard]] nlohmann::json to_json(const ModelBundle& bundle);
/// Validates everything; throws CorruptFile naming the file and the field.
[[nodiscard]] ModelBundle bundle_from_json(const nlohmann::json& j, const std::string& source);

void save_bundle(const ModelBundle& bundle, const std::filesystem::path& path);
[[nodiscard]] ModelBundle load_bundle(const std::filesystem::path& path);

}  // namespace evclass::api::detail
