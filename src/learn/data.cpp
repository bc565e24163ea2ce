#include "evclass/learn/data.hpp"

#include <cmath>

#include <fmt/format.h>

#include "evclass/core/error.hpp"

namespace evclass::learn {

std::span<const float> FeatureMatrix::column(std::size_t j) const {
  EVC_ASSERT(j < cols, "feature index out of range");
  return data.subspan(j * rows, rows);
}

namespace {

std::string feature_label(const TrainData& data, std::size_t j) {
  if (j < data.feature_names.size()) return fmt::format("'{}'", data.feature_names[j]);
  return fmt::format("#{}", j);
}

}  // namespace

void check_train_data(const TrainData& data, std::string_view model_name, bool require_finite_features) {
  // Shapes are built by evclass itself: a mismatch is a bug, not user input.
  EVC_ASSERT(data.x.data.size() == data.x.rows * data.x.cols, "feature matrix size != rows * cols");
  EVC_ASSERT(data.labels.size() == data.x.rows, "one label per row");
  EVC_ASSERT(data.weights.empty() || data.weights.size() == data.x.rows, "weights: empty or one per row");
  EVC_ASSERT(data.feature_names.empty() || data.feature_names.size() == data.x.cols, "one name per feature");
  if (data.n_classes < 2)
    throw ConfigError(fmt::format("model '{}': training needs at least 2 classes, got {}", model_name, data.n_classes));
  if (data.x.rows == 0)
    throw ConfigError(fmt::format("model '{}': no training rows (check the selection and the split)", model_name));
  if (data.x.cols == 0) throw ConfigError(fmt::format("model '{}': no features to train on", model_name));
  for (std::size_t i = 0; i < data.labels.size(); ++i) {
    if (data.labels[i] < 0 || data.labels[i] >= data.n_classes)
      throw ConfigError(fmt::format("model '{}': label {} of training row {} is outside 0..{}", model_name,
                                    data.labels[i], i, data.n_classes - 1));
  }
  for (std::size_t i = 0; i < data.weights.size(); ++i) {
    if (!std::isfinite(data.weights[i]))
      throw ConfigError(fmt::format("model '{}': weight of training row {} is {} (weights must be finite; check the "
                                    "weight expression)", model_name, i, data.weights[i]));
  }
  if (!require_finite_features) return;
  for (std::size_t j = 0; j < data.x.cols; ++j) {
    const auto col = data.x.column(j);
    for (std::size_t i = 0; i < col.size(); ++i) {
      if (!std::isfinite(col[i]))
        throw ConfigError(fmt::format("model '{}': feature {} of training row {} is {}; this model needs finite "
                                      "features (cut such rows or fill the value in a derived variable)",
                                      model_name, feature_label(data, j), i, col[i]));
    }
  }
}

std::vector<double> row_weights(const TrainData& data) {
  if (data.weights.empty()) return std::vector<double>(data.x.rows, 1.0);
  return {data.weights.begin(), data.weights.end()};
}

}  // namespace evclass::learn
