#include "api/model_metrics.hpp"

#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "evclass/eval/metrics.hpp"
#include "evclass/eval/roc.hpp"

namespace evclass::api::detail {

namespace {

// Column k of row-major scores as column-major class probabilities for eval.
std::vector<float> to_column_major(std::span<const float> row_major, std::size_t rows, std::size_t outputs) {
  std::vector<float> out(row_major.size());
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t k = 0; k < outputs; ++k) out[k * rows + i] = row_major[i * outputs + k];
  return out;
}

nlohmann::json full_roc(const eval::LabeledScores& scores) {
  const eval::RocCurve roc = eval::roc_curve(scores);
  nlohmann::json t = nlohmann::json::array();
  // The first threshold is +inf (no event selected), written as null.
  for (std::size_t i = 0; i < roc.thresholds.size(); ++i)
    t.push_back(std::isfinite(roc.thresholds[i]) ? nlohmann::json(roc.thresholds[i]) : nlohmann::json());
  return {{"thresholds", t}, {"fpr", roc.fpr}, {"tpr", roc.tpr}};
}

}  // namespace

nlohmann::json evaluate_model(const EvaluationConfig& evaluation, const std::string& name, int n_classes,
                              const ScoredEvents& test, const ScoredEvents& train, double& auc, double& auc_weighted) {
  nlohmann::json mj;
  const std::string ctx_name = fmt::format("model '{}' on the test set", name);
  if (n_classes == 2) {
    eval::BinaryEvaluationOptions eo;
    eo.background_efficiencies = evaluation.background_efficiencies;
    eo.threshold = evaluation.threshold;
    eo.roc_points = evaluation.roc_points > 0 ? static_cast<std::size_t>(evaluation.roc_points) : 200;
    eo.cut.signal_scale = eo.cut.background_scale = evaluation.significance_scale;
    const eval::LabeledScores te{test.scores, test.labels, test.weights, ctx_name};
    const eval::LabeledScores tr{train.scores, train.labels, train.weights,
                                 fmt::format("model '{}' on the training set", name)};
    const eval::BinaryMetrics bm = eval::evaluate_binary(te, tr, eo);
    mj["metrics"] = eval::to_json(bm);
    auc = bm.unweighted.auc;
    auc_weighted = bm.weighted.auc;
    mj["auc"] = auc;
    mj["auc_weighted"] = auc_weighted;
    if (evaluation.roc_points == 0) {
      mj["roc"] = full_roc(te.unweighted());
      mj["roc_weighted"] = full_roc(te);
    }
  } else {
    const std::size_t n = test.labels.size();
    const std::vector<float> cm = to_column_major(test.scores, n, static_cast<std::size_t>(n_classes));
    const eval::ClassProbabilities probs{std::span<const float>(cm), n, n_classes};
    const eval::MulticlassMetrics mm = eval::evaluate_multiclass(probs, test.labels, test.weights, ctx_name);
    mj["metrics"] = eval::to_json(mm);
    auc = std::accumulate(mm.auc_unweighted.begin(), mm.auc_unweighted.end(), 0.0) / n_classes;
    auc_weighted = std::accumulate(mm.auc_weighted.begin(), mm.auc_weighted.end(), 0.0) / n_classes;
    mj["auc"] = mm.auc_unweighted;
    mj["auc_weighted"] = mm.auc_weighted;
  }
  return mj;
}

}  // namespace evclass::api::detail
