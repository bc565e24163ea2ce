#pragma once
// The Model of every tree type (gbdt, random_forest, adaboost): an Ensemble, its compiled
// predictor, feature importances and a record of the training. Saved as JSON; loading checks
// every field and every tree.

#include <memory>
#include <string>
#include <vector>

#include "evclass/learn/model.hpp"
#include "learn/trees/ensemble.hpp"

namespace evclass::learn::trees {

class EnsembleModel final : public Model {
 public:
  static constexpr int kVersion = 1;

  EnsembleModel(std::string type, Ensemble ensemble, std::vector<std::string> feature_names, nlohmann::json params,
                nlohmann::json training);

  [[nodiscard]] std::string_view type() const override { return type_; }
  [[nodiscard]] int n_classes() const override { return ensemble_.n_classes; }
  [[nodiscard]] std::size_t n_features() const override { return ensemble_.n_features; }
  void predict(const FeatureMatrix& x, std::span<float> out, const core::Context& ctx) const override {
    compiled_.predict(x, out, ctx);
  }
  [[nodiscard]] nlohmann::json to_json() const override;
  /// Total split gain per feature, normalised to sum 1 (all 0 for a tree-less model).
  [[nodiscard]] std::vector<double> feature_importances() const override;
  /// Number of splits per feature.
  [[nodiscard]] std::vector<double> split_counts() const;

  [[nodiscard]] const Ensemble& ensemble() const { return ensemble_; }
  [[nodiscard]] const nlohmann::json& training() const { return training_; }

  /// Rebuilds a model of `type` from to_json(); throws CorruptFile on anything inconsistent.
  [[nodiscard]] static std::unique_ptr<EnsembleModel> from_json(const nlohmann::json& j, const std::string& type);

 private:
  std::string type_;
  Ensemble ensemble_;
  CompiledEnsemble compiled_;
  std::vector<std::string> feature_names_;
  nlohmann::json params_;
  nlohmann::json training_;
};

}  // namespace evclass::learn::trees
