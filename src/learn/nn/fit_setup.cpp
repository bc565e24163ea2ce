#include "learn/nn/fit_setup.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "evclass/core/error.hpp"

namespace evclass::learn::nn {

namespace {

std::vector<std::size_t> all_rows(std::size_t n) {
  std::vector<std::size_t> out(n);
  std::iota(out.begin(), out.end(), std::size_t{0});
  return out;
}

/// The mean effective weight of the training rows; every class must have a positive total.
double checked_mean_weight(const Rows& rows, const std::vector<std::size_t>& train, int n_classes,
                           std::string_view type) {
  std::vector<double> class_total(static_cast<std::size_t>(n_classes), 0.0);
  double total = 0.0;
  for (std::size_t r : train) {
    class_total[static_cast<std::size_t>(rows.labels[r])] += rows.weights[r];
    total += rows.weights[r];
  }
  for (std::size_t k = 0; k < class_total.size(); ++k) {
    if (!(class_total[k] > 0.0))
      throw ConfigError(fmt::format("model '{}': class {} has total training weight {} (it needs a positive total: "
                                    "check the selection, the split and negative weights)", type, k,
                                    class_total[k]));
  }
  return total / static_cast<double>(train.size());
}

}  // namespace

void prepare_fit(const MlpOptions& o, const Rows& rows, const Rows* run_validation, int n_classes, FitData& fit) {
  fit.rows = &rows;
  if (o.solver != Solver::lbfgs && o.early_stopping) {
    if (run_validation != nullptr) {
      fit.train = all_rows(rows.size());
      fit.validation_rows = run_validation;
      fit.validation = all_rows(run_validation->size());
    } else {
      split_validation(rows, o.validation_fraction, stream_seed(o.seed, Stream::validation_split), fit.train,
                       fit.validation, o.type);
      fit.validation_rows = &rows;
    }
    double validation_weight = 0.0;
    for (std::size_t r : fit.validation) validation_weight += fit.validation_rows->weights[r];
    if (!(validation_weight > 0.0))
      throw ConfigError(fmt::format("model '{}': the early-stopping rows have total weight {} (it must be positive)",
                                    o.type, validation_weight));
  } else {
    fit.train = all_rows(rows.size());
  }
  fit.mean_weight = checked_mean_weight(rows, fit.train, n_classes, o.type);
}

std::vector<MlpModel::Layer> unpad_layers(const Shape& shape, const std::vector<float>& params,
                                          std::string_view type) {
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
                                    "learning_rate_init or scale the features (scaler = \"standard\")", type, l));
    layers.push_back(std::move(layer));
  }
  return layers;
}

}  // namespace evclass::learn::nn
