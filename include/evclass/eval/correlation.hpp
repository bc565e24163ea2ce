#pragma once
// Weighted Pearson correlation matrices of the input features, per class.

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "evclass/eval/sample.hpp"

namespace evclass::eval {

/// Features stored column-major: value of feature f for event i is values[f * num_events + i].
struct FeatureColumns {
  std::span<const float> values;
  std::size_t num_events = 0;
  std::size_t num_features = 0;

  /// Value of feature f for event i.
  [[nodiscard]] double at(std::size_t f, std::size_t i) const { return values[f * num_events + i]; }
};

/// Square matrix, row-major num_features x num_features.
struct CorrelationMatrix {
  std::size_t num_features = 0;
  std::vector<double> values;

  /// Correlation of features a and b.
  [[nodiscard]] double at(std::size_t a, std::size_t b) const { return values[a * num_features + b]; }
};

/// Weighted Pearson correlation of every pair of features over the events whose `selected` flag
/// is set (all events when `selected` is empty): cov_w(x, y) / sqrt(var_w(x) var_w(y)) with
/// weighted means, computed in two passes. The diagonal is 1; a pair involving a feature of zero
/// (or, with negative weights, negative) weighted variance gets 0, as TMVA does.
/// Throws evclass::Error for size mismatches, NaN features, no selected events or weights
/// summing to zero or less.
[[nodiscard]] CorrelationMatrix correlation_matrix(const FeatureColumns& features, std::span<const double> weights,
                                                   std::span<const std::uint8_t> selected, const std::string& context);

/// Correlation matrices of the signal (label 1) and background (label 0) events.
struct ClassCorrelations {
  CorrelationMatrix signal;
  CorrelationMatrix background;
};

/// Signal and background correlation matrices of binary-labelled events.
[[nodiscard]] ClassCorrelations class_correlations(const FeatureColumns& features, std::span<const label_t> labels,
                                                   std::span<const double> weights, const std::string& context);

}  // namespace evclass::eval
