#pragma once
// A trained model's evaluation for metrics.json: ROC/AUC (unweighted and weighted, complete
// curves when [evaluation] roc_points = 0), confusion matrices, classification reports,
// efficiencies, the overtraining test and the best cut (binary), or one-vs-rest AUCs, confusion
// matrix and reports (multi-class).

#include <cstdint>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "evclass/api/config.hpp"

namespace evclass::api::detail {

/// Scores of one set of events: rows × outputs, row-major (outputs = 1 for binary models).
struct ScoredEvents {
  std::span<const float> scores;
  std::span<const std::int32_t> labels;
  std::span<const double> weights;
};

/// The metrics of model `name` on its test events (with the training events for the KS test):
/// {"metrics", "auc", "auc_weighted"[, "roc", "roc_weighted"]}. `auc` and `auc_weighted` get the
/// test AUCs (multi-class: the mean of the one-vs-rest AUCs).
[[nodiscard]] nlohmann::json evaluate_model(const EvaluationConfig& evaluation, const std::string& name, int n_classes,
                                            const ScoredEvents& test, const ScoredEvents& train, double& auc,
                                            double& auc_weighted);

}  // namespace evclass::api::detail
