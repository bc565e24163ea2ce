// Training of "pnn": the mlp's training (same fits, optimisers, stopping rules, weights, dropout,
// weight decay) on rows whose physics parameters are standardised, taken as inputs (concat) or as
// conditioning values (affine), with the signal balanced across parameter points and the
// background's parameter values set by the chosen strategy before the fit or before every epoch.
//
// The standardisation theta = (x - mean) / std uses the unweighted mean and population std of
// the signal training rows' values (std 0 -> 1), so the network sees values of order one whatever
// the units, and background rows drawn from the signal's points share that scale.

#include <cmath>

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "evclass/learn/pnn.hpp"
#include "learn/class_weight.hpp"
#include "learn/nn/fit_setup.hpp"
#include "learn/nn/mlp_fit.hpp"
#include "learn/nn/parameter_points.hpp"
#include "learn/nn/pnn_params.hpp"
#include "learn/nn/pnn_type.hpp"

namespace evclass::learn::nn {

namespace {

constexpr std::size_t kMaxRecordedPoints = 64;

/// The parameter values of every row of `x` (rows × P, row-major), as the data hold them.
std::vector<float> parameter_tuples(const FeatureMatrix& x, const std::vector<std::size_t>& columns) {
  const std::size_t p = columns.size();
  std::vector<float> out(x.rows * p);
  for (std::size_t k = 0; k < p; ++k) {
    const auto column = x.column(columns[k]);
    for (std::size_t i = 0; i < x.rows; ++i) out[i * p + k] = column[i];
  }
  return out;
}

/// theta = (x - mean) * (1 / std) of each parameter over the signal rows (unweighted).
std::vector<PnnModel::Parameter> standardisation(const PnnOptions& o, const std::vector<float>& tuples,
                                                 std::span<const std::int32_t> labels) {
  const std::size_t p = o.parameter_columns.size();
  std::vector<PnnModel::Parameter> out;
  for (std::size_t k = 0; k < p; ++k) {
    double sum = 0.0, n = 0.0;
    for (std::size_t i = 0; i < labels.size(); ++i)
      if (labels[i] == 1) sum += tuples[i * p + k], n += 1.0;
    const double mean = n > 0.0 ? sum / n : 0.0;
    double sum2 = 0.0;
    for (std::size_t i = 0; i < labels.size(); ++i)
      if (labels[i] == 1) sum2 += (tuples[i * p + k] - mean) * (tuples[i * p + k] - mean);
    const double sd = n > 0.0 ? std::sqrt(sum2 / n) : 0.0;
    const auto scale = static_cast<float>(sd > 0.0 && std::isfinite(sd) ? 1.0 / sd : 1.0);
    out.push_back({o.parameter_names[k], o.parameter_columns[k], static_cast<float>(mean),
                   std::isfinite(scale) && scale > 0.0f ? scale : 1.0f});
  }
  return out;
}

/// Where each parameter's standardised value sits in a training row.
struct Layout {
  bool affine = false;
  InputMap map;                             ///< as the model's predictor reads the columns
  std::vector<std::size_t> parameter_input;  ///< concat: input position of parameter k
};

Layout make_layout(const PnnOptions& o, const std::vector<PnnModel::Parameter>& parameters, std::size_t n_features) {
  Layout layout;
  layout.affine = o.conditioning == PnnConditioning::affine;
  std::vector<int> parameter_of(n_features, -1);
  for (std::size_t k = 0; k < parameters.size(); ++k) parameter_of[parameters[k].column] = static_cast<int>(k);
  layout.parameter_input.assign(parameters.size(), 0);
  for (std::size_t c = 0; c < n_features; ++c) {
    const int k = parameter_of[c];
    if (k < 0) {
      layout.map.inputs.push_back({c, 0.0f, 1.0f});
    } else if (!layout.affine) {
      const auto& p = parameters[static_cast<std::size_t>(k)];
      layout.parameter_input[static_cast<std::size_t>(k)] = layout.map.inputs.size();
      layout.map.inputs.push_back({c, p.shift, p.scale});
    }
  }
  if (layout.affine)
    for (const auto& p : parameters) layout.map.conditioning.push_back({p.column, p.shift, p.scale});
  return layout;
}

/// The network's rows of `data` through the layout, with the given effective weights.
Rows make_rows(const TrainData& data, const Layout& layout, std::vector<double> weights, const core::Context& ctx) {
  Rows out;
  const std::size_t n = data.x.rows, d = layout.map.inputs.size(), p = layout.map.conditioning.size();
  out.n_features = d;
  out.n_conditioning = p;
  out.x.resize(n * d);
  out.theta.resize(n * p);
  constexpr std::size_t kBlock = 4096;
  core::parallel_for((n + kBlock - 1) / kBlock, ctx, [&](std::size_t b) {
    const std::size_t begin = b * kBlock, end = std::min(n, begin + kBlock);
    for (std::size_t j = 0; j < d; ++j) {
      const ColumnMap& c = layout.map.inputs[j];
      const auto column = data.x.column(c.column);
      for (std::size_t i = begin; i < end; ++i) out.x[i * d + j] = c.apply(column[i]);
    }
    for (std::size_t k = 0; k < p; ++k) {
      const ColumnMap& c = layout.map.conditioning[k];
      const auto column = data.x.column(c.column);
      for (std::size_t i = begin; i < end; ++i) out.theta[i * p + k] = c.apply(column[i]);
    }
  });
  out.labels.assign(data.labels.begin(), data.labels.end());
  out.weights = std::move(weights);
  return out;
}

/// Effective weights (sample × class weight), the signal balanced across points when asked;
/// returns the signal's points with those weights.
ParameterPoints effective_weights(const PnnOptions& o, const TrainData& data, const std::vector<double>& multipliers,
                                  const std::vector<float>& tuples, std::vector<double>& weights) {
  weights = row_weights(data);
  for (std::size_t i = 0; i < weights.size(); ++i) weights[i] *= multipliers[static_cast<std::size_t>(data.labels[i])];
  const std::size_t p = o.parameter_columns.size();
  if (o.balance) return balance_signal_points(tuples, p, data.labels, weights, kPnnType);
  std::vector<std::size_t> signal;
  for (std::size_t i = 0; i < data.labels.size(); ++i)
    if (data.labels[i] == 1) signal.push_back(i);
  return find_points(tuples, p, weights, signal);
}

/// The rows of a Rows set with label 0.
std::vector<std::size_t> background_rows(const Rows& rows) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (rows.labels[i] != 1) out.push_back(i);
  return out;
}

/// Writes raw parameter values (one tuple per listed row) into the rows, standardised.
void write_parameters(const Layout& layout, const std::vector<std::size_t>& listed, const std::vector<float>& values,
                      Rows& rows) {
  const std::size_t p = layout.affine ? layout.map.conditioning.size() : layout.parameter_input.size();
  for (std::size_t i = 0; i < listed.size(); ++i) {
    const std::size_t r = listed[i];
    for (std::size_t k = 0; k < p; ++k) {
      const float raw = values[i * p + k];
      if (layout.affine) rows.theta[r * p + k] = layout.map.conditioning[k].apply(raw);
      else rows.x[r * rows.n_features + layout.parameter_input[k]] = layout.map.inputs[layout.parameter_input[k]].apply(raw);
    }
  }
}

std::string_view to_string(BackgroundStrategy s) {
  switch (s) {
    case BackgroundStrategy::resample: return "resample";
    case BackgroundStrategy::resample_once: return "resample_once";
    case BackgroundStrategy::as_given: return "as_given";
    case BackgroundStrategy::fixed: return "fixed";
  }
  return "resample";
}

nlohmann::json describe_points(const ParameterPoints& points) {
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t k = 0; k < points.size() && k < kMaxRecordedPoints; ++k)
    out.push_back({{"value", std::vector<float>(points.point(k), points.point(k) + points.n_parameters)},
                   {"rows", points.count[k]},
                   {"weight", points.weight[k]}});
  return out;
}

std::vector<PnnModel::Film> unpad_film(const Shape& shape, const std::vector<float>& params) {
  std::vector<PnnModel::Film> film;
  const std::size_t p = shape.n_conditioning();
  if (p == 0) return film;
  for (std::size_t h = 1; h < shape.n_layers(); ++h) {
    PnnModel::Film f;
    f.units = shape.units(h);
    for (std::size_t k = 0; k < p; ++k) {
      for (std::size_t u = 0; u < f.units; ++u) {
        f.gamma_coef.push_back(params[shape.gamma_offset(h) + k * shape.ld(h) + u]);
        f.beta_coef.push_back(params[shape.beta_offset(h) + k * shape.ld(h) + u]);
      }
    }
    const auto finite = [](float v) { return std::isfinite(v); };
    if (!std::all_of(f.gamma_coef.begin(), f.gamma_coef.end(), finite) ||
        !std::all_of(f.beta_coef.begin(), f.beta_coef.end(), finite))
      throw ConfigError(fmt::format("model '{}': training produced non-finite conditioning weights in hidden layer {}; "
                                    "lower learning_rate_init", kPnnType, h));
    film.push_back(std::move(f));
  }
  return film;
}

std::unique_ptr<Model> train_pnn(const nlohmann::json& params, const TrainData& data, const core::Context& ctx,
                                 const ProgressFn& progress) {
  check_train_data(data, kPnnType, /*require_finite_features=*/true);
  const PnnOptions o = read_pnn_options(params, data);
  const std::vector<double> multipliers = class_multipliers(params.at("class_weight"), data, kPnnType);

  const std::vector<float> tuples = parameter_tuples(data.x, o.parameter_columns);
  std::vector<double> weights;
  const ParameterPoints points = effective_weights(o, data, multipliers, tuples, weights);
  const std::vector<PnnModel::Parameter> parameters = standardisation(o, tuples, data.labels);
  const Layout layout = make_layout(o, parameters, data.x.cols);
  Rows rows = make_rows(data, layout, std::move(weights), ctx);

  const BackgroundParameters background(o.background, points, o.background_value,
                                        stream_seed(o.mlp.seed, Stream::background), kPnnType);
  const std::vector<std::size_t> background_of_rows = background_rows(rows);
  if (o.background == BackgroundStrategy::fixed || o.background == BackgroundStrategy::resample_once)
    write_parameters(layout, background_of_rows, background.values(1, background_of_rows.size()), rows);

  Rows validation_rows;
  const bool run_validation = o.mlp.solver != Solver::lbfgs && o.mlp.early_stopping && data.validation != nullptr;
  if (run_validation) {
    const TrainData& v = *data.validation;
    EVC_ASSERT(v.x.cols == data.x.cols && v.n_classes == data.n_classes, "validation rows fit the training rows");
    check_train_data(v, kPnnType, /*require_finite_features=*/true);
    std::vector<double> v_weights;
    (void)effective_weights(o, v, multipliers, parameter_tuples(v.x, o.parameter_columns), v_weights);
    validation_rows = make_rows(v, layout, std::move(v_weights), ctx);
    const std::vector<std::size_t> listed = background_rows(validation_rows);
    write_parameters(layout, listed, background.values(0, listed.size()), validation_rows);
  }
  FitData fit;
  prepare_fit(o.mlp, rows, run_validation ? &validation_rows : nullptr, 2, fit);
  if (o.background == BackgroundStrategy::resample)
    fit.before_epoch = [&](int epoch) {
      write_parameters(layout, background_of_rows, background.values(epoch, background_of_rows.size()), rows);
    };

  const bool affine = o.conditioning == PnnConditioning::affine;
  std::vector<std::size_t> units{layout.map.inputs.size()};
  units.insert(units.end(), o.mlp.hidden.begin(), o.mlp.hidden.end());
  units.push_back(1);
  const Shape shape(units, affine ? parameters.size() : 0);
  FitResult result = o.mlp.solver == Solver::lbfgs ? fit_lbfgs(shape, o.mlp, fit, ctx, progress)
                                                   : fit_stochastic(shape, o.mlp, fit, ctx, progress);
  nlohmann::json& t = result.training;
  t["seed"] = o.mlp.seed;
  t["conditioning"] = to_string(o.conditioning);
  t["background_parameters"] = to_string(o.background);
  t["balance_parameter_points"] = o.balance;
  t["n_parameter_points"] = points.size();
  t["parameter_points"] = describe_points(points);
  return std::make_unique<PnnModel>(o.conditioning, o.mlp.activation, parameters,
                                    unpad_layers(shape, result.params, kPnnType), unpad_film(shape, result.params),
                                    data.x.cols, data.feature_names, params, std::move(t));
}

std::unique_ptr<Model> load_pnn(const nlohmann::json& j) { return PnnModel::from_json(j); }

}  // namespace

ModelType pnn_type() {
  return {kPnnType,
          "parametric neural network (binary): an mlp conditioned on physics parameters such as a mass hypothesis, "
          "by concatenation or affine (FiLM) modulation",
          &pnn_schema, &train_pnn, &load_pnn};
}

}  // namespace evclass::learn::nn
