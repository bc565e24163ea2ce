#include "evclass/eval/roc.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "summation.hpp"

namespace evclass::eval {
namespace {

// Both classes must be present and carry a positive total, or the rates are undefined.
void check_class_total(double total, std::size_t count, label_t label, const LabeledScores& input) {
  const char* name = binary_class_name(label);
  if (count == 0) {
    throw Error(fmt::format("{}: no {} events (label {}); the ROC curve needs both classes", input.context,
                            name, label));
  }
  if (!(total > 0.0)) {
    throw Error(fmt::format("{}: the weights of the {} {} events sum to {} (not > 0), so the {} efficiency "
                            "is undefined. Check the weight expression (all zero? mostly negative?).",
                            input.context, count, name, total, name));
  }
}

}  // namespace

RocCurve roc_curve(const LabeledScores& input) {
  check_labeled_scores(input, 2);
  const std::size_t n = input.scores.size();

  // Events of weight 0 are dropped; the rest sorted by decreasing score. Ties are ordered by
  // decreasing index, the order scikit-learn's reversed stable argsort produces, so that even the
  // cumulative sums inside a tie group are added in the same order.
  std::vector<std::size_t> order;
  order.reserve(n);
  std::size_t signal_count = 0, background_count = 0;
  for (std::size_t i = 0; i < n; ++i) {
    (input.labels[i] == 1 ? signal_count : background_count) += 1;
    if (input.weight(i) != 0.0) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const double sa = input.scores[a], sb = input.scores[b];
    return sa != sb ? sa > sb : a > b;
  });

  RocCurve curve;
  curve.thresholds.push_back(std::numeric_limits<double>::infinity());
  curve.true_positives.push_back(0.0);
  curve.false_positives.push_back(0.0);
  detail::CompensatedSum signal, background;
  for (std::size_t k = 0; k < order.size(); ++k) {
    const std::size_t i = order[k];
    if (input.labels[i] == 1) {
      signal.add(input.weight(i));
    } else {
      background.add(input.weight(i));
    }
    const double score = input.scores[i];
    const bool last_of_group = k + 1 == order.size() || input.scores[order[k + 1]] != score;
    if (last_of_group) {
      curve.thresholds.push_back(score);
      curve.true_positives.push_back(signal.value());
      curve.false_positives.push_back(background.value());
    }
  }
  curve.total_signal = signal.value();
  curve.total_background = background.value();
  check_class_total(curve.total_background, background_count, 0, input);
  check_class_total(curve.total_signal, signal_count, 1, input);

  curve.tpr.resize(curve.size());
  curve.fpr.resize(curve.size());
  for (std::size_t k = 0; k < curve.size(); ++k) {
    curve.tpr[k] = curve.true_positives[k] / curve.total_signal;
    curve.fpr[k] = curve.false_positives[k] / curve.total_background;
  }
  return curve;
}

double roc_auc(const RocCurve& curve) {
  detail::CompensatedSum area;
  for (std::size_t k = 1; k < curve.size(); ++k) {
    area.add((curve.fpr[k] - curve.fpr[k - 1]) * (curve.tpr[k] + curve.tpr[k - 1]) * 0.5);
  }
  return area.value();
}

double roc_auc(const LabeledScores& input) { return roc_auc(roc_curve(input)); }

RocCurve thin_roc(const RocCurve& curve, std::size_t max_points) {
  max_points = std::max<std::size_t>(max_points, 2);
  if (curve.size() <= max_points) return curve;

  std::vector<double> length(curve.size(), 0.0);
  for (std::size_t k = 1; k < curve.size(); ++k) {
    length[k] = length[k - 1] + std::hypot(curve.fpr[k] - curve.fpr[k - 1], curve.tpr[k] - curve.tpr[k - 1]);
  }
  std::vector<std::size_t> keep{0};
  const double total = length.back();
  std::size_t k = 1;
  for (std::size_t step = 1; step + 1 < max_points; ++step) {
    const double target = total * static_cast<double>(step) / static_cast<double>(max_points - 1);
    while (k + 1 < curve.size() && length[k] < target) ++k;
    if (k != keep.back() && k + 1 < curve.size()) keep.push_back(k);
  }
  keep.push_back(curve.size() - 1);

  RocCurve thinned;
  thinned.total_signal = curve.total_signal;
  thinned.total_background = curve.total_background;
  for (std::size_t index : keep) {
    thinned.thresholds.push_back(curve.thresholds[index]);
    thinned.true_positives.push_back(curve.true_positives[index]);
    thinned.false_positives.push_back(curve.false_positives[index]);
    thinned.tpr.push_back(curve.tpr[index]);
    thinned.fpr.push_back(curve.fpr[index]);
  }
  return thinned;
}

double signal_efficiency_at(const RocCurve& curve, double background_efficiency) {
  const double x = background_efficiency;
  const std::size_t size = curve.fpr.size();
  if (!(x >= 0.0 && x <= 1.0) || size == 0) return std::numeric_limits<double>::quiet_NaN();
  // First point beyond x; the point before it is the last (highest-tpr) one at or below x.
  std::size_t j = 0;
  while (j < size && curve.fpr[j] <= x) ++j;
  if (j == size) return curve.tpr.back();
  if (j == 0) return 0.0;
  const double t = (x - curve.fpr[j - 1]) / (curve.fpr[j] - curve.fpr[j - 1]);
  return curve.tpr[j - 1] + t * (curve.tpr[j] - curve.tpr[j - 1]);
}

BackgroundRejection background_rejection_at(const RocCurve& curve, double signal_efficiency) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  const double x = signal_efficiency;
  BackgroundRejection result{x, kNaN, kNaN, kNaN};
  const std::size_t size = curve.tpr.size();
  if (!(x >= 0.0 && x <= 1.0) || size == 0) return result;
  std::size_t j = 0;
  while (j < size && curve.tpr[j] < x) ++j;
  double eff_b = 0.0;
  if (j == size) {
    eff_b = curve.fpr.back();
  } else if (j == 0) {
    eff_b = curve.fpr[0];
  } else {
    const double t = (x - curve.tpr[j - 1]) / (curve.tpr[j] - curve.tpr[j - 1]);
    eff_b = curve.fpr[j - 1] + t * (curve.fpr[j] - curve.fpr[j - 1]);
  }
  result.background_efficiency = eff_b;
  result.inverse = eff_b > 0.0 ? 1.0 / eff_b : std::numeric_limits<double>::infinity();
  result.complement = 1.0 - eff_b;
  return result;
}

}  // namespace evclass::eval
