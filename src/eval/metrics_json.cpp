// JSON forms of the metrics (metrics.json). Non-finite numbers become null: JSON has no inf/NaN.

#include <cmath>

#include "evclass/eval/metrics.hpp"

namespace evclass::eval {
namespace {

using nlohmann::json;

json number(double x) { return std::isfinite(x) ? json(x) : json(nullptr); }

json numbers(const std::vector<double>& values) {
  json array = json::array();
  for (double v : values) array.push_back(number(v));
  return array;
}

json to_json(const RocCurve& curve) {
  return {{"thresholds", numbers(curve.thresholds)}, {"fpr", numbers(curve.fpr)}, {"tpr", numbers(curve.tpr)},
          {"true_positives", numbers(curve.true_positives)}, {"false_positives", numbers(curve.false_positives)},
          {"total_signal", number(curve.total_signal)}, {"total_background", number(curve.total_background)}};
}

json to_json(const RocSummary& summary) {
  json at_background = json::array();
  for (const auto& point : summary.signal_efficiency) {
    at_background.push_back({{"background_efficiency", number(point.background_efficiency)},
                             {"signal_efficiency", number(point.signal_efficiency)}});
  }
  json rejection = json::array();
  for (const auto& point : summary.rejection) {
    rejection.push_back({{"signal_efficiency", number(point.signal_efficiency)},
                         {"background_efficiency", number(point.background_efficiency)},
                         {"inverse_background_efficiency", number(point.inverse)},
                         {"one_minus_background_efficiency", number(point.complement)}});
  }
  return {{"auc", number(summary.auc)}, {"roc", to_json(summary.thinned)},
          {"signal_efficiency_at", at_background}, {"background_rejection_at", rejection}};
}

json to_json(const ConfusionMatrix& matrix) {
  return {{"rows", "true class"}, {"columns", "predicted class"}, {"num_classes", matrix.num_classes},
          {"counts", numbers(matrix.counts)}, {"weights", numbers(matrix.weights)}};
}

json to_json(const ClassificationReport& report) {
  return {{"precision", numbers(report.precision)}, {"recall", numbers(report.recall)}, {"f1", numbers(report.f1)},
          {"support", numbers(report.support)}, {"macro_precision", number(report.macro_precision)},
          {"macro_recall", number(report.macro_recall)}, {"macro_f1", number(report.macro_f1)}};
}

json to_json(const CutPoint& cut) {
  if (!cut.found) return {{"found", false}};
  return {{"found", true},
          {"threshold", number(cut.threshold)},
          {"signal", number(cut.signal)},
          {"background", number(cut.background)},
          {"significance", number(cut.significance)},
          {"signal_efficiency", number(cut.signal_efficiency)},
          {"background_efficiency", number(cut.background_efficiency)},
          {"background_rejection", number(cut.background_rejection)}};
}

json to_json(const Histogram& histogram) {
  return {{"bins", histogram.axis.bins},
          {"low", number(histogram.axis.low)},
          {"high", number(histogram.axis.high)},
          {"sum_weights", numbers(histogram.sum_weights)},
          {"sum_weights_squared", numbers(histogram.sum_weights_squared)},
          {"underflow", number(histogram.underflow)},
          {"overflow", number(histogram.overflow)},
          {"entries", histogram.entries}};
}

json to_json(const KsResult& ks) {
  return {{"statistic", number(ks.statistic)}, {"p_value", number(ks.p_value)}, {"n_eff_train", number(ks.n_eff_a)},
          {"n_eff_test", number(ks.n_eff_b)}};
}

json to_json(const CorrelationMatrix& matrix) {
  return {{"num_features", matrix.num_features}, {"values", numbers(matrix.values)}};
}

json histograms_by_class(const std::vector<Histogram>& histograms) {
  json array = json::array();
  for (const auto& h : histograms) array.push_back(to_json(h));
  return array;
}

}  // namespace

nlohmann::json to_json(const BinaryMetrics& metrics) {
  json overtraining = json::array();
  for (const auto& check : metrics.overtraining) {
    overtraining.push_back({{"ks_unweighted", to_json(check.unweighted)},
                            {"ks_weighted", check.weighted ? to_json(*check.weighted) : json(nullptr)}});
  }
  return {{"context", metrics.context},
          {"unweighted", to_json(metrics.unweighted)},
          {"weighted", to_json(metrics.weighted)},
          {"confusion", to_json(metrics.confusion)},
          {"classification_counts", to_json(metrics.report_counts)},
          {"classification_weights", to_json(metrics.report_weights)},
          {"best_cut", {{"s_over_sqrt_b", to_json(metrics.best_cut.simple)}, {"asimov", to_json(metrics.best_cut.asimov)}}},
          {"score_separation", number(metrics.score_separation)},
          {"test_histograms", histograms_by_class(metrics.test_histograms)},
          {"train_histograms", histograms_by_class(metrics.train_histograms)},
          {"overtraining", overtraining}};
}

nlohmann::json to_json(const MulticlassMetrics& metrics) {
  return {{"context", metrics.context},
          {"auc_one_vs_rest_unweighted", numbers(metrics.auc_unweighted)},
          {"auc_one_vs_rest_weighted", numbers(metrics.auc_weighted)},
          {"confusion", to_json(metrics.confusion)},
          {"classification_counts", to_json(metrics.report_counts)},
          {"classification_weights", to_json(metrics.report_weights)}};
}

nlohmann::json to_json(const FeatureMetrics& metrics) {
  return {{"names", metrics.names},
          {"separation", numbers(metrics.separation)},
          {"correlation_signal", to_json(metrics.correlations.signal)},
          {"correlation_background", to_json(metrics.correlations.background)}};
}

}  // namespace evclass::eval
