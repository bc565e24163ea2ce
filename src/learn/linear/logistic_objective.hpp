#pragma once
// The penalised logistic loss of scikit-learn, as functions of the parameter vector:
//   F(theta) = 0.5 * ||W||^2 + C * sum_i s_i * logloss_i      (intercepts not penalised)
// Sums over rows run in parallel over a fixed partition (row_chunks.hpp): bit-identical results.

#include <cstdint>
#include <span>

#include "evclass/core/parallel.hpp"
#include "evclass/learn/data.hpp"
#include "learn/optim/solvers.hpp"

namespace evclass::learn::linear {

/// What both objectives need: rows, labels, effective weights (sample × class weight), C.
struct LogisticProblem {
  FeatureMatrix x;
  std::span<const std::int32_t> labels;
  std::span<const double> weights;  ///< one per row
  int n_classes = 2;
  bool fit_intercept = true;
  double C = 1.0;

  /// Parameters per linear function: features, plus 1 for the intercept.
  [[nodiscard]] Eigen::Index n_inputs() const {
    return static_cast<Eigen::Index>(x.cols) + (fit_intercept ? 1 : 0);
  }
};

/// Binary: theta = (w_0 .. w_{d-1}, b), label 1 is the positive class.
class BinaryLogisticObjective final : public optim::TwiceDifferentiable {
 public:
  BinaryLogisticObjective(const LogisticProblem& problem, const core::Context& ctx) : p_(problem), ctx_(ctx) {}
  [[nodiscard]] Eigen::Index dimension() const override { return p_.n_inputs(); }
  [[nodiscard]] double value(const Eigen::VectorXd& theta) const override;
  double value_gradient(const Eigen::VectorXd& theta, Eigen::VectorXd& grad) const override;
  double value_gradient_hessian(const Eigen::VectorXd& theta, Eigen::VectorXd& grad,
                                Eigen::MatrixXd& hessian) const override;

 private:
  double evaluate(const Eigen::VectorXd& theta, Eigen::VectorXd* grad, Eigen::MatrixXd* hessian) const;
  const LogisticProblem& p_;
  core::Context ctx_;
};

/// Multinomial (softmax): theta[k * n_inputs + j] is W(k, j); j = d is class k's intercept.
class MultinomialLogisticObjective final : public optim::Objective {
 public:
  MultinomialLogisticObjective(const LogisticProblem& problem, const core::Context& ctx) : p_(problem), ctx_(ctx) {}
  [[nodiscard]] Eigen::Index dimension() const override { return p_.n_classes * p_.n_inputs(); }
  [[nodiscard]] double value(const Eigen::VectorXd& theta) const override;
  double value_gradient(const Eigen::VectorXd& theta, Eigen::VectorXd& grad) const override;

 private:
  double evaluate(const Eigen::VectorXd& theta, Eigen::VectorXd* grad) const;
  const LogisticProblem& p_;
  core::Context ctx_;
};

}  // namespace evclass::learn::linear
