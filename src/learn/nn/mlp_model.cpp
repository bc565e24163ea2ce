// A trained MLP: prediction and its JSON form.
//
// JSON (version 1): "layer_sizes" [n_features, hidden..., n_outputs], "activation", "output"
// ("logistic" for 2 classes, "softmax" otherwise), and per layer "coefs" (n_in × n_out, row-major)
// and "intercepts" (n_out) as base64 of little-endian float32 ("encoding": "float32le-base64"),
// which keeps every weight exact and the file small. Loading checks every size against
// layer_sizes (which must agree with n_features and n_classes) before using it, and every value
// for finiteness.

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "evclass/learn/mlp.hpp"
#include "learn/json_read.hpp"
#include "learn/nn/model_codec.hpp"
#include "learn/nn/network.hpp"

namespace evclass::learn {

namespace {

using nn::corrupt;

}  // namespace

std::string_view to_string(MlpActivation a) {
  switch (a) {
    case MlpActivation::identity: return "identity";
    case MlpActivation::logistic: return "logistic";
    case MlpActivation::tanh: return "tanh";
    case MlpActivation::relu: return "relu";
  }
  return "relu";
}

bool parse_mlp_activation(std::string_view text, MlpActivation& out) {
  for (auto a : {MlpActivation::identity, MlpActivation::logistic, MlpActivation::tanh, MlpActivation::relu}) {
    if (text == to_string(a)) {
      out = a;
      return true;
    }
  }
  return false;
}

MlpModel::MlpModel(int n_classes, MlpActivation activation, std::vector<Layer> layers,
                   std::vector<std::string> feature_names, nlohmann::json params, nlohmann::json training)
    : n_classes_(n_classes),
      activation_(activation),
      layers_(std::move(layers)),
      feature_names_(std::move(feature_names)),
      params_(std::move(params)),
      training_(std::move(training)) {
  EVC_ASSERT(n_classes_ >= 2, "a classifier has at least 2 classes");
  EVC_ASSERT(!layers_.empty(), "a network has at least one layer");
  std::vector<std::size_t> units{layers_.front().n_in};
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    const Layer& layer = layers_[l];
    EVC_ASSERT(layer.n_in == units.back(), "layers chain");
    EVC_ASSERT(layer.coef.size() == layer.n_in * layer.n_out && layer.intercept.size() == layer.n_out,
               "layer arrays fit their sizes");
    units.push_back(layer.n_out);
  }
  EVC_ASSERT(units.back() == n_outputs(), "the last layer has one unit per output");
  EVC_ASSERT(feature_names_.empty() || feature_names_.size() == n_features(), "one name per feature");
  nn::Shape shape(units);
  std::vector<float> padded = nn::pad_layers(shape, layers_);
  predictor_ = std::make_shared<const nn::Predictor>(std::move(shape), activation_, std::move(padded));
}

MlpModel::~MlpModel() = default;

void MlpModel::predict(const FeatureMatrix& x, std::span<float> out, const core::Context& ctx) const {
  if (x.cols != n_features()) throw ConfigError(fmt::format("mlp model expects {} features, got {}", n_features(), x.cols));
  EVC_ASSERT(x.data.size() == x.rows * x.cols, "feature matrix size != rows * cols");
  predictor_->predict(x, out, ctx);
}

nlohmann::json MlpModel::to_json() const {
  nlohmann::json sizes = nlohmann::json::array({layers_.front().n_in});
  for (const auto& layer : layers_) sizes.push_back(layer.n_out);
  nlohmann::json out = {{"type", "mlp"},
                        {"version", kVersion},
                        {"n_classes", n_classes_},
                        {"n_features", n_features()},
                        {"feature_names", feature_names_},
                        {"params", params_},
                        {"activation", to_string(activation_)},
                        {"output", n_classes_ == 2 ? "logistic" : "softmax"},
                        {"layer_sizes", std::move(sizes)},
                        {"encoding", nn::kFloatEncoding},
                        {"training", training_}};
  nn::write_layers(layers_, out);
  return out;
}

std::unique_ptr<MlpModel> MlpModel::from_json(const nlohmann::json& j) {
  const detail::JsonReader reader(j, "mlp model JSON");
  reader.expect_version(kVersion);
  const auto n_classes = static_cast<int>(reader.integer("n_classes", 2, 100000));
  const auto n_features = static_cast<std::size_t>(reader.integer("n_features", 1, 100000000));
  const std::size_t n_outputs = n_classes == 2 ? 1 : static_cast<std::size_t>(n_classes);
  const auto& names = reader.field("feature_names");
  std::vector<std::string> feature_names =
      reader.strings("feature_names", names.is_array() && names.empty() ? 0 : n_features);
  const auto& params = reader.field("params");
  if (!params.is_object()) corrupt(reader, "params", "must be an object");
  MlpActivation activation{};
  const std::string activation_name = reader.string("activation");
  if (!parse_mlp_activation(activation_name, activation))
    corrupt(reader, "activation", fmt::format("= \"{}\" is not identity, logistic, tanh or relu", activation_name));
  const std::string output = reader.string("output");
  const std::string_view expected_output = n_classes == 2 ? "logistic" : "softmax";
  if (output != expected_output)
    corrupt(reader, "output", fmt::format("= \"{}\" but a model of {} classes has a {} output", output, n_classes,
                                          expected_output));
  if (reader.string("encoding") != nn::kFloatEncoding)
    corrupt(reader, "encoding", fmt::format("= \"{}\", expected \"{}\"", reader.string("encoding"), nn::kFloatEncoding));

  const std::vector<std::size_t> sizes = nn::read_layer_sizes(reader);
  if (sizes.front() != n_features)
    corrupt(reader, "layer_sizes", fmt::format("starts with {} inputs but n_features = {}", sizes.front(), n_features));
  if (sizes.back() != n_outputs)
    corrupt(reader, "layer_sizes", fmt::format("ends with {} outputs but {} classes need {}", sizes.back(), n_classes,
                                               n_outputs));
  std::vector<Layer> layers = nn::read_layers(reader, sizes);
  const auto& training = reader.field("training");
  nn::check_training(training, "mlp model JSON, field \"training\"");
  return std::make_unique<MlpModel>(n_classes, activation, std::move(layers), std::move(feature_names), params,
                                    training);
}

}  // namespace evclass::learn
