#pragma once
// The best cut on a classifier score: the threshold that maximises a discovery significance
// computed from the weighted signal and background yields above the cut.

#include "evclass/eval/roc.hpp"

namespace evclass::eval {

/// Asimov discovery significance Z_A = sqrt(2((s + b) ln(1 + s/b) - s)) (Cowan et al. 2011).
/// Returns 0 when s <= 0 and NaN when b <= 0. Accurate also for s << b (where it tends to s/sqrt(b)).
[[nodiscard]] double asimov_significance(double s, double b);

/// s / sqrt(b); 0 when s <= 0, NaN when b <= 0.
[[nodiscard]] double simple_significance(double s, double b);

/// How yields are formed and which cuts are allowed.
struct CutScanOptions {
  /// Factor applied to signal weights (e.g. luminosity x cross section, or 1/test_fraction to undo
  /// the train/test split).
  double signal_scale = 1.0;
  /// Factor applied to background weights.
  double background_scale = 1.0;
  /// Cuts leaving less scaled background than this are skipped: with tiny b, s/sqrt(b) grows
  /// without bound on a statistical fluctuation. Default 1 event-weight unit, i.e. one expected
  /// background event once the weights are normalised to a luminosity; lower it for weights
  /// normalised otherwise. Must be > 0.
  double min_background = 1.0;
};

/// One working point of the scan.
struct CutPoint {
  bool found = false;                 ///< false when no cut has enough background and signal > 0
  double threshold = 0.0;             ///< select events with score >= threshold
  double signal = 0.0;                ///< scaled signal yield above the cut
  double background = 0.0;            ///< scaled background yield above the cut
  double significance = 0.0;          ///< the maximised figure of merit
  double signal_efficiency = 0.0;     ///< signal above the cut / all signal
  double background_efficiency = 0.0; ///< background above the cut / all background
  double background_rejection = 0.0;  ///< 1 - background_efficiency
};

/// The best cut for both figures of merit.
struct CutScan {
  CutPoint simple;  ///< maximises s / sqrt(b)
  CutPoint asimov;  ///< maximises Z_A
};

/// Scans every distinct score of `input` as a threshold (via its ROC curve; O(n log n)).
/// Ties in significance keep the higher threshold. Throws evclass::ConfigError for
/// min_background <= 0 or non-positive scales, and what roc_curve throws.
[[nodiscard]] CutScan scan_best_cut(const LabeledScores& input, const CutScanOptions& options = {});

/// The same scan on an existing curve (built from the weights that define the yields).
[[nodiscard]] CutScan scan_best_cut(const RocCurve& curve, const CutScanOptions& options = {});

}  // namespace evclass::eval
