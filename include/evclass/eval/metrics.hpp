#pragma once
// Everything a training run reports per model (written to metrics.json): ROC and AUC, working
// points, confusion matrices, precision/recall/F1, overtraining KS tests, the best cut, score
// separation and histograms; plus per-feature separation and correlations.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evclass/eval/confusion.hpp"
#include "evclass/eval/correlation.hpp"
#include "evclass/eval/histogram.hpp"
#include "evclass/eval/ks_test.hpp"
#include "evclass/eval/roc.hpp"
#include "evclass/eval/significance.hpp"

namespace evclass::eval {

/// What to compute for a binary model.
struct BinaryEvaluationOptions {
  std::vector<double> background_efficiencies{0.01, 0.1, 0.3};  ///< report signal efficiency here
  std::vector<double> signal_efficiencies{0.5, 0.7, 0.9};       ///< report background rejection here
  double threshold = 0.5;                     ///< score >= threshold is called signal (confusion matrix)
  std::size_t roc_points = 200;               ///< points of the thinned ROC kept for plots
  HistogramAxis score_axis{kTmvaBins, 0.0, 1.0};  ///< score histograms and score separation
  CutScanOptions cut;                         ///< best-cut scan (weighted yields)
};

/// Signal efficiency at one background efficiency.
struct EfficiencyPoint {
  double background_efficiency = 0.0;
  double signal_efficiency = 0.0;
};

/// ROC-derived figures, computed once without and once with weights.
struct RocSummary {
  double auc = 0.0;
  RocCurve thinned;                                 ///< at most options.roc_points points
  std::vector<EfficiencyPoint> signal_efficiency;   ///< at options.background_efficiencies
  std::vector<BackgroundRejection> rejection;       ///< at options.signal_efficiencies
};

/// KS train-vs-test comparison of one class.
struct OvertrainingTest {
  KsResult unweighted;
  std::optional<KsResult> weighted;  ///< when train and test both carry weights
};

/// Everything reported for one binary (signal vs background) model on its test set.
struct BinaryMetrics {
  std::string context;
  RocSummary unweighted;
  RocSummary weighted;                        ///< equal to unweighted when there are no weights
  ConfusionMatrix confusion;                  ///< at options.threshold, counts and weights
  ClassificationReport report_counts;         ///< precision/recall/F1 from counts
  ClassificationReport report_weights;        ///< ... and from weights
  CutScan best_cut;                           ///< from weighted test yields
  double score_separation = 0.0;              ///< TMVA separation of the test scores (weighted)
  std::vector<Histogram> test_histograms;     ///< per class (0 background, 1 signal)
  std::vector<Histogram> train_histograms;    ///< per class, when train scores were given
  std::vector<OvertrainingTest> overtraining; ///< per class, when train scores were given
};

/// Computes BinaryMetrics for `test` (and the overtraining check when `train` is given).
/// Throws evclass::Error naming the context for NaN scores, empty classes and weights summing to
/// zero or less; evclass::ConfigError for bad options.
[[nodiscard]] BinaryMetrics evaluate_binary(const LabeledScores& test, const std::optional<LabeledScores>& train,
                                            const BinaryEvaluationOptions& options = {});

/// Everything reported for one multi-class model on its test set.
struct MulticlassMetrics {
  std::string context;
  std::vector<double> auc_unweighted;  ///< one-vs-rest per class
  std::vector<double> auc_weighted;    ///< one-vs-rest per class (equal when unweighted)
  ConfusionMatrix confusion;           ///< argmax prediction
  ClassificationReport report_counts;
  ClassificationReport report_weights;
};

/// Computes MulticlassMetrics from class probabilities.
[[nodiscard]] MulticlassMetrics evaluate_multiclass(const ClassProbabilities& probabilities,
                                                    std::span<const label_t> labels,
                                                    std::span<const double> weights, const std::string& context);

/// Per-feature figures: TMVA separation and correlations per class.
struct FeatureMetrics {
  std::vector<std::string> names;
  std::vector<double> separation;  ///< per feature, kTmvaBins bins over each feature's range
  ClassCorrelations correlations;
};

/// Computes FeatureMetrics of binary-labelled events (names.size() must equal num_features).
[[nodiscard]] FeatureMetrics evaluate_features(const FeatureColumns& features, const std::vector<std::string>& names,
                                               std::span<const label_t> labels, std::span<const double> weights,
                                               const std::string& context);

/// JSON forms for metrics.json. Numbers that are not finite (the +inf first ROC threshold, NaN for
/// undefined figures) are written as null.
[[nodiscard]] nlohmann::json to_json(const BinaryMetrics& metrics);
[[nodiscard]] nlohmann::json to_json(const MulticlassMetrics& metrics);
[[nodiscard]] nlohmann::json to_json(const FeatureMetrics& metrics);

}  // namespace evclass::eval
