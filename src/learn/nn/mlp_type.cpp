// Training of "mlp": checks, effective weights, the rows for early stopping, then one of the two
// fits (mlp_fit.hpp) and the trained model.
//
// Negative weights enter the loss as they are: each row contributes s_i * log-loss_i, and a batch
// of m rows is normalised by m × (mean training weight), never by the batch's own sum of weights
// (which may be near 0 or negative). Each class needs a positive total weight. The log-loss
// gradient of a row is bounded by |s_i| whatever the weights, and a loss or parameter that stops
// being finite ends training with a ConfigError, so a model never holds NaN or infinity.

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "evclass/learn/mlp.hpp"
#include "learn/class_weight.hpp"
#include "learn/nn/mlp_fit.hpp"
#include "learn/nn/mlp_params.hpp"
#include "learn/nn/mlp_type.hpp"
#include "learn/nn/training_rows.hpp"

namespace evclass::learn::nn {

namespace {

std::vector<std::size_t> all_rows(std::size_t n) {
  std::vector<std::size_t> out(n);
  std::iota(out.begin(), out.end(), std::size_t{0});
  return out;
}

/// The mean effective weight of the training rows; every class must have a positive total.
double checked_mean_weight(const Rows& rows, const std::vector<std::size_t>& train, int n_classes) {
  std::vector<double> class_total(static_cast<std::size_t>(n_classes), 0.0);
  double total = 0.0;
  for (std::size_t r : train) {
    class_total[static_cast<std::size_t>(rows.labels[r])] += rows.weights[r];
    total += rows.weights[r];
  }
  for (std::size_t k = 0; k < class_total.size(); ++k) {
    if (!(class_total[k] > 0.0))
      throw ConfigError(fmt::format("model '{}': class {} has total training weight {} (it needs a positive total: "
                                    "check the selection, the split and negative weights)", kMlpType, k,
                                    class_total[k]));
  }
  return total / static_cast<double>(train.size());
}

std::vector<MlpModel::Layer> unpad(const Shape& shape, const std::vector<float>& params) {
  std::vector<MlpModel::Layer> layers;
  for (std::size_t l = 0; l < shape.n_layers(); ++l) {
    MlpModel::Layer layer;
    layer.n_in = shape.units(l);
    layer.n_out = shape.units(l + 1);
    const std::size_t ld = shape.ld(l + 1);
    for (std::size_t p = 0; p < layer.n_in; ++p)
      for (std::size_t j = 0; j < layer.n_out; ++j) layer.coef.push_back(params[shape.coef_offset(l) + p * ld + j]);
    for (std::size_t j = 0; j < layer.n_out; ++j) layer.intercept.push_back(params[shape.intercept_offset(l) + j]);
    const auto finite = [](float v) { return std::isfinite(v); };
    if (!std::all_of(layer.coef.begin(), layer.coef.end(), finite) ||
        !std::all_of(layer.intercept.begin(), layer.intercept.end(), finite))
      throw ConfigError(fmt::format("model '{}': training produced non-finite weights in layer {}; lower "
                                    "learning_rate_init or scale the features (scaler = \"standard\")", kMlpType, l));
    layers.push_back(std::move(layer));
  }
  return layers;
}

std::unique_ptr<Model> train_mlp(const nlohmann::json& params, const TrainData& data, const core::Context& ctx,
                                 const ProgressFn& progress) {
  check_train_data(data, kMlpType, /*require_finite_features=*/true);
  const MlpOptions o = read_mlp_options(params, data);
  const std::vector<double> multipliers = class_multipliers(params.at("class_weight"), data, kMlpType);
  const Rows rows = copy_rows(data, multipliers, ctx);

  FitData fit;
  fit.rows = &rows;
  Rows validation_rows;
  if (o.solver != Solver::lbfgs && o.early_stopping) {
    if (data.validation != nullptr) {
      const TrainData& v = *data.validation;
      EVC_ASSERT(v.x.cols == data.x.cols && v.n_classes == data.n_classes, "validation rows fit the training rows");
      check_train_data(v, kMlpType, /*require_finite_features=*/true);
      validation_rows = copy_rows(v, multipliers, ctx);
      fit.train = all_rows(rows.size());
      fit.validation_rows = &validation_rows;
      fit.validation = all_rows(validation_rows.size());
    } else {
      split_validation(rows, o.validation_fraction, stream_seed(o.seed, Stream::validation_split), fit.train,
                       fit.validation);
      fit.validation_rows = &rows;
    }
    double validation_weight = 0.0;
    for (std::size_t r : fit.validation) validation_weight += fit.validation_rows->weights[r];
    if (!(validation_weight > 0.0))
      throw ConfigError(fmt::format("model '{}': the early-stopping rows have total weight {} (it must be positive)",
                                    kMlpType, validation_weight));
  } else {
    fit.train = all_rows(rows.size());
  }
  fit.mean_weight = checked_mean_weight(rows, fit.train, data.n_classes);

  std::vector<std::size_t> units{data.x.cols};
  units.insert(units.end(), o.hidden.begin(), o.hidden.end());
  units.push_back(data.n_classes == 2 ? 1 : static_cast<std::size_t>(data.n_classes));
  const Shape shape(units);
  FitResult result = o.solver == Solver::lbfgs ? fit_lbfgs(shape, o, fit, ctx, progress)
                                               : fit_stochastic(shape, o, fit, ctx, progress);
  result.training["seed"] = o.seed;
  return std::make_unique<MlpModel>(data.n_classes, o.activation, unpad(shape, result.params), data.feature_names,
                                    params, std::move(result.training));
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
