#include "evclass/eval/confusion.hpp"

#include <cmath>

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "summation.hpp"

namespace evclass::eval {
namespace {

// Accumulates one event into the matrix with compensated sums, then writes the totals out.
class ConfusionBuilder {
 public:
  explicit ConfusionBuilder(label_t num_classes)
      : num_classes_(num_classes), cells_(static_cast<std::size_t>(num_classes * num_classes)),
        counts_(cells_.size(), 0.0) {}

  void add(label_t truth, label_t predicted, double weight) {
    const auto cell = static_cast<std::size_t>(truth * num_classes_ + predicted);
    counts_[cell] += 1.0;  // exact up to 2^53 events
    cells_[cell].add(weight);
  }

  ConfusionMatrix finish() const {
    ConfusionMatrix matrix;
    matrix.num_classes = num_classes_;
    matrix.counts = counts_;
    for (const auto& cell : cells_) matrix.weights.push_back(cell.value());
    return matrix;
  }

 private:
  label_t num_classes_;
  std::vector<detail::CompensatedSum> cells_;
  std::vector<double> counts_;
};

// numerator / denominator, or 0 when the denominator is 0 (scikit-learn's zero_division=0).
double ratio_or_zero(double numerator, double denominator) {
  return denominator == 0.0 ? 0.0 : numerator / denominator;
}

double mean(const std::vector<double>& values) {
  detail::CompensatedSum sum;
  for (double v : values) sum.add(v);
  return values.empty() ? 0.0 : sum.value() / static_cast<double>(values.size());
}

}  // namespace

ConfusionMatrix binary_confusion(const LabeledScores& input, double threshold) {
  check_labeled_scores(input, 2);
  ConfusionBuilder builder(2);
  for (std::size_t i = 0; i < input.scores.size(); ++i) {
    builder.add(input.labels[i], input.scores[i] >= threshold ? 1 : 0, input.weight(i));
  }
  return builder.finish();
}

ConfusionMatrix multiclass_confusion(const ClassProbabilities& probabilities, std::span<const label_t> labels,
                                     std::span<const double> weights, const std::string& context) {
  check_class_probabilities(probabilities, labels, weights, context);
  const std::size_t n = probabilities.num_events;
  ConfusionBuilder builder(probabilities.num_classes);
  for (std::size_t i = 0; i < n; ++i) {
    label_t best = 0;
    double best_probability = probabilities.values[i];
    for (label_t k = 1; k < probabilities.num_classes; ++k) {
      const double p = probabilities.values[static_cast<std::size_t>(k) * n + i];
      if (p > best_probability) {
        best = k;
        best_probability = p;
      }
    }
    builder.add(labels[i], best, weights.empty() ? 1.0 : weights[i]);
  }
  return builder.finish();
}

ClassificationReport classification_report(const ConfusionMatrix& matrix, bool use_weights) {
  const label_t k_classes = matrix.num_classes;
  auto cell = [&](label_t t, label_t p) { return use_weights ? matrix.weight(t, p) : matrix.count(t, p); };
  ClassificationReport report;
  for (label_t k = 0; k < k_classes; ++k) {
    detail::CompensatedSum predicted, actual;
    for (label_t other = 0; other < k_classes; ++other) {
      predicted.add(cell(other, k));
      actual.add(cell(k, other));
    }
    const double tp = cell(k, k);
    const double precision = ratio_or_zero(tp, predicted.value());
    const double recall = ratio_or_zero(tp, actual.value());
    report.precision.push_back(precision);
    report.recall.push_back(recall);
    report.f1.push_back(ratio_or_zero(2.0 * precision * recall, precision + recall));
    report.support.push_back(actual.value());
  }
  report.macro_precision = mean(report.precision);
  report.macro_recall = mean(report.recall);
  report.macro_f1 = mean(report.f1);
  return report;
}

}  // namespace evclass::eval
