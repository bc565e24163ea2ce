#pragma once
// Two-sample Kolmogorov-Smirnov test, used to compare a model's train and test score
// distributions (overtraining check).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "evclass/eval/sample.hpp"

namespace evclass::eval {

/// Result of a two-sample KS test.
struct KsResult {
  double statistic = 0.0;  ///< sup |F_a - F_b| of the (weighted) empirical CDFs
  double p_value = 1.0;    ///< probability of a statistic at least this large if both come from one law
  double n_eff_a = 0.0;    ///< (effective) size of sample a
  double n_eff_b = 0.0;    ///< (effective) size of sample b
};

/// KS test of samples a and b.
///
/// Unweighted (both weight spans empty): statistic and p-value as
/// scipy.stats.ks_2samp(a, b, method='asymp'): p = P(D_n > d) for the one-sample two-sided
/// Kolmogorov distribution with n = round(n_a n_b / (n_a + n_b)) (scipy's kstwo.sf).
/// Weighted: the statistic compares the weighted empirical CDFs (sum of weights at or below x over
/// the total); the p-value uses the same formula with the effective sizes
/// n_eff = (sum w)^2 / sum w^2 in place of the counts (an approximation: exact for equal weights,
/// a common convention otherwise). n is at least 1.
/// Throws evclass::Error for an empty sample, NaN values, or weights summing to zero or less.
[[nodiscard]] KsResult ks_two_sample(ScoreSpan a, std::span<const double> weights_a, ScoreSpan b,
                                     std::span<const double> weights_b, const std::string& context);

/// P(D_n > d) for the two-sided one-sample Kolmogorov statistic with n events (scipy's
/// kstwo.sf(d, n)), after Simard and L'Ecuyer (2011): Ruben-Gambino closed forms at the ends,
/// the Durbin matrix (Marsaglia-Tsang-Wang) for small n*d^2, the Smirnov one-sided sum for large
/// n*d^2 and the Pelz-Good series for large n.
[[nodiscard]] double kolmogorov_two_sided_sf(std::int64_t n, double d);

/// KS train-vs-test comparison of each class's scores: entry c compares the scores of the events
/// with label c in `train` and in `test` (weighted when both have weights).
[[nodiscard]] std::vector<KsResult> overtraining_check(const LabeledScores& train, const LabeledScores& test,
                                                       label_t num_classes);

}  // namespace evclass::eval
