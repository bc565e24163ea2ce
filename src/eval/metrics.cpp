#include "evclass/eval/metrics.hpp"

#include <fmt/format.h>

#include "evclass/core/error.hpp"

namespace evclass::eval {
namespace {

RocSummary summarise_roc(const LabeledScores& input, const BinaryEvaluationOptions& options) {
  const RocCurve curve = roc_curve(input);
  RocSummary summary;
  summary.auc = roc_auc(curve);
  summary.thinned = thin_roc(curve, options.roc_points);
  for (double eff_b : options.background_efficiencies) {
    summary.signal_efficiency.push_back({eff_b, signal_efficiency_at(curve, eff_b)});
  }
  for (double eff_s : options.signal_efficiencies) summary.rejection.push_back(background_rejection_at(curve, eff_s));
  return summary;
}

void check_efficiencies(const std::vector<double>& values, const char* what) {
  for (double v : values) {
    if (!(v >= 0.0 && v <= 1.0)) {
      throw ConfigError(fmt::format("{} {} is outside [0, 1]; give efficiencies as fractions (1% = 0.01)", what, v));
    }
  }
}

}  // namespace

BinaryMetrics evaluate_binary(const LabeledScores& test, const std::optional<LabeledScores>& train,
                              const BinaryEvaluationOptions& options) {
  check_efficiencies(options.background_efficiencies, "background efficiency");
  check_efficiencies(options.signal_efficiencies, "signal efficiency");
  check_axis(options.score_axis);

  BinaryMetrics metrics;
  metrics.context = test.context;
  metrics.unweighted = summarise_roc(test.unweighted(), options);
  metrics.weighted = test.weighted() ? summarise_roc(test, options) : metrics.unweighted;
  metrics.confusion = binary_confusion(test, options.threshold);
  metrics.report_counts = classification_report(metrics.confusion, false);
  metrics.report_weights = classification_report(metrics.confusion, true);
  metrics.best_cut = scan_best_cut(test, options.cut);
  metrics.test_histograms = class_histograms(test, 2, options.score_axis);
  metrics.score_separation = separation(metrics.test_histograms[1], metrics.test_histograms[0]);
  if (train) {
    metrics.train_histograms = class_histograms(*train, 2, options.score_axis);
    const auto unweighted = overtraining_check(train->unweighted(), test.unweighted(), 2);
    std::vector<KsResult> weighted;
    if (train->weighted() && test.weighted()) weighted = overtraining_check(*train, test, 2);
    for (std::size_t c = 0; c < unweighted.size(); ++c) {
      OvertrainingTest check{unweighted[c], std::nullopt};
      if (!weighted.empty()) check.weighted = weighted[c];
      metrics.overtraining.push_back(check);
    }
  }
  return metrics;
}

MulticlassMetrics evaluate_multiclass(const ClassProbabilities& probabilities, std::span<const label_t> labels,
                                      std::span<const double> weights, const std::string& context) {
  MulticlassMetrics metrics;
  metrics.context = context;
  metrics.auc_unweighted = one_vs_rest_auc(probabilities, labels, {}, context);
  metrics.auc_weighted = weights.empty() ? metrics.auc_unweighted : one_vs_rest_auc(probabilities, labels, weights, context);
  metrics.confusion = multiclass_confusion(probabilities, labels, weights, context);
  metrics.report_counts = classification_report(metrics.confusion, false);
  metrics.report_weights = classification_report(metrics.confusion, true);
  return metrics;
}

FeatureMetrics evaluate_features(const FeatureColumns& features, const std::vector<std::string>& names,
                                 std::span<const label_t> labels, std::span<const double> weights,
                                 const std::string& context) {
  if (names.size() != features.num_features) {
    throw Error(fmt::format("{}: {} feature names for {} features", context, names.size(), features.num_features));
  }
  FeatureMetrics metrics;
  metrics.names = names;
  metrics.correlations = class_correlations(features, labels, weights, context);
  for (std::size_t f = 0; f < features.num_features; ++f) {
    const auto column = features.values.subspan(f * features.num_events, features.num_events);
    const LabeledScores values{column, labels, weights, fmt::format("{} (feature '{}')", context, names[f])};
    metrics.separation.push_back(separation(values));
  }
  return metrics;
}

}  // namespace evclass::eval
