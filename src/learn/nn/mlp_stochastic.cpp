// Mini-batch training (adam, sgd) as scikit-learn's _fit_stochastic: Glorot start, shuffled
// batches each epoch, the epoch loss = mean of the batch losses weighted by batch size, and its
// stopping rule: after an epoch that does not improve the training loss by tol (or, with
// early_stopping, the validation score by tol) more than n_iter_no_change times in a row, stop
// (sgd with learning_rate = "adaptive" divides its rate by 5 instead, until it is <= 1e-6).
// With early stopping the weights of the best validation epoch are kept.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <string>

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "evclass/core/random.hpp"
#include "learn/nn/batch_gradient.hpp"
#include "learn/nn/mlp_fit.hpp"
#include "learn/nn/optimizer.hpp"
#include "learn/nn/step_threads.hpp"

namespace evclass::learn::nn {

std::uint64_t stream_seed(std::uint64_t seed, Stream s) {
  return core::mix_key(seed, 0x6d6c70 /* "mlp" */, static_cast<std::uint64_t>(s));
}

void check_finite(double loss, double norm2, int iteration, std::string_view model_type) {
  if (std::isfinite(loss) && std::isfinite(norm2)) return;
  throw ConfigError(fmt::format("model '{}': training diverged at iteration {} (loss {}, ||W||^2 {}); lower "
                                "learning_rate_init, scale the features (scaler = \"standard\"), or check the "
                                "event weights", model_type, iteration, loss, norm2));
}

namespace {

/// scikit-learn's _update_no_improvement_count, on a value where higher is better (the
/// validation score, or the training loss negated): an epoch whose value is not above the best
/// so far plus tol counts, any other resets the count.
class NoImprovement {
 public:
  explicit NoImprovement(double tol) : tol_(tol) {}
  /// Records an epoch; true if its value is the best so far.
  bool record(double value) {
    count_ = value < best_ + tol_ ? count_ + 1 : 0;
    if (!(value > best_)) return false;
    best_ = value;
    return true;
  }
  [[nodiscard]] int count() const { return count_; }
  [[nodiscard]] double best() const { return best_; }
  void reset() { count_ = 0; }

 private:
  double tol_;
  double best_ = -std::numeric_limits<double>::infinity();
  int count_ = 0;
};

}  // namespace

FitResult fit_stochastic(const Shape& shape, const MlpOptions& o, const FitData& data, const core::Context& ctx,
                         const ProgressFn& progress) {
  const std::size_t n = data.train.size();
  const std::size_t batch = o.batch_size ? std::clamp<std::size_t>(*o.batch_size, 1, n) : std::min<std::size_t>(200, n);
  const std::string_view stage = o.solver == Solver::sgd ? "sgd" : "adam";

  FitResult out;
  std::vector<float>& params = out.params;
  params = glorot_init(shape, o.activation, stream_seed(o.seed, Stream::init));
  std::vector<float> transposed(shape.transposed_size());
  StochasticOptimizer optimizer(shape, o.optimizer);
  Dropout dropout{o.dropout, stream_seed(o.seed, Stream::dropout), 0};
  const bool with_dropout = dropout.active();
  BatchGradient gradient(shape, o.activation, batch, with_dropout);
  core::SplitMix64 shuffler(stream_seed(o.seed, Stream::shuffle));
  std::vector<std::size_t> order = data.train;

  StepThreads threads(ctx, 3.0 * static_cast<double>(batch) * static_cast<double>(shape.n_parameters()));
  double norm2 = coef_norm2(shape, params);
  NoImprovement rule(o.tol);
  int best_iteration = 0, epoch = 0;
  std::vector<float> best_params;
  nlohmann::json loss_curve = nlohmann::json::array(), scores = nlohmann::json::array();
  std::string stop_reason = "max_iter";
  std::uint64_t seen = 0;

  while (epoch < o.max_iter) {
    ++epoch;
    if (data.before_epoch) data.before_epoch(epoch);
    if (o.shuffle)
      for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[shuffler.below(i)]);
    double accumulated = 0.0;
    threads.new_epoch();
    for (std::size_t start = 0; start < n; start += batch) {
      const std::size_t count = std::min(batch, n - start);
      const double normaliser = static_cast<double>(count) * data.mean_weight;
      transpose_coefs(shape, params.data(), transposed.data());
      const auto started = std::chrono::steady_clock::now();
      const double loss_sum = gradient.run(*data.rows, std::span(order).subspan(start, count), params.data(),
                                           transposed.data(), normaliser, with_dropout ? &dropout : nullptr,
                                           threads.next());
      threads.done(std::chrono::steady_clock::now() - started);
      // The batch loss (scikit-learn's _backprop) times the batch size. The penalty is divided
      // by the number of rows, not by the weights, so a global scale of the weights (physics
      // weights have an arbitrary one) changes nothing.
      const auto rows = static_cast<double>(count);
      accumulated += (loss_sum / normaliser + 0.5 * o.alpha * norm2 / rows) * rows;
      norm2 = optimizer.step(params, gradient.partials(), o.alpha / rows, ctx);
      ++dropout.step;
    }
    const double loss = accumulated / static_cast<double>(n);
    check_finite(loss, norm2, epoch, o.type);
    loss_curve.push_back(loss);
    seen += n;
    if (o.early_stopping) {
      const double score = weighted_accuracy(shape, o.activation, params.data(), *data.validation_rows,
                                             data.validation, ctx);
      scores.push_back(score);
      if (rule.record(score)) {
        best_params = params;
        best_iteration = epoch;
      }
    } else {
      (void)rule.record(-loss);
    }
    if (progress) progress({stage, epoch, o.max_iter, loss});
    optimizer.iteration_ends(seen);
    if (rule.count() > o.n_iter_no_change) {
      if (optimizer.trigger_stopping()) {
        stop_reason = o.early_stopping ? "validation_score" : "training_loss";
        break;
      }
      rule.reset();
    }
  }
  if (o.early_stopping) params = std::move(best_params);

  nlohmann::json& t = out.training;
  t = {{"solver", stage},
       {"iterations", epoch},
       {"loss", loss_curve.back()},
       {"loss_curve", std::move(loss_curve)},
       {"stop_reason", stop_reason},
       {"batch_size", batch},
       {"training_rows", n}};
  if (o.early_stopping) {
    t["validation_rows"] = data.validation.size();
    t["validation_scores"] = std::move(scores);
    t["best_validation_score"] = rule.best();
    t["best_iteration"] = best_iteration;
  }
  return out;
}

}  // namespace evclass::learn::nn
