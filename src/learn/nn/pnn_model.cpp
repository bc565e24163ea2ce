// A trained parametric network: prediction and its JSON form.
//
// JSON (version 1): as mlp's ("layer_sizes", "activation", "output" = "logistic", "coefs",
// "intercepts", "encoding", "training"), plus "conditioning" ("concat" or "affine"), "parameters"
// (one {"name", "column", "shift", "scale"} per physics parameter: its column in the feature
// matrix and theta = (x - shift) * scale) and, per hidden layer for affine (empty for concat),
// "film_gamma" and "film_beta": base64 float32 matrices of P × units. The network's inputs are
// every column for concat (parameter columns standardised in place) and the non-parameter
// columns in order for affine. Loading checks every size, column and value before use.

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "evclass/learn/pnn.hpp"
#include "learn/json_read.hpp"
#include "learn/nn/model_codec.hpp"
#include "learn/nn/network.hpp"

namespace evclass::learn {

namespace {

using nn::corrupt;

/// Which columns feed the network and its conditioning values, and how.
nn::InputMap input_map(PnnConditioning conditioning, const std::vector<PnnModel::Parameter>& parameters,
                       std::size_t n_features) {
  nn::InputMap map;
  std::vector<const PnnModel::Parameter*> of_column(n_features, nullptr);
  for (const auto& p : parameters) of_column[p.column] = &p;
  for (std::size_t c = 0; c < n_features; ++c) {
    const PnnModel::Parameter* p = of_column[c];
    if (p == nullptr) map.inputs.push_back({c, 0.0f, 1.0f});
    else if (conditioning == PnnConditioning::concat) map.inputs.push_back({c, p->shift, p->scale});
  }
  if (conditioning == PnnConditioning::affine)
    for (const auto& p : parameters) map.conditioning.push_back({p.column, p.shift, p.scale});
  return map;
}

}  // namespace

PnnModel::PnnModel(PnnConditioning conditioning, MlpActivation activation, std::vector<Parameter> parameters,
                   std::vector<MlpModel::Layer> layers, std::vector<Film> film, std::size_t n_features,
                   std::vector<std::string> feature_names, nlohmann::json params, nlohmann::json training)
    : conditioning_(conditioning),
      activation_(activation),
      parameters_(std::move(parameters)),
      layers_(std::move(layers)),
      film_(std::move(film)),
      n_features_(n_features),
      feature_names_(std::move(feature_names)),
      params_(std::move(params)),
      training_(std::move(training)) {
  const bool affine = conditioning_ == PnnConditioning::affine;
  const std::size_t n_parameters = parameters_.size();
  EVC_ASSERT(n_parameters >= 1 && !layers_.empty(), "a pnn has parameters and layers");
  for (const auto& p : parameters_) EVC_ASSERT(p.column < n_features_, "parameter columns are features");
  EVC_ASSERT(feature_names_.empty() || feature_names_.size() == n_features_, "one name per feature");
  std::vector<std::size_t> units{layers_.front().n_in};
  for (const auto& layer : layers_) units.push_back(layer.n_out);
  EVC_ASSERT(units.front() == (affine ? n_features_ - n_parameters : n_features_), "inputs fit the conditioning");
  EVC_ASSERT(units.back() == 1, "one output (binary)");
  EVC_ASSERT(film_.size() == (affine ? layers_.size() - 1 : 0), "one film entry per hidden layer for affine");
  nn::Shape shape(units, affine ? n_parameters : 0);
  std::vector<float> padded = nn::pad_layers(shape, layers_);
  for (std::size_t h = 1; h <= film_.size(); ++h) {
    const Film& f = film_[h - 1];
    EVC_ASSERT(f.units == units[h] && f.gamma_coef.size() == n_parameters * f.units &&
                   f.beta_coef.size() == n_parameters * f.units,
               "film matrices fit their layer");
    for (std::size_t k = 0; k < n_parameters; ++k) {
      for (std::size_t u = 0; u < f.units; ++u) {
        padded[shape.gamma_offset(h) + k * shape.ld(h) + u] = f.gamma_coef[k * f.units + u];
        padded[shape.beta_offset(h) + k * shape.ld(h) + u] = f.beta_coef[k * f.units + u];
      }
    }
  }
  predictor_ = std::make_shared<const nn::Predictor>(std::move(shape), activation_, std::move(padded),
                                                     input_map(conditioning_, parameters_, n_features_));
}

PnnModel::~PnnModel() = default;

void PnnModel::predict(const FeatureMatrix& x, std::span<float> out, const core::Context& ctx) const {
  if (x.cols != n_features_)
    throw ConfigError(fmt::format("pnn model expects {} features (the parameters included), got {}", n_features_,
                                  x.cols));
  EVC_ASSERT(x.data.size() == x.rows * x.cols, "feature matrix size != rows * cols");
  predictor_->predict(x, out, ctx);
}

nlohmann::json PnnModel::to_json() const {
  nlohmann::json sizes = nlohmann::json::array({layers_.front().n_in});
  for (const auto& layer : layers_) sizes.push_back(layer.n_out);
  nlohmann::json parameters = nlohmann::json::array();
  for (const auto& p : parameters_)
    parameters.push_back({{"name", p.name}, {"column", p.column}, {"shift", p.shift}, {"scale", p.scale}});
  nlohmann::json gamma = nlohmann::json::array(), beta = nlohmann::json::array();
  for (const auto& f : film_) {
    gamma.push_back(nn::encode_floats(f.gamma_coef));
    beta.push_back(nn::encode_floats(f.beta_coef));
  }
  nlohmann::json out = {{"type", "pnn"},
                        {"version", kVersion},
                        {"n_classes", 2},
                        {"n_features", n_features_},
                        {"feature_names", feature_names_},
                        {"params", params_},
                        {"activation", to_string(activation_)},
                        {"output", "logistic"},
                        {"conditioning", to_string(conditioning_)},
                        {"parameters", std::move(parameters)},
                        {"layer_sizes", std::move(sizes)},
                        {"encoding", nn::kFloatEncoding},
                        {"film_gamma", std::move(gamma)},
                        {"film_beta", std::move(beta)},
                        {"training", training_}};
  nn::write_layers(layers_, out);
  return out;
}

namespace {

/// Field "parameters": 1 to n_features entries with distinct columns; names agree with the
/// feature names when there are any.
std::vector<PnnModel::Parameter> read_parameters(const detail::JsonReader& reader, std::size_t n_features,
                                                 const std::vector<std::string>& feature_names) {
  const auto& list = reader.field("parameters");
  if (!list.is_array() || list.empty() || list.size() > n_features)
    corrupt(reader, "parameters", fmt::format("must be an array of 1 to {} parameters", n_features));
  std::vector<PnnModel::Parameter> out;
  std::set<std::size_t> columns;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const detail::JsonReader entry(list[i], fmt::format("{}, field \"parameters\" entry {}", reader.where(), i));
    PnnModel::Parameter p;
    p.name = entry.string("name");
    p.column = static_cast<std::size_t>(entry.integer("column", 0, static_cast<std::int64_t>(n_features) - 1));
    const double shift = entry.number("shift"), scale = entry.number("scale");
    p.shift = static_cast<float>(shift);
    p.scale = static_cast<float>(scale);
    if (!std::isfinite(p.shift) || static_cast<double>(p.shift) != shift)
      corrupt(entry, "shift", fmt::format("= {} is not a float32 value", shift));
    if (!(p.scale > 0.0f) || !std::isfinite(p.scale) || static_cast<double>(p.scale) != scale)
      corrupt(entry, "scale", fmt::format("= {} is not a positive float32 value", scale));
    if (!columns.insert(p.column).second) corrupt(entry, "column", fmt::format("= {} is used twice", p.column));
    if (!feature_names.empty() && feature_names[p.column] != p.name)
      corrupt(entry, "name", fmt::format("= \"{}\" but column {} is feature \"{}\"", p.name, p.column,
                                         feature_names[p.column]));
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

std::unique_ptr<PnnModel> PnnModel::from_json(const nlohmann::json& j) {
  const detail::JsonReader reader(j, "pnn model JSON");
  reader.expect_version(kVersion);
  (void)reader.integer("n_classes", 2, 2);
  const auto n_features = static_cast<std::size_t>(reader.integer("n_features", 1, 100000000));
  const auto& names = reader.field("feature_names");
  std::vector<std::string> feature_names =
      reader.strings("feature_names", names.is_array() && names.empty() ? 0 : n_features);
  const auto& params = reader.field("params");
  if (!params.is_object()) corrupt(reader, "params", "must be an object");
  MlpActivation activation{};
  const std::string activation_name = reader.string("activation");
  if (!parse_mlp_activation(activation_name, activation))
    corrupt(reader, "activation", fmt::format("= \"{}\" is not identity, logistic, tanh or relu", activation_name));
  if (reader.string("output") != "logistic")
    corrupt(reader, "output", fmt::format("= \"{}\" but a pnn has a logistic output", reader.string("output")));
  if (reader.string("encoding") != nn::kFloatEncoding)
    corrupt(reader, "encoding", fmt::format("= \"{}\", expected \"{}\"", reader.string("encoding"), nn::kFloatEncoding));
  PnnConditioning conditioning{};
  const std::string conditioning_name = reader.string("conditioning");
  if (!parse_pnn_conditioning(conditioning_name, conditioning))
    corrupt(reader, "conditioning", fmt::format("= \"{}\" is not concat or affine", conditioning_name));
  const bool affine = conditioning == PnnConditioning::affine;
  std::vector<Parameter> parameters = read_parameters(reader, n_features, feature_names);
  const std::size_t n_parameters = parameters.size();

  const std::size_t n_inputs = affine ? n_features - n_parameters : n_features;
  if (n_inputs == 0) corrupt(reader, "parameters", "leaves no input for an affine pnn");
  const std::vector<std::size_t> sizes = nn::read_layer_sizes(reader);
  if (sizes.front() != n_inputs)
    corrupt(reader, "layer_sizes", fmt::format("starts with {} inputs but a {} pnn of {} features and {} parameters "
                                               "has {}", sizes.front(), conditioning_name, n_features, n_parameters,
                                               n_inputs));
  if (sizes.back() != 1) corrupt(reader, "layer_sizes", fmt::format("ends with {} outputs, expected 1", sizes.back()));
  if (affine && sizes.size() < 3) corrupt(reader, "layer_sizes", "has no hidden layer for the affine conditioning");
  std::vector<MlpModel::Layer> layers = nn::read_layers(reader, sizes);

  const std::size_t n_film = affine ? sizes.size() - 2 : 0;
  nn::expect_array(reader, "film_gamma", n_film);
  nn::expect_array(reader, "film_beta", n_film);
  std::vector<Film> film;
  for (std::size_t h = 0; h < n_film; ++h) {
    Film f;
    f.units = sizes[h + 1];
    f.gamma_coef = nn::decode_floats(reader, "film_gamma", h, n_parameters * f.units);
    f.beta_coef = nn::decode_floats(reader, "film_beta", h, n_parameters * f.units);
    film.push_back(std::move(f));
  }
  const auto& training = reader.field("training");
  nn::check_training(training, "pnn model JSON, field \"training\"");
  return std::make_unique<PnnModel>(conditioning, activation, std::move(parameters), std::move(layers),
                                    std::move(film), n_features, std::move(feature_names), params, training);
}

}  // namespace evclass::learn
