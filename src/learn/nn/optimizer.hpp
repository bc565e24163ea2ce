#pragma once
// The stochastic optimisers of scikit-learn's MLP (its _stochastic_optimizers.py): SGD with
// (Nesterov) momentum and the constant / invscaling / adaptive learning rates, and Adam; plus
// decoupled weight decay (AdamW-style). Private to learn.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "evclass/core/parallel.hpp"
#include "learn/nn/network.hpp"

namespace evclass::learn::nn {

enum class Solver { adam, sgd, lbfgs };
enum class LearningRate { constant, invscaling, adaptive };

struct OptimizerSettings {
  Solver solver = Solver::adam;  ///< adam or sgd
  double learning_rate_init = 1e-3;
  LearningRate schedule = LearningRate::constant;  ///< sgd only
  double power_t = 0.5;                            ///< sgd invscaling
  double momentum = 0.9;                           ///< sgd
  bool nesterov = true;                            ///< sgd
  double beta_1 = 0.9, beta_2 = 0.999, epsilon = 1e-8;  ///< adam
  double weight_decay = 0.0;  ///< w -= learning_rate * weight_decay * w before each step (coefficients only)
};

class StochasticOptimizer {
 public:
  StochasticOptimizer(const Shape& shape, const OptimizerSettings& settings);

  /// One step. The gradient of each parameter is the sum of `partials` (flat gradient buffers, in
  /// order) plus alpha_over_n × the coefficient (intercepts are not penalised). Returns ||W||^2
  /// of the updated coefficients. Deterministic for any thread count.
  double step(std::span<float> params, std::span<const float* const> partials, double alpha_over_n,
              const core::Context& ctx);

  /// At the end of an epoch: invscaling sets learning_rate_init / (samples_seen + 1)^power_t.
  void iteration_ends(std::uint64_t samples_seen);
  /// The stopping rule fired: true to stop. SGD with "adaptive" divides its learning rate by 5
  /// instead, until it is <= 1e-6.
  [[nodiscard]] bool trigger_stopping();
  [[nodiscard]] double learning_rate() const { return learning_rate_; }

 private:
  struct Block {
    std::size_t begin, end;
    bool coef;  ///< coefficients (penalised, decayed) or intercepts
  };
  void update_block(const Block& b, float* params, std::span<const float* const> partials, float alpha_over_n,
                    float step_size, double& norm2);

  OptimizerSettings settings_;
  double learning_rate_;
  double beta_1_power_ = 1.0, beta_2_power_ = 1.0;  ///< beta_1^t and beta_2^t after Adam's t-th step
  std::vector<float> first_, second_;  ///< Adam's m and v, or SGD's velocity in first_
  std::vector<float> sum_;             ///< the step's gradient (sum of the partials)
  std::vector<Block> blocks_;
};

/// ||W||^2 over the coefficients (weights and conditioning matrices, not the intercepts) of a flat
/// parameter buffer.
[[nodiscard]] double coef_norm2(const Shape& shape, std::span<const float> params);

}  // namespace evclass::learn::nn
