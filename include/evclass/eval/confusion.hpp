#pragma once
// Confusion matrices (in event counts and in summed weights) and the per-class precision, recall
// and F1 that scikit-learn's precision_recall_fscore_support reports.

#include <cstddef>
#include <span>
#include <vector>

#include "evclass/eval/sample.hpp"

namespace evclass::eval {

/// Square matrix: rows are true classes, columns predicted classes (scikit-learn's layout).
struct ConfusionMatrix {
  label_t num_classes = 0;
  std::vector<double> counts;   ///< number of events, row-major num_classes x num_classes
  std::vector<double> weights;  ///< summed event weights (equal to counts when unweighted)

  /// Events of true class `truth` predicted as `predicted`.
  [[nodiscard]] double count(label_t truth, label_t predicted) const {
    return counts[static_cast<std::size_t>(truth * num_classes + predicted)];
  }
  /// Weight of events of true class `truth` predicted as `predicted`.
  [[nodiscard]] double weight(label_t truth, label_t predicted) const {
    return weights[static_cast<std::size_t>(truth * num_classes + predicted)];
  }
};

/// Binary confusion matrix: an event is predicted signal (1) when score >= threshold.
[[nodiscard]] ConfusionMatrix binary_confusion(const LabeledScores& input, double threshold);

/// Multi-class confusion matrix: the predicted class is the argmax of the probabilities (the
/// first class on ties, like numpy.argmax).
[[nodiscard]] ConfusionMatrix multiclass_confusion(const ClassProbabilities& probabilities,
                                                   std::span<const label_t> labels,
                                                   std::span<const double> weights, const std::string& context);

/// Per-class precision, recall, F1 and support, plus their unweighted means over classes.
/// A ratio whose denominator is 0 is reported as 0 (scikit-learn's zero_division default).
struct ClassificationReport {
  std::vector<double> precision;  ///< tp / (tp + fp) per class
  std::vector<double> recall;     ///< tp / (tp + fn) per class
  std::vector<double> f1;         ///< 2 p r / (p + r) per class
  std::vector<double> support;    ///< events (or weight) of each true class
  double macro_precision = 0.0;   ///< mean of precision over classes
  double macro_recall = 0.0;      ///< mean of recall over classes
  double macro_f1 = 0.0;          ///< mean of f1 over classes
};

/// Precision, recall and F1 from the counts (use_weights false) or weights of `matrix`.
[[nodiscard]] ClassificationReport classification_report(const ConfusionMatrix& matrix, bool use_weights);

}  // namespace evclass::eval
