#pragma once
// Logistic regression (type "logistic_regression"), scikit-learn's parametrisation:
//   minimise 0.5 * ||W||^2 + C * sum_i s_i * logloss_i   (intercepts not penalised)
// binary: one weight vector, Newton's method; multi-class: multinomial softmax with one row of W
// per class, L-BFGS. s_i = sample weight × class weight.

#include <memory>
#include <vector>

#include "evclass/learn/model.hpp"
#include "evclass/learn/params.hpp"

namespace evclass::learn {

/// A trained logistic regression.
class LogisticRegressionModel final : public Model {
 public:
  static constexpr int kVersion = 1;

  /// coef is n_rows × n_features row-major, n_rows = 1 (binary) or n_classes.
  LogisticRegressionModel(int n_classes, std::size_t n_features, std::vector<double> coef,
                          std::vector<double> intercept, std::vector<std::string> feature_names,
                          nlohmann::json params, int iterations, bool converged);

  [[nodiscard]] std::string_view type() const override { return "logistic_regression"; }
  [[nodiscard]] int n_classes() const override { return n_classes_; }
  [[nodiscard]] std::size_t n_features() const override { return n_features_; }
  void predict(const FeatureMatrix& x, std::span<float> out, const core::Context& ctx) const override;
  [[nodiscard]] nlohmann::json to_json() const override;

  /// Row k holds the weights of class k (binary: the single row for class 1).
  [[nodiscard]] const std::vector<double>& coef() const { return coef_; }
  [[nodiscard]] const std::vector<double>& intercept() const { return intercept_; }
  [[nodiscard]] int iterations() const { return iterations_; }
  [[nodiscard]] bool converged() const { return converged_; }

  /// Rebuilds a model from to_json(); throws CorruptFile on anything inconsistent.
  [[nodiscard]] static std::unique_ptr<LogisticRegressionModel> from_json(const nlohmann::json& j);

 private:
  int n_classes_;
  std::size_t n_features_;
  std::vector<double> coef_;
  std::vector<double> intercept_;
  std::vector<std::string> feature_names_;
  nlohmann::json params_;
  int iterations_;
  bool converged_;
};

/// The hyper-parameters of logistic_regression.
[[nodiscard]] const ParamSchema& logistic_regression_schema();

}  // namespace evclass::learn
