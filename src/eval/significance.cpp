#include "evclass/eval/significance.hpp"

#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "evclass/core/error.hpp"

namespace evclass::eval {

double asimov_significance(double s, double b) {
  if (!(b > 0.0)) return std::numeric_limits<double>::quiet_NaN();
  if (s <= 0.0) return 0.0;
  const double r = s / b;
  // (1 + r) ln(1 + r) - r loses every digit to cancellation for small r; use its series there.
  const double bracket = r < 1e-4 ? r * r * (0.5 - r / 6.0 + r * r / 12.0) : (1.0 + r) * std::log1p(r) - r;
  return std::sqrt(2.0 * b * bracket);
}

double simple_significance(double s, double b) {
  if (!(b > 0.0)) return std::numeric_limits<double>::quiet_NaN();
  return s <= 0.0 ? 0.0 : s / std::sqrt(b);
}

CutScan scan_best_cut(const RocCurve& curve, const CutScanOptions& options) {
  if (!(options.min_background > 0.0)) {
    throw ConfigError(fmt::format("minimum background yield for the best cut is {}; it must be > 0 "
                                  "(e.g. 1 expected event), or s/sqrt(b) is unbounded",
                                  options.min_background));
  }
  if (!(options.signal_scale > 0.0) || !(options.background_scale > 0.0)) {
    throw ConfigError(fmt::format("yield scale factors must be > 0 (signal {}, background {})",
                                  options.signal_scale, options.background_scale));
  }
  CutScan scan;
  auto consider = [&](CutPoint& best, std::size_t k, double significance, double s, double b) {
    if (!(significance > 0.0) || (best.found && !(significance > best.significance))) return;
    best.found = true;
    best.threshold = curve.thresholds[k];
    best.signal = s;
    best.background = b;
    best.significance = significance;
    best.signal_efficiency = curve.tpr[k];
    best.background_efficiency = curve.fpr[k];
    best.background_rejection = 1.0 - curve.fpr[k];
  };
  // Point 0 selects nothing; the scan starts at the highest real threshold.
  for (std::size_t k = 1; k < curve.size(); ++k) {
    const double s = curve.true_positives[k] * options.signal_scale;
    const double b = curve.false_positives[k] * options.background_scale;
    if (b < options.min_background) continue;
    consider(scan.simple, k, simple_significance(s, b), s, b);
    consider(scan.asimov, k, asimov_significance(s, b), s, b);
  }
  return scan;
}

CutScan scan_best_cut(const LabeledScores& input, const CutScanOptions& options) {
  return scan_best_cut(roc_curve(input), options);
}

}  // namespace evclass::eval
