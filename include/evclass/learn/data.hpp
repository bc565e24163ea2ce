#pragma once
// The plain data a learner sees: a column-major float matrix, labels and weights as spans.
// learn knows nothing of ROOT or columns; api builds these from the feature module's output.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace evclass::learn {

/// Column-major float32 features: the value of feature j for row i is data[j * rows + i].
struct FeatureMatrix {
  std::span<const float> data;
  std::size_t rows = 0;
  std::size_t cols = 0;

  /// The `rows` values of feature j.
  [[nodiscard]] std::span<const float> column(std::size_t j) const;
};

/// Everything a model is trained on. Spans are borrowed: they must outlive the train() call.
struct TrainData {
  FeatureMatrix x;
  std::span<const std::int32_t> labels;  ///< one per row, 0..n_classes-1
  std::span<const double> weights;       ///< one per row, or empty for all 1; negatives allowed
  int n_classes = 2;
  std::vector<std::string> feature_names;  ///< empty, or one per column
  const TrainData* validation = nullptr;   ///< held-out rows for early stopping (models that use it)
  /// The run's seed. A model that uses randomness takes its hyper-parameter "random_state" when
  /// set, and this seed otherwise (see model_seed()), so one [run] seed reproduces every model.
  std::uint64_t run_seed = 42;
};

/// Checks the shapes and values of `data` that every learner relies on: sizes agree, labels are
/// in range, weights and features are finite (features only if `require_finite_features`).
/// Throws evclass::ConfigError naming `model_name` and the offending row/feature.
void check_train_data(const TrainData& data, std::string_view model_name, bool require_finite_features);

/// The effective per-row weights: data.weights, or all 1 when it is empty.
[[nodiscard]] std::vector<double> row_weights(const TrainData& data);

}  // namespace evclass::learn
