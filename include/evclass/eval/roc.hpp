#pragma once
// Receiver operating characteristic of a binary classifier, computed the way scikit-learn's
// roc_curve(y, s, sample_weight=w, drop_intermediate=False) does, plus the area under it and the
// working points physicists quote (signal efficiency at a background efficiency, rejection).

#include <cstddef>
#include <vector>

#include "evclass/eval/sample.hpp"

namespace evclass::eval {

/// One point per distinct score, from the strictest cut to the loosest.
///
/// Point i selects the events with score >= thresholds[i]. Point 0 is the cut that selects
/// nothing: its threshold is +infinity. scikit-learn 1.2 (Debian's) writes max(score) + 1 there
/// and newer versions write +inf; +inf is right for every score range (max + 1 == max for large
/// float scores), so comparisons with scikit-learn skip the first threshold.
/// Events of weight exactly 0 are left out (as scikit-learn does): they would add thresholds at
/// which nothing changes. Negative weights are kept, so the curve need not be monotonic.
struct RocCurve {
  std::vector<double> thresholds;       ///< +inf, then the distinct scores in decreasing order
  std::vector<double> true_positives;   ///< signal weight (or count) with score >= threshold
  std::vector<double> false_positives;  ///< background weight (or count) with score >= threshold
  std::vector<double> tpr;              ///< true_positives / total signal weight (signal efficiency)
  std::vector<double> fpr;              ///< false_positives / total background weight (background efficiency)
  double total_signal = 0.0;            ///< sum of signal weights (or count)
  double total_background = 0.0;        ///< sum of background weights (or count)

  /// Number of points.
  [[nodiscard]] std::size_t size() const noexcept { return thresholds.size(); }
};

/// ROC curve of `input` (labels 1 = signal, 0 = background), weighted when input has weights.
/// Throws evclass::Error for NaN scores, labels other than 0/1, an empty class ("no background
/// events in ...") or a class whose weights sum to zero or less.
[[nodiscard]] RocCurve roc_curve(const LabeledScores& input);

/// Area under the curve by the trapezoid rule over every point (as roc_auc_score), summed with
/// compensation. A non-monotonic curve (negative weights) gives the signed area, like numpy.trapz.
[[nodiscard]] double roc_auc(const RocCurve& curve);

/// AUC of `input` in one call: roc_auc(roc_curve(input)).
[[nodiscard]] double roc_auc(const LabeledScores& input);

/// At most `max_points` points of `curve` for plots: the first and last point and points spread
/// evenly along the curve's length in the (fpr, tpr) plane. max_points < 2 is treated as 2.
[[nodiscard]] RocCurve thin_roc(const RocCurve& curve, std::size_t max_points);

/// Signal efficiency (tpr) at background efficiency `background_efficiency`, interpolated
/// linearly between the two ROC points around it. Where several points share that fpr, the
/// highest tpr is taken (the best cut with that background). Returns NaN outside [0, 1].
[[nodiscard]] double signal_efficiency_at(const RocCurve& curve, double background_efficiency);

/// Background efficiency and the two usual rejection figures at one signal efficiency.
struct BackgroundRejection {
  double signal_efficiency = 0.0;      ///< the requested working point
  double background_efficiency = 0.0;  ///< smallest fpr reaching that tpr, interpolated
  double inverse = 0.0;                ///< 1 / background_efficiency (+inf when it is 0)
  double complement = 0.0;             ///< 1 - background_efficiency
};

/// Background rejection at `signal_efficiency` (interpolated linearly; the first point whose tpr
/// reaches the working point). NaN fields when signal_efficiency is outside [0, 1].
[[nodiscard]] BackgroundRejection background_rejection_at(const RocCurve& curve, double signal_efficiency);

}  // namespace evclass::eval

namespace evclass::eval {

/// One-vs-rest AUC of each class of a multi-class model: class k is "signal" and scored by its
/// own probability column, every other class is "background" (scikit-learn's
/// roc_auc_score(y == k, p[:, k], sample_weight=w)). Weighted when `weights` is not empty.
[[nodiscard]] std::vector<double> one_vs_rest_auc(const ClassProbabilities& probabilities,
                                                  std::span<const label_t> labels,
                                                  std::span<const double> weights, const std::string& context);

}  // namespace evclass::eval
