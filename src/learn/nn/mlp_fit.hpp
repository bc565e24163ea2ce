#pragma once
// The two ways of fitting an MLP's parameters: mini-batch epochs (adam, sgd, with scikit-learn's
// stopping rules) and full-batch L-BFGS. Private to learn.

#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

#include <nlohmann/json.hpp>

#include "evclass/core/parallel.hpp"
#include "evclass/learn/model.hpp"
#include "learn/nn/mlp_params.hpp"
#include "learn/nn/network.hpp"
#include "learn/nn/training_rows.hpp"

namespace evclass::learn::nn {

/// What a fit works on.
struct FitData {
  const Rows* rows = nullptr;           ///< training rows (and the carved validation rows)
  std::vector<std::size_t> train;       ///< indices into *rows
  const Rows* validation_rows = nullptr;  ///< early stopping only: *rows, or the run's validation rows
  std::vector<std::size_t> validation;    ///< indices into *validation_rows
  double mean_weight = 1.0;  ///< mean effective weight of the training rows (> 0): a batch of m rows has
                             ///< normaliser m × mean_weight, which is m for unit weights (scikit-learn)
  /// Called before each epoch (1, 2, ...; lbfgs: once, with 1) and before the rows are shuffled;
  /// may rewrite the values in *rows (the pnn draws the background's parameters here). May be empty.
  std::function<void(int epoch)> before_epoch;
};

struct FitResult {
  std::vector<float> params;  ///< flat, padded (network.hpp)
  nlohmann::json training;    ///< solver, iterations, loss, loss_curve, stop_reason, ...
};

/// Independent random streams drawn from the model's seed.
enum class Stream : std::uint64_t { init = 1, shuffle = 2, validation_split = 3, dropout = 4, background = 5 };
[[nodiscard]] std::uint64_t stream_seed(std::uint64_t seed, Stream s);

[[nodiscard]] FitResult fit_stochastic(const Shape& shape, const MlpOptions& o, const FitData& data,
                                       const core::Context& ctx, const ProgressFn& progress);
[[nodiscard]] FitResult fit_lbfgs(const Shape& shape, const MlpOptions& o, const FitData& data,
                                  const core::Context& ctx, const ProgressFn& progress);

/// Throws ConfigError (naming the model type) if a loss or parameter is not finite (training
/// diverged).
void check_finite(double loss, double norm2, int iteration, std::string_view model_type);

}  // namespace evclass::learn::nn
