#include <cmath>

#include "learn/optim/solvers.hpp"

namespace evclass::learn::optim {

namespace {

/// Solves (H + shift I) p = -g with the smallest shift (0, then growing) that makes H + shift I
/// positive definite, so every step is a descent direction.
Eigen::VectorXd newton_direction(const Eigen::MatrixXd& hessian, const Eigen::VectorXd& grad) {
  Eigen::LLT<Eigen::MatrixXd> llt(hessian);
  if (llt.info() == Eigen::Success) {
    Eigen::VectorXd p = llt.solve(-grad);
    if (p.allFinite()) return p;
  }
  const double base = std::max(hessian.diagonal().cwiseAbs().maxCoeff(), 1.0);
  for (double shift = 1e-10 * base; shift < 1e20 * base; shift *= 10.0) {
    Eigen::MatrixXd shifted = hessian;
    shifted.diagonal().array() += shift;
    llt.compute(shifted);
    if (llt.info() != Eigen::Success) continue;
    Eigen::VectorXd p = llt.solve(-grad);
    if (p.allFinite()) return p;
  }
  return -grad;
}

}  // namespace

SolverResult minimize_newton(const TwiceDifferentiable& f, Eigen::VectorXd x0, const SolverOptions& options) {
  SolverResult result;
  result.x = std::move(x0);
  Eigen::VectorXd grad;
  Eigen::MatrixXd hessian;
  double value = f.value_gradient_hessian(result.x, grad, hessian);
  for (;;) {
    result.value = value;
    result.gradient_max = grad.size() ? grad.cwiseAbs().maxCoeff() : 0.0;
    result.converged = result.gradient_max <= options.gradient_tolerance;
    if (result.converged || result.iterations >= options.max_iterations) break;

    Eigen::VectorXd step = newton_direction(hessian, grad);
    double slope = grad.dot(step);
    if (!(slope < 0.0)) {
      step = -grad;
      slope = -grad.squaredNorm();
    }
    // Backtracking Armijo: Newton's full step is accepted near the optimum.
    double t = 1.0;
    bool accepted = false;
    Eigen::VectorXd trial, trial_grad;
    for (int k = 0; k < 50; ++k, t *= 0.5) {
      trial = result.x + t * step;
      const double trial_value = f.value_gradient(trial, trial_grad);
      if (detail::accept_step(value, slope, t, trial_value, trial_grad.dot(step))) {
        accepted = true;
        break;
      }
    }
    if (!accepted) break;  // no decrease left at double precision: we are at the optimum
    result.x = std::move(trial);
    ++result.iterations;
    value = f.value_gradient_hessian(result.x, grad, hessian);
    if (options.progress) options.progress({options.stage, result.iterations, options.max_iterations, value});
  }
  return result;
}

}  // namespace evclass::learn::optim
