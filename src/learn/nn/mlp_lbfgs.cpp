// Full-batch training with L-BFGS (solver = "lbfgs"), as scikit-learn minimises
//   sum_i s_i l_i / N + alpha/2 ||W||^2 / n      (N = sum of the effective weights, n = rows)
// over every real (unpadded) parameter, with learn's L-BFGS (optim/solvers.hpp): at most
// max_iter iterations, stopping when max |gradient| <= tol, and after max_fun evaluations of the
// loss (the lowest loss seen is kept then).

#include <cmath>
#include <limits>
#include <string>

#include <Eigen/Dense>

#include "evclass/core/error.hpp"
#include "learn/nn/batch_gradient.hpp"
#include "learn/nn/mlp_fit.hpp"
#include "learn/optim/solvers.hpp"

namespace evclass::learn::nn {

namespace {

/// Thrown from inside the solver when the evaluation budget (max_fun) is spent.
struct EvaluationBudgetSpent {};

class NetworkObjective final : public optim::Objective {
 public:
  NetworkObjective(const Shape& shape, const MlpOptions& o, const FitData& data, const core::Context& ctx)
      : shape_(shape),
        o_(o),
        data_(data),
        ctx_(ctx),
        gradient_(shape, o.activation, data.train.size(), false),
        blocks_(shape.blocks()),
        params_(shape.size(), 0.0f),
        transposed_(shape.transposed_size()),
        rows_(static_cast<double>(data.train.size())),
        normaliser_(rows_ * data.mean_weight) {}

  [[nodiscard]] Eigen::Index dimension() const override { return static_cast<Eigen::Index>(shape_.n_parameters()); }

  [[nodiscard]] double value(const Eigen::VectorXd& x) const override {
    Eigen::VectorXd unused;
    return value_gradient(x, unused);
  }

  double value_gradient(const Eigen::VectorXd& x, Eigen::VectorXd& grad) const override {
    if (evaluations_ >= o_.max_fun) throw EvaluationBudgetSpent{};
    ++evaluations_;
    unpack(x, params_);
    transpose_coefs(shape_, params_.data(), transposed_.data());
    const double loss_sum = gradient_.run(*data_.rows, data_.train, params_.data(), transposed_.data(), normaliser_,
                                          nullptr, ctx_);
    double norm2 = 0.0;
    grad.resize(dimension());
    const auto partials = gradient_.partials();
    Eigen::Index at = 0;
    for (const Shape::Block& b : blocks_) {
      for (std::size_t r = 0; r < b.rows; ++r) {
        for (std::size_t c = 0; c < b.cols; ++c) {
          const std::size_t e = b.offset + r * b.ld + c;
          double g = 0.0;
          for (const float* p : partials) g += p[e];
          const double w = params_[e];
          if (b.coef) {
            g += o_.alpha / rows_ * w;
            norm2 += w * w;
          }
          grad[at++] = g;
        }
      }
    }
    const double value = loss_sum / normaliser_ + 0.5 * o_.alpha * norm2 / rows_;
    if (std::isfinite(value) && value < best_value_) {
      best_value_ = value;
      best_x_ = x;
    }
    return value;
  }

  /// x (real parameters: per layer W row by row, then b; then the conditioning matrices) into a
  /// flat padded buffer.
  void unpack(const Eigen::VectorXd& x, std::vector<float>& params) const {
    Eigen::Index at = 0;
    for (const Shape::Block& b : blocks_)
      for (std::size_t r = 0; r < b.rows; ++r)
        for (std::size_t c = 0; c < b.cols; ++c) params[b.offset + r * b.ld + c] = static_cast<float>(x[at++]);
  }

  [[nodiscard]] Eigen::VectorXd pack(const std::vector<float>& params) const {
    Eigen::VectorXd x(dimension());
    Eigen::Index at = 0;
    for (const Shape::Block& b : blocks_)
      for (std::size_t r = 0; r < b.rows; ++r)
        for (std::size_t c = 0; c < b.cols; ++c) x[at++] = params[b.offset + r * b.ld + c];
    return x;
  }

  [[nodiscard]] int evaluations() const { return evaluations_; }
  [[nodiscard]] double best_value() const { return best_value_; }
  [[nodiscard]] const Eigen::VectorXd& best_x() const { return best_x_; }

 private:
  const Shape& shape_;
  const MlpOptions& o_;
  const FitData& data_;
  const core::Context& ctx_;
  // The solver's interface is const; the buffers are scratch reused across evaluations.
  mutable BatchGradient gradient_;
  std::vector<Shape::Block> blocks_;
  mutable std::vector<float> params_, transposed_;
  mutable int evaluations_ = 0;
  mutable double best_value_ = std::numeric_limits<double>::infinity();
  mutable Eigen::VectorXd best_x_;
  double rows_, normaliser_;
};

}  // namespace

FitResult fit_lbfgs(const Shape& shape, const MlpOptions& o, const FitData& data, const core::Context& ctx,
                    const ProgressFn& progress) {
  if (data.before_epoch) data.before_epoch(1);
  NetworkObjective objective(shape, o, data, ctx);
  const Eigen::VectorXd x0 = objective.pack(glorot_init(shape, o.activation, stream_seed(o.seed, Stream::init)));
  nlohmann::json loss_curve = nlohmann::json::array();
  optim::SolverOptions options;
  options.max_iterations = o.max_iter;
  options.gradient_tolerance = o.tol;
  options.stage = "lbfgs";
  options.progress = [&](const TrainProgress& p) {
    loss_curve.push_back(p.loss);
    if (progress) progress(p);
  };
  Eigen::VectorXd x;
  double value = 0.0;
  int iterations = 0;
  std::string stop_reason;
  try {
    const optim::SolverResult result = optim::minimize_lbfgs(objective, x0, options);
    x = result.x;
    value = result.value;
    iterations = result.iterations;
    stop_reason = result.converged ? "gradient_tol" : result.iterations >= o.max_iter ? "max_iter" : "no_progress";
  } catch (const EvaluationBudgetSpent&) {
    // The lowest loss evaluated so far (the start if no evaluation had a finite loss).
    x = objective.best_x().size() ? objective.best_x() : x0;
    value = objective.best_value();
    iterations = static_cast<int>(loss_curve.size());
    stop_reason = "max_fun";
  }
  check_finite(value, x.size() ? x.squaredNorm() : 0.0, iterations, o.type);

  FitResult out;
  out.params.assign(shape.size(), 0.0f);
  objective.unpack(x, out.params);
  out.training = {{"solver", "lbfgs"},
                  {"iterations", iterations},
                  {"loss", value},
                  {"loss_curve", std::move(loss_curve)},
                  {"stop_reason", stop_reason},
                  {"evaluations", objective.evaluations()},
                  {"training_rows", data.train.size()}};
  return out;
}

}  // namespace evclass::learn::nn
