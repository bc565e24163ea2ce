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
    result.gradient_max = options.gradient_size ? options.gradient_size(grad)
                                                : (grad.size() ? grad.cwiseAbs().maxCoeff() : 0.0);
    result.converged = result.gradient_max <= options.gradient_tolerance;
    if (result.converged || result.iterations >= options.max_iterations) break;

    Eigen::VectorXd step = newton_direction(hessian, grad);
    double slope = grad.dot(step);
    if (!(slope < 0.0)) {
      step = -grad;
      slope = -grad.squaredNorm();
    }
    // Backtracking line search. The full step (accepted almost always) is evaluated with its
    // Hessian, so an accepted full step costs one pass over the data, not two.
    Eigen::VectorXd trial = result.x + step;
    Eigen::VectorXd trial_grad;
    Eigen::MatrixXd trial_hessian;
    double trial_value = f.value_gradient_hessian(trial, trial_grad, trial_hessian);
    bool accepted = detail::accept_step(value, slope, 1.0, trial_value, trial_grad.dot(step));
    bool have_hessian = true;
    double t = 1.0;
    for (int k = 0; !accepted && k < 50; ++k) {
      t *= 0.5;
      trial = result.x + t * step;
      trial_value = f.value_gradient(trial, trial_grad);
      accepted = detail::accept_step(value, slope, t, trial_value, trial_grad.dot(step));
      have_hessian = false;
    }
    if (!accepted) break;  // no decrease left at double precision: we are at the optimum
    result.x = std::move(trial);
    ++result.iterations;
    if (have_hessian) {
      value = trial_value;
      grad = std::move(trial_grad);
      hessian = std::move(trial_hessian);
    } else {
      value = f.value_gradient_hessian(result.x, grad, hessian);
    }
    if (options.progress) options.progress({options.stage, result.iterations, options.max_iterations, value});
  }
  return result;
}

}  // namespace evclass::learn::optim
