#pragma once
// Small unconstrained minimisers over Eigen vectors, shared by the linear models (and later the
// neural networks): Newton with a line search, and L-BFGS. Private to learn.

#include <cmath>
#include <functional>
#include <string_view>

#include <Eigen/Dense>

#include "evclass/learn/model.hpp"

namespace evclass::learn::optim {

/// A smooth function to minimise.
class Objective {
 public:
  virtual ~Objective() = default;
  [[nodiscard]] virtual Eigen::Index dimension() const = 0;
  [[nodiscard]] virtual double value(const Eigen::VectorXd& x) const = 0;
  /// Value, and the gradient written into `grad` (resized by the callee).
  virtual double value_gradient(const Eigen::VectorXd& x, Eigen::VectorXd& grad) const = 0;
};

/// An objective whose Hessian is cheap enough to form (few parameters).
class TwiceDifferentiable : public Objective {
 public:
  /// Value, gradient and Hessian (full symmetric matrix).
  virtual double value_gradient_hessian(const Eigen::VectorXd& x, Eigen::VectorXd& grad,
                                        Eigen::MatrixXd& hessian) const = 0;
};

struct SolverOptions {
  int max_iterations = 100;
  double gradient_tolerance = 1e-6;  ///< stop when max |gradient entry| <= this
  std::string_view stage = "solver";  ///< name reported to `progress`
  ProgressFn progress;
  /// The size of a gradient compared with gradient_tolerance; empty = max |entry|. Lets a solver
  /// working in transformed coordinates stop on the gradient in the original ones.
  std::function<double(const Eigen::VectorXd& grad)> gradient_size;
};

struct SolverResult {
  Eigen::VectorXd x;
  double value = 0.0;
  double gradient_max = 0.0;  ///< max |gradient entry| at x
  int iterations = 0;
  bool converged = false;     ///< gradient_max <= gradient_tolerance
};

namespace detail {

/// Whether a line-search step of length t is accepted, given the value f and directional
/// derivative (gradient · direction) at the start (0) and at the trial point (t).
/// Armijo's sufficient decrease, or, once the decrease is lost in f's rounding noise near the
/// optimum, Hager and Zhang's approximate Armijo condition: f has not grown beyond that noise
/// and the directional derivative shows the step did not overshoot the minimum along the line.
inline bool accept_step(double f0, double slope0, double t, double ft, double slope_t) {
  constexpr double kArmijo = 1e-4;
  constexpr double kNoise = 1e-10;  // relative size of f's rounding noise, generously
  if (!std::isfinite(ft) || !std::isfinite(slope_t)) return false;
  if (ft <= f0 + kArmijo * t * slope0) return true;
  return ft <= f0 + kNoise * std::abs(f0) && slope_t <= (1.0 - 2.0 * kArmijo) * -slope0;
}

}  // namespace detail

/// Newton's method: steps solve (H + shift I) p = -g, the shift added only when H is not
/// positive definite (possible with negative weights); backtracking Armijo line search.
[[nodiscard]] SolverResult minimize_newton(const TwiceDifferentiable& f, Eigen::VectorXd x0, const SolverOptions& options);

/// L-BFGS with 10 correction pairs and a backtracking Armijo line search; pairs that break the
/// curvature condition (s·y <= 0, possible with negative weights) are skipped.
[[nodiscard]] SolverResult minimize_lbfgs(const Objective& f, Eigen::VectorXd x0, const SolverOptions& options);

}  // namespace evclass::learn::optim
