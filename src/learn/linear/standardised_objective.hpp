#pragma once
// An exact change of variables that makes first-order solvers (L-BFGS) well conditioned on raw
// physics features (GeV next to radians): the solver sees parameters of standardised inputs
// (x - mean) / std, while the function, and so the optimum, stay those of the original problem.
//   w_kj = w'_kj / std_j,   b_k = b'_k - sum_j w'_kj * mean_j / std_j
// Private to learn.

#include <vector>

#include "learn/optim/solvers.hpp"

namespace evclass::learn::linear {

class StandardisedObjective final : public optim::Objective {
 public:
  /// `inner` has n_rows linear functions of n_features inputs plus an intercept (if fit_intercept)
  /// laid out as rows of n_inputs; without an intercept the shift must be 0.
  StandardisedObjective(const optim::Objective& inner, Eigen::Index n_rows, Eigen::Index n_features,
                        bool fit_intercept, std::vector<double> shift, std::vector<double> scale)
      : inner_(inner), n_rows_(n_rows), n_features_(n_features), fit_intercept_(fit_intercept),
        shift_(std::move(shift)), scale_(std::move(scale)) {}

  [[nodiscard]] Eigen::Index dimension() const override { return inner_.dimension(); }
  [[nodiscard]] double value(const Eigen::VectorXd& theta) const override { return inner_.value(to_original(theta)); }
  double value_gradient(const Eigen::VectorXd& theta, Eigen::VectorXd& grad) const override {
    Eigen::VectorXd original_grad;
    const double v = inner_.value_gradient(to_original(theta), original_grad);
    grad.resize(original_grad.size());
    for (Eigen::Index k = 0; k < n_rows_; ++k) {
      const Eigen::Index row = k * n_inputs();
      const double g_bias = fit_intercept_ ? original_grad[row + n_features_] : 0.0;
      for (Eigen::Index j = 0; j < n_features_; ++j)
        grad[row + j] = (original_grad[row + j] - g_bias * shift_[j]) / scale_[j];
      if (fit_intercept_) grad[row + n_features_] = g_bias;
    }
    return v;
  }

  /// Parameters of the original problem for solver parameters `theta`.
  [[nodiscard]] Eigen::VectorXd to_original(const Eigen::VectorXd& theta) const {
    Eigen::VectorXd out(theta.size());
    for (Eigen::Index k = 0; k < n_rows_; ++k) {
      const Eigen::Index row = k * n_inputs();
      double bias = fit_intercept_ ? theta[row + n_features_] : 0.0;
      for (Eigen::Index j = 0; j < n_features_; ++j) {
        out[row + j] = theta[row + j] / scale_[j];
        bias -= out[row + j] * shift_[j];
      }
      if (fit_intercept_) out[row + n_features_] = bias;
    }
    return out;
  }

  /// max |entry| of the original problem's gradient, from the solver's gradient `grad`.
  [[nodiscard]] double original_gradient_max(const Eigen::VectorXd& grad) const {
    double worst = 0.0;
    for (Eigen::Index k = 0; k < n_rows_; ++k) {
      const Eigen::Index row = k * n_inputs();
      const double g_bias = fit_intercept_ ? grad[row + n_features_] : 0.0;
      for (Eigen::Index j = 0; j < n_features_; ++j)
        worst = std::max(worst, std::abs(grad[row + j] * scale_[j] + g_bias * shift_[j]));
      worst = std::max(worst, std::abs(g_bias));
    }
    return worst;
  }

 private:
  [[nodiscard]] Eigen::Index n_inputs() const { return n_features_ + (fit_intercept_ ? 1 : 0); }
  const optim::Objective& inner_;
  Eigen::Index n_rows_, n_features_;
  bool fit_intercept_;
  std::vector<double> shift_, scale_;
};

}  // namespace evclass::learn::linear
