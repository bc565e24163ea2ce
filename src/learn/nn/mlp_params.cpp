// The parameter schema of "mlp" and the options the trainer reads from it.

#include "learn/nn/mlp_params.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "evclass/learn/registry.hpp"
#include "learn/class_weight.hpp"

namespace evclass::learn {

namespace {

constexpr std::int64_t kMaxUnits = 1'000'000;
constexpr double kMaxDropout = 0.99;

bool is_unit_count(const nlohmann::json& v) {
  return v.is_number_integer() && v.get<std::int64_t>() >= 1 && v.get<std::int64_t>() <= kMaxUnits;
}

std::string check_hidden_layer_sizes(const nlohmann::json& v) {
  if (is_unit_count(v)) return "";
  if (!v.is_array()) return fmt::format("expected an integer in [1, {}] or an array of them", kMaxUnits);
  for (const auto& u : v)
    if (!is_unit_count(u)) return fmt::format("layer size {} is not an integer in [1, {}]", u.dump(), kMaxUnits);
  return "";
}

std::string check_batch_size(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>() == "auto" ? "" : "the only string allowed is \"auto\"";
  if (v.is_number_integer() && v.get<std::int64_t>() >= 1) return "";
  return "expected \"auto\" or an integer >= 1";
}

std::string check_random_state(const nlohmann::json& v) {
  return v.is_null() || (v.is_number_integer() && v.get<std::int64_t>() >= 0) ? "" : "must be an integer >= 0";
}

bool is_rate(const nlohmann::json& v) {
  return v.is_number() && v.get<double>() >= 0.0 && v.get<double>() <= kMaxDropout;
}

std::string check_dropout(const nlohmann::json& v) {
  if (is_rate(v)) return "";
  if (!v.is_array()) return fmt::format("expected a number in [0, {}] or an array of them", kMaxDropout);
  for (const auto& r : v)
    if (!is_rate(r)) return fmt::format("rate {} is not a number in [0, {}]", r.dump(), kMaxDropout);
  return "";
}

}  // namespace

namespace nn {

void add_mlp_params(ParamSchema& s) {
  s.custom("hidden_layer_sizes", nlohmann::json::array({100}),
           fmt::format("an integer in [1, {}] or an array of them (empty: no hidden layer)", kMaxUnits),
           check_hidden_layer_sizes, "units of each hidden layer, e.g. [64, 32]");
  s.choice("activation", "relu", {"identity", "logistic", "tanh", "relu"}, "activation of the hidden layers");
  s.choice("solver", "adam", {"adam", "sgd", "lbfgs"},
           "adam or sgd (mini-batches, one epoch per iteration), or lbfgs (full batch)");
  s.number("alpha", 1e-4, NumberRange::at_least(0.0),
           "L2 penalty: alpha/2 * (sum of squared coefficients) / (rows in the batch) is added to the loss");
  s.custom("batch_size", "auto", "\"auto\" or an integer >= 1", check_batch_size,
           "rows per mini-batch; \"auto\" = min(200, rows); clipped to the number of rows");
  s.choice("learning_rate", "constant", {"constant", "invscaling", "adaptive"},
           "sgd's schedule: constant; learning_rate_init / (t+1)^power_t with t the rows seen; or divided by 5 "
           "when the stopping rule fires (until <= 1e-6)");
  s.number("learning_rate_init", 1e-3, NumberRange::greater_than(0.0), "step size of adam and sgd");
  s.number("power_t", 0.5, NumberRange::at_least(0.0), "exponent of sgd's invscaling schedule");
  s.integer("max_iter", 200, NumberRange::between(1, 1e9),
            "epochs for adam and sgd, iterations for lbfgs");
  s.integer("max_fun", 15000, NumberRange::between(1, 1e9), "lbfgs: maximum loss evaluations");
  s.boolean("shuffle", true, "shuffle the rows before every epoch (adam, sgd)");
  s.custom("random_state", nullptr, "an integer >= 0, or unset for the run's seed", check_random_state,
           "seed of the initial weights, the shuffling, the validation split and dropout");
  s.number("tol", 1e-4, NumberRange::at_least(0.0),
           "stop when the loss (or the validation score) has not improved by tol for n_iter_no_change epochs; "
           "lbfgs: stop when the largest gradient entry (in absolute value) is <= tol");
  s.integer("n_iter_no_change", 10, NumberRange::between(1, 1e9), "epochs without improvement before stopping");
  s.number("momentum", 0.9, NumberRange::between(0.0, 1.0), "sgd's momentum");
  s.boolean("nesterovs_momentum", true, "sgd: Nesterov's momentum");
  s.boolean("early_stopping", false,
            "adam, sgd: stop on the validation score (weighted accuracy) instead of the training loss, and keep "
            "the best epoch's weights; validates on the run's validation rows, or on validation_fraction of "
            "the training rows");
  s.number("validation_fraction", 0.1, NumberRange{0.0, 1.0, true, true},
           "share of the training rows held out (stratified) for early stopping when the run has no "
           "validation rows");
  s.number("beta_1", 0.9, NumberRange{0.0, 1.0, false, true}, "adam: decay of the first-moment estimate");
  s.number("beta_2", 0.999, NumberRange{0.0, 1.0, false, true}, "adam: decay of the second-moment estimate");
  s.number("epsilon", 1e-8, NumberRange::greater_than(0.0), "adam: added to the denominator");
  s.custom("class_weight", nullptr, kClassWeightAllowed, check_class_weight_spec,
           "multiplies each row's weight by its class's weight");
  s.custom("dropout", 0.0,
           fmt::format("a number in [0, {}], or an array with one such number per hidden layer", kMaxDropout),
           check_dropout, "evclass: inverted dropout rate of the hidden layers while training (0 = off)");
  s.number("weight_decay", 0.0, NumberRange::at_least(0.0),
           "evclass: decoupled weight decay (as AdamW): w -= learning_rate * weight_decay * w every step, "
           "coefficients only (0 = off)");
}

}  // namespace nn

const ParamSchema& mlp_schema() {
  static const ParamSchema schema = [] {
    ParamSchema s(std::string{nn::kMlpType});
    nn::add_mlp_params(s);
    return s;
  }();
  return schema;
}

namespace nn {

MlpOptions read_mlp_options(const nlohmann::json& p, const TrainData& data, std::string_view type) {
  const auto fail = [type](std::string_view parameter, const std::string& why) {
    throw ConfigError(fmt::format("model '{}': hyper-parameter {} {}", type, parameter, why));
  };
  MlpOptions o;
  o.type = type;
  const auto& hidden = p.at("hidden_layer_sizes");
  if (hidden.is_array()) {
    for (const auto& u : hidden) o.hidden.push_back(u.get<std::size_t>());
  } else {
    o.hidden.push_back(hidden.get<std::size_t>());
  }
  if (!parse_mlp_activation(p.at("activation").get<std::string>(), o.activation))
    fail("activation", "is not one of identity, logistic, tanh, relu");
  const std::string solver = p.at("solver").get<std::string>();
  o.solver = solver == "sgd" ? Solver::sgd : solver == "lbfgs" ? Solver::lbfgs : Solver::adam;
  o.alpha = p.at("alpha").get<double>();
  if (p.at("batch_size").is_number_integer()) o.batch_size = p.at("batch_size").get<std::size_t>();
  o.max_iter = static_cast<int>(p.at("max_iter").get<std::int64_t>());
  o.max_fun = static_cast<int>(p.at("max_fun").get<std::int64_t>());
  o.shuffle = p.at("shuffle").get<bool>();
  o.tol = p.at("tol").get<double>();
  o.n_iter_no_change = static_cast<int>(p.at("n_iter_no_change").get<std::int64_t>());
  o.early_stopping = p.at("early_stopping").get<bool>();
  o.validation_fraction = p.at("validation_fraction").get<double>();
  o.seed = model_seed(p, data);

  OptimizerSettings& s = o.optimizer;
  s.solver = o.solver;
  s.learning_rate_init = p.at("learning_rate_init").get<double>();
  const std::string schedule = p.at("learning_rate").get<std::string>();
  s.schedule = schedule == "invscaling" ? LearningRate::invscaling
               : schedule == "adaptive" ? LearningRate::adaptive
                                        : LearningRate::constant;
  s.power_t = p.at("power_t").get<double>();
  s.momentum = p.at("momentum").get<double>();
  s.nesterov = p.at("nesterovs_momentum").get<bool>();
  s.beta_1 = p.at("beta_1").get<double>();
  s.beta_2 = p.at("beta_2").get<double>();
  s.epsilon = p.at("epsilon").get<double>();
  s.weight_decay = p.at("weight_decay").get<double>();

  const auto& dropout = p.at("dropout");
  if (dropout.is_array()) {
    if (dropout.size() != o.hidden.size())
      fail("dropout", fmt::format("= {} has {} rates but there are {} hidden layers (give one rate per hidden layer, "
                                  "or one number for all)", dropout.dump(), dropout.size(), o.hidden.size()));
    for (const auto& r : dropout) o.dropout.push_back(r.get<double>());
  } else {
    const double rate = dropout.get<double>();
    if (rate > 0.0 && o.hidden.empty()) fail("dropout", "> 0 needs at least one hidden layer to act on");
    o.dropout.assign(o.hidden.size(), rate);
  }
  const bool any_dropout = std::any_of(o.dropout.begin(), o.dropout.end(), [](double r) { return r > 0.0; });
  if (o.solver == Solver::lbfgs && any_dropout)
    fail("dropout", "needs a stochastic solver (adam or sgd); lbfgs needs a deterministic loss");
  if (o.solver == Solver::lbfgs && s.weight_decay > 0.0)
    fail("weight_decay", "applies to the stochastic solvers (adam, sgd); with lbfgs use alpha (the L2 penalty)");
  return o;
}

}  // namespace nn
}  // namespace evclass::learn
