#pragma once
// A trained model: plain data (coefficients, trees, ...) that predicts scores and saves to JSON.

#include <cstddef>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "evclass/core/parallel.hpp"
#include "evclass/learn/data.hpp"

namespace evclass::learn {

/// One progress report from a running training.
struct TrainProgress {
  std::string_view stage;   ///< what is running ("newton", "lbfgs", "boosting", ...)
  int iteration = 0;        ///< iterations done so far
  int max_iterations = 0;   ///< upper bound (0 = unknown)
  double loss = 0.0;        ///< current training objective
};

/// Called after every iteration of a training; may be empty.
using ProgressFn = std::function<void(const TrainProgress&)>;

/// A trained model. Loads from JSON without running any code from the file.
class Model {
 public:
  virtual ~Model() = default;

  /// The registered type name ("logistic_regression", ...).
  [[nodiscard]] virtual std::string_view type() const = 0;
  [[nodiscard]] virtual int n_classes() const = 0;
  [[nodiscard]] virtual std::size_t n_features() const = 0;

  /// Writes rows × n_outputs() scores, row-major: binary -> P(class 1); multi-class ->
  /// the probability of each class. Throws ConfigError if x.cols != n_features().
  virtual void predict(const FeatureMatrix& x, std::span<float> out, const core::Context& ctx) const = 0;

  /// Scores per row: 1 for binary models, n_classes() otherwise.
  [[nodiscard]] std::size_t n_outputs() const {
    return n_classes() == 2 ? 1 : static_cast<std::size_t>(n_classes());
  }

  /// Everything needed to rebuild the model; includes "type" and "version".
  [[nodiscard]] virtual nlohmann::json to_json() const = 0;

  /// One non-negative importance per feature, or empty when the model has none.
  [[nodiscard]] virtual std::vector<double> feature_importances() const { return {}; }
};

}  // namespace evclass::learn
