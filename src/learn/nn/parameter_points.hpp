#pragma once
// The physics parameters of a parametric network's training rows: the distinct points (tuples of
// parameter values) the signal takes, the re-weighting that gives every point the same total
// signal weight, and the parameter values background rows get (drawn from the signal's points,
// fixed, or kept). Private to learn.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace evclass::learn::nn {

/// The distinct parameter tuples of a set of rows, sorted lexicographically, with the summed
/// weight and the number of rows at each.
struct ParameterPoints {
  std::size_t n_parameters = 0;
  std::vector<float> values;       ///< size() × n_parameters, row-major
  std::vector<double> weight;      ///< total weight of the rows at each point
  std::vector<std::size_t> count;  ///< rows at each point
  [[nodiscard]] std::size_t size() const { return weight.size(); }
  [[nodiscard]] const float* point(std::size_t k) const { return values.data() + k * n_parameters; }
};

/// The points of the rows `rows` of `theta` (all rows × P, row-major), whose weights are
/// weights[r]. Tuples are equal when every value is (floats compared exactly).
[[nodiscard]] ParameterPoints find_points(std::span<const float> theta, std::size_t n_parameters,
                                          std::span<const double> weights, std::span<const std::size_t> rows);

/// Multiplies the weight of every signal row (label 1) by the factor that gives each signal point
/// the same total, total signal weight / number of points (so the signal's total is unchanged).
/// Returns the points after re-weighting. Throws ConfigError (naming `model_type` and the point)
/// when a point's total weight is not positive.
ParameterPoints balance_signal_points(std::span<const float> theta, std::size_t n_parameters,
                                      std::span<const std::int32_t> labels, std::span<double> weights,
                                      std::string_view model_type);

/// How background rows get their parameter values (hyper-parameter background_parameters).
enum class BackgroundStrategy { resample, resample_once, as_given, fixed };

/// The parameter values of the background rows, epoch by epoch.
class BackgroundParameters {
 public:
  /// `signal` = the signal training rows' points with their (effective) weights: a draw picks
  /// point k with probability max(weight_k, 0) / sum of those (throws ConfigError naming
  /// `model_type` when that sum is not positive and values are drawn). `fixed` is used by
  /// BackgroundStrategy::fixed (one value per parameter).
  BackgroundParameters(BackgroundStrategy strategy, ParameterPoints signal, std::vector<float> fixed,
                       std::uint64_t seed, std::string_view model_type);

  [[nodiscard]] BackgroundStrategy strategy() const { return strategy_; }
  /// False for as_given: the data's values are kept.
  [[nodiscard]] bool sets_values() const { return strategy_ != BackgroundStrategy::as_given; }

  /// The values (count × P, row-major) of `count` background rows, the i-th for the i-th row, for
  /// epoch `epoch` (1, 2, ...; 0 = the run's validation rows). resample draws anew for every
  /// epoch, resample_once gives the same values for every epoch >= 1, fixed repeats its value,
  /// as_given returns nothing. Draws depend only on the seed, the epoch and i.
  [[nodiscard]] std::vector<float> values(int epoch, std::size_t count) const;

 private:
  BackgroundStrategy strategy_;
  ParameterPoints signal_;
  std::vector<double> cumulative_;  ///< running sums of max(weight, 0)
  std::vector<float> fixed_;
  std::uint64_t seed_;
};

}  // namespace evclass::learn::nn
