// Training of "mlp": checks, effective weights, the rows for early stopping, then one of the two
// fits (mlp_fit.hpp) and the trained model.
//
// Negative weights enter the loss as they are: each row contributes s_i * log-loss_i, and a batch
// of m rows is normalised by m × (mean training weight), never by the batch's own sum of weights
// (which may be near 0 or negative). Each class needs a positive total weight. The log-loss
// gradient of a row is bounded by |s_i| whatever the weights, and a loss or parameter that stops
// being finite ends training with a ConfigError, so a model never holds NaN or infinity.

#include "evclass/core/error.hpp"
#include "evclass/learn/mlp.hpp"
#include "learn/class_weight.hpp"
#include "learn/nn/fit_setup.hpp"
#include "learn/nn/mlp_fit.hpp"
#include "learn/nn/mlp_params.hpp"
#include "learn/nn/mlp_type.hpp"
#include "learn/nn/training_rows.hpp"

namespace evclass::learn::nn {

namespace {

std::unique_ptr<Model> train_mlp(const nlohmann::json& params, const TrainData& data, const core::Context& ctx,
                                 const ProgressFn& progress) {
  check_train_data(data, kMlpType, /*require_finite_features=*/true);
  const MlpOptions o = read_mlp_options(params, data);
  const std::vector<double> multipliers = class_multipliers(params.at("class_weight"), data, kMlpType);
  const Rows rows = copy_rows(data, multipliers, ctx);

  Rows validation_rows;
  const bool run_validation = o.solver != Solver::lbfgs && o.early_stopping && data.validation != nullptr;
  if (run_validation) {
    const TrainData& v = *data.validation;
    EVC_ASSERT(v.x.cols == data.x.cols && v.n_classes == data.n_classes, "validation rows fit the training rows");
    check_train_data(v, kMlpType, /*require_finite_features=*/true);
    validation_rows = copy_rows(v, multipliers, ctx);
  }
  FitData fit;
  prepare_fit(o, rows, run_validation ? &validation_rows : nullptr, data.n_classes, fit);

  std::vector<std::size_t> units{data.x.cols};
  units.insert(units.end(), o.hidden.begin(), o.hidden.end());
  units.push_back(data.n_classes == 2 ? 1 : static_cast<std::size_t>(data.n_classes));
  const Shape shape(units);
  FitResult result = o.solver == Solver::lbfgs ? fit_lbfgs(shape, o, fit, ctx, progress)
                                               : fit_stochastic(shape, o, fit, ctx, progress);
  result.training["seed"] = o.seed;
  return std::make_unique<MlpModel>(data.n_classes, o.activation, unpad_layers(shape, result.params, kMlpType),
                                    data.feature_names, params, std::move(result.training));
}

std::unique_ptr<Model> load_mlp(const nlohmann::json& j) { return MlpModel::from_json(j); }

}  // namespace

ModelType mlp_type() {
  return {kMlpType,
          "multi-layer perceptron as scikit-learn's MLPClassifier (adam, sgd or lbfgs; sample weights, dropout, "
          "weight decay)",
          &mlp_schema, &train_mlp, &load_mlp};
}

}  // namespace evclass::learn::nn
