// Training of "logistic_regression": hyper-parameters, effective weights, solver choice.
//
// Negative weights enter the loss sum as they are (as in scikit-learn). Because the penalty grows
// quadratically and each loss term at most linearly, the objective stays bounded below as long as
// every class has a positive total weight (checked: the unpenalised intercepts would otherwise run
// off to infinity). It may then be non-convex: Newton shifts an indefinite Hessian, L-BFGS skips
// pairs without positive curvature, and both line searches accept only finite, decreasing steps,
// so the coefficients always stay finite.

#include <cmath>
#include <string>

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "evclass/learn/logistic.hpp"
#include "learn/class_weight.hpp"
#include "learn/linear/logistic_objective.hpp"
#include "learn/linear/logistic_regression_type.hpp"
#include "learn/linear/standardised_objective.hpp"
#include "evclass/learn/scaler.hpp"

namespace evclass::learn {

namespace {

constexpr std::string_view kType = "logistic_regression";

std::unique_ptr<Model> train_logistic_regression(const nlohmann::json& params, const TrainData& data,
                                                 const core::Context& ctx, const ProgressFn& progress) {
  check_train_data(data, kType, /*require_finite_features=*/true);
  const double C = params.at("C").get<double>();
  const bool fit_intercept = params.at("fit_intercept").get<bool>();
  const int max_iter = static_cast<int>(params.at("max_iter").get<std::int64_t>());
  const double tol = params.at("tol").get<double>();

  std::vector<double> weights = row_weights(data);
  const std::vector<double> multipliers = class_multipliers(params.at("class_weight"), data, kType);
  std::vector<double> class_total(multipliers.size(), 0.0);
  double weight_sum = 0.0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const auto k = static_cast<std::size_t>(data.labels[i]);
    weights[i] *= multipliers[k];
    class_total[k] += weights[i];
    weight_sum += weights[i];
  }
  for (std::size_t k = 0; k < class_total.size(); ++k) {
    if (!(class_total[k] > 0.0))
      throw ConfigError(fmt::format("model '{}': class {} has total training weight {} (it needs a positive total: "
                                    "check the selection, the split and negative weights)", kType, k, class_total[k]));
  }

  const linear::LogisticProblem problem{data.x, data.labels, weights, data.n_classes, fit_intercept, C};
  optim::SolverOptions options;
  options.max_iterations = max_iter;
  // scikit-learn's lbfgs stops on the gradient of F / (C * sum of weights) falling below tol.
  options.gradient_tolerance = tol * C * weight_sum;
  options.progress = progress;

  const std::size_t d = data.x.cols;
  const Eigen::Index n_in = problem.n_inputs();
  std::vector<double> coef, intercept;
  optim::SolverResult result;
  if (data.n_classes == 2) {
    options.stage = "newton";
    const linear::BinaryLogisticObjective objective(problem, ctx);
    result = optim::minimize_newton(objective, Eigen::VectorXd::Zero(n_in), options);
    coef.assign(result.x.data(), result.x.data() + d);
    intercept.push_back(fit_intercept ? result.x[static_cast<Eigen::Index>(d)] : 0.0);
  } else {
    options.stage = "lbfgs";
    const linear::MultinomialLogisticObjective objective(problem, ctx);
    Scaler standardise(ScalerKind::standard);
    standardise.fit(data.x, ctx);
    std::vector<double> shift = standardise.shift();
    if (!fit_intercept) std::fill(shift.begin(), shift.end(), 0.0);  // centring needs an intercept
    const linear::StandardisedObjective solver_view(objective, data.n_classes, static_cast<Eigen::Index>(d),
                                                    fit_intercept, std::move(shift), standardise.scale());
    options.gradient_size = [&](const Eigen::VectorXd& g) { return solver_view.original_gradient_max(g); };
    result = optim::minimize_lbfgs(solver_view, Eigen::VectorXd::Zero(objective.dimension()), options);
    result.x = solver_view.to_original(result.x);
    for (int k = 0; k < data.n_classes; ++k) {
      const double* row = result.x.data() + k * n_in;
      coef.insert(coef.end(), row, row + d);
      intercept.push_back(fit_intercept ? row[d] : 0.0);
    }
  }
  return std::make_unique<LogisticRegressionModel>(data.n_classes, d, std::move(coef), std::move(intercept),
                                                   data.feature_names, params, result.iterations, result.converged);
}

std::unique_ptr<Model> load_logistic_regression(const nlohmann::json& j) { return LogisticRegressionModel::from_json(j); }

}  // namespace

const ParamSchema& logistic_regression_schema() {
  static const ParamSchema schema = [] {
    ParamSchema s(std::string{kType});
    s.number("C", 1.0, NumberRange::greater_than(0.0),
             "inverse regularisation strength: minimise 0.5*||w||^2 + C * sum of weighted log-losses");
    s.boolean("fit_intercept", true, "add an unpenalised intercept");
    s.integer("max_iter", 100, NumberRange::at_least(1), "maximum solver iterations (Newton for 2 classes, L-BFGS otherwise)");
    s.number("tol", 1e-4, NumberRange::greater_than(0.0),
             "stop when max |gradient| / (C * sum of weights) <= tol, as scikit-learn's lbfgs");
    s.custom("class_weight", nullptr, "\"balanced\", an array with one weight > 0 per class, or a table {0 = w0, 1 = w1}",
             check_class_weight_spec, "multiplies each row's weight by its class's weight");
    return s;
  }();
  return schema;
}

namespace linear {

ModelType logistic_regression_type() {
  return {kType, "L2-regularised logistic regression (binary: Newton; multi-class: multinomial, L-BFGS)",
          &logistic_regression_schema, &train_logistic_regression, &load_logistic_regression};
}

}  // namespace linear
}  // namespace evclass::learn
