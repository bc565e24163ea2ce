#pragma once
// The steps of a network training shared by "mlp" and "pnn": which rows train and which judge
// early stopping, the batch normaliser, and the trained layers taken out of the padded buffer.
// Private to learn.

#include <string_view>
#include <vector>

#include "evclass/learn/mlp.hpp"
#include "learn/nn/mlp_fit.hpp"
#include "learn/nn/mlp_params.hpp"
#include "learn/nn/network.hpp"
#include "learn/nn/training_rows.hpp"

namespace evclass::learn::nn {

/// Fills fit.rows, fit.train, fit.validation_rows, fit.validation and fit.mean_weight for
/// training on `rows`. With early stopping (adam, sgd) the validation rows are
/// `run_validation` when given, else a stratified share of `rows`. Throws ConfigError (naming
/// o.type) when a class or the validation rows have no positive total weight.
void prepare_fit(const MlpOptions& o, const Rows& rows, const Rows* run_validation, int n_classes, FitData& fit);

/// The real weights and intercepts of layer 0 .. n_layers-1 of a padded buffer; throws
/// ConfigError (naming `type`) if any is not finite.
[[nodiscard]] std::vector<MlpModel::Layer> unpad_layers(const Shape& shape, const std::vector<float>& params,
                                                        std::string_view type);

}  // namespace evclass::learn::nn
