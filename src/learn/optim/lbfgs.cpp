#include <cmath>
#include <deque>

#include "learn/optim/solvers.hpp"

namespace evclass::learn::optim {

namespace {

constexpr std::size_t kHistory = 10;

struct CorrectionPair {
  Eigen::VectorXd s;  ///< x_{k+1} - x_k
  Eigen::VectorXd y;  ///< g_{k+1} - g_k
  double rho;         ///< 1 / (y·s)
};

/// The two-loop recursion: returns -H_k g with the L-BFGS inverse-Hessian approximation.
Eigen::VectorXd lbfgs_direction(const std::deque<CorrectionPair>& history, const Eigen::VectorXd& grad) {
  Eigen::VectorXd q = grad;
  std::vector<double> alpha(history.size());
  for (std::size_t i = history.size(); i-- > 0;) {
    alpha[i] = history[i].rho * history[i].s.dot(q);
    q -= alpha[i] * history[i].y;
  }
  if (!history.empty()) {
    const auto& last = history.back();
    q *= last.s.dot(last.y) / last.y.squaredNorm();
  }
  for (std::size_t i = 0; i < history.size(); ++i) {
    const double beta = history[i].rho * history[i].y.dot(q);
    q += (alpha[i] - beta) * history[i].s;
  }
  return -q;
}

}  // namespace

SolverResult minimize_lbfgs(const Objective& f, Eigen::VectorXd x0, const SolverOptions& options) {
  SolverResult result;
  result.x = std::move(x0);
  Eigen::VectorXd grad;
  double value = f.value_gradient(result.x, grad);
  std::deque<CorrectionPair> history;
  Eigen::VectorXd trial, trial_grad;
  for (;;) {
    result.value = value;
    result.gradient_max = options.gradient_size ? options.gradient_size(grad)
                                                : (grad.size() ? grad.cwiseAbs().maxCoeff() : 0.0);
    result.converged = result.gradient_max <= options.gradient_tolerance;
    if (result.converged || result.iterations >= options.max_iterations) break;

    Eigen::VectorXd step = lbfgs_direction(history, grad);
    double slope = grad.dot(step);
    if (!(slope < 0.0)) {  // the approximation lost positive definiteness: restart
      history.clear();
      step = -grad;
      slope = -grad.squaredNorm();
    }
    // Without curvature information the first step is scaled to unit length.
    double t = history.empty() ? std::min(1.0, 1.0 / std::sqrt(grad.squaredNorm())) : 1.0;
    bool accepted = false;
    double trial_value = 0.0;
    for (int k = 0; k < 50; ++k, t *= 0.5) {
      trial = result.x + t * step;
      trial_value = f.value_gradient(trial, trial_grad);
      if (detail::accept_step(value, slope, t, trial_value, trial_grad.dot(step))) {
        accepted = true;
        break;
      }
    }
    if (!accepted) {
      if (history.empty()) break;  // even steepest descent makes no progress: at the optimum
      history.clear();             // retry once from steepest descent
      continue;
    }
    CorrectionPair pair{trial - result.x, trial_grad - grad, 0.0};
    const double sy = pair.s.dot(pair.y);
    if (sy > 1e-12 * pair.s.norm() * pair.y.norm()) {
      pair.rho = 1.0 / sy;
      history.push_back(std::move(pair));
      if (history.size() > kHistory) history.pop_front();
    }
    result.x = trial;
    grad = trial_grad;
    value = trial_value;
    ++result.iterations;
    if (options.progress) options.progress({options.stage, result.iterations, options.max_iterations, value});
  }
  return result;
}

}  // namespace evclass::learn::optim
