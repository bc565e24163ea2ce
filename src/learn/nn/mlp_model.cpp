// A trained MLP: prediction and its JSON form.
//
// JSON (version 1): "layer_sizes" [n_features, hidden..., n_outputs], "activation", "output"
// ("logistic" for 2 classes, "softmax" otherwise), and per layer "coefs" (n_in × n_out, row-major)
// and "intercepts" (n_out) as base64 of little-endian float32 ("encoding": "float32le-base64"),
// which keeps every weight exact and the file small. Loading checks every size against
// layer_sizes (which must agree with n_features and n_classes) before using it, and every value
// for finiteness.

#include <bit>
#include <cmath>
#include <cstdint>

#include <fmt/format.h>

#include "evclass/core/base64.hpp"
#include "evclass/core/error.hpp"
#include "evclass/learn/mlp.hpp"
#include "learn/json_read.hpp"
#include "learn/nn/network.hpp"

namespace evclass::learn {

namespace {

constexpr std::string_view kEncoding = "float32le-base64";
constexpr std::int64_t kMaxLayers = 1000;
constexpr std::int64_t kMaxUnits = 1'000'000;

std::string encode_floats(const std::vector<float>& values) {
  std::vector<std::uint8_t> bytes;
  bytes.reserve(values.size() * 4);
  for (float v : values) {
    const auto bits = std::bit_cast<std::uint32_t>(v);
    for (int b = 0; b < 4; ++b) bytes.push_back(static_cast<std::uint8_t>(bits >> (8 * b)));
  }
  return core::base64_encode(bytes.data(), bytes.size());
}

[[noreturn]] void corrupt(const detail::JsonReader& reader, std::string_view key, const std::string& problem) {
  throw CorruptFile(fmt::format("{}: field \"{}\" {}", reader.where(), key, problem));
}

/// Entry `index` of the array field `key`: base64 of exactly `expected` finite float32 values.
std::vector<float> decode_floats(const detail::JsonReader& reader, std::string_view key, std::size_t index,
                                 std::size_t expected) {
  const auto& array = reader.field(key);
  const auto& entry = array[index];
  if (!entry.is_string()) corrupt(reader, key, fmt::format("entry {} must be a base64 string, not {}", index, entry.type_name()));
  const auto bytes = core::base64_decode(entry.get_ref<const std::string&>());
  if (!bytes) corrupt(reader, key, fmt::format("entry {} is not valid base64", index));
  if (bytes->size() != expected * 4)
    corrupt(reader, key, fmt::format("entry {} holds {} bytes, expected {} ({} float32 values)", index, bytes->size(),
                                     expected * 4, expected));
  std::vector<float> out(expected);
  for (std::size_t i = 0; i < expected; ++i) {
    std::uint32_t bits = 0;
    for (int b = 0; b < 4; ++b) bits |= std::uint32_t{(*bytes)[4 * i + static_cast<std::size_t>(b)]} << (8 * b);
    out[i] = std::bit_cast<float>(bits);
    if (!std::isfinite(out[i])) corrupt(reader, key, fmt::format("entry {} value {} = {} is not finite", index, i, out[i]));
  }
  return out;
}

/// An array field with exactly `expected` entries.
void expect_array(const detail::JsonReader& reader, std::string_view key, std::size_t expected) {
  const auto& v = reader.field(key);
  if (!v.is_array()) corrupt(reader, key, fmt::format("must be an array, not {}", v.type_name()));
  if (v.size() != expected) corrupt(reader, key, fmt::format("has {} entries, expected {}", v.size(), expected));
}

/// The "training" object: checks the fields evclass writes (types and finiteness).
void check_training(const nlohmann::json& t) {
  const detail::JsonReader reader(t, "mlp model JSON, field \"training\"");
  const std::string solver = reader.string("solver");
  if (solver != "adam" && solver != "sgd" && solver != "lbfgs")
    corrupt(reader, "solver", fmt::format("= \"{}\" is not adam, sgd or lbfgs", solver));
  const auto iterations = static_cast<std::size_t>(reader.integer("iterations", 0, 1'000'000'000));
  (void)reader.number("loss");
  const auto& curve = reader.field("loss_curve");
  if (!curve.is_array() || curve.size() > iterations)
    corrupt(reader, "loss_curve", fmt::format("must be an array of at most {} numbers", iterations));
  (void)reader.numbers("loss_curve", curve.size());
}

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
  std::vector<float> padded(shape.size(), 0.0f);
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    const Layer& layer = layers_[l];
    const std::size_t ld = shape.ld(l + 1);
    for (std::size_t p = 0; p < layer.n_in; ++p)
      for (std::size_t j = 0; j < layer.n_out; ++j)
        padded[shape.coef_offset(l) + p * ld + j] = layer.coef[p * layer.n_out + j];
    for (std::size_t j = 0; j < layer.n_out; ++j) padded[shape.intercept_offset(l) + j] = layer.intercept[j];
  }
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
  nlohmann::json coefs = nlohmann::json::array(), intercepts = nlohmann::json::array();
  for (const auto& layer : layers_) {
    sizes.push_back(layer.n_out);
    coefs.push_back(encode_floats(layer.coef));
    intercepts.push_back(encode_floats(layer.intercept));
  }
  return {{"type", "mlp"},
          {"version", kVersion},
          {"n_classes", n_classes_},
          {"n_features", n_features()},
          {"feature_names", feature_names_},
          {"params", params_},
          {"activation", to_string(activation_)},
          {"output", n_classes_ == 2 ? "logistic" : "softmax"},
          {"layer_sizes", std::move(sizes)},
          {"encoding", kEncoding},
          {"coefs", std::move(coefs)},
          {"intercepts", std::move(intercepts)},
          {"training", training_}};
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
  if (reader.string("encoding") != kEncoding)
    corrupt(reader, "encoding", fmt::format("= \"{}\", expected \"{}\"", reader.string("encoding"), kEncoding));

  const auto& sizes_json = reader.field("layer_sizes");
  if (!sizes_json.is_array() || sizes_json.size() < 2 || sizes_json.size() > static_cast<std::size_t>(kMaxLayers))
    corrupt(reader, "layer_sizes", fmt::format("must be an array of 2 to {} layer sizes", kMaxLayers));
  std::vector<std::size_t> sizes;
  for (std::size_t i = 0; i < sizes_json.size(); ++i) {
    const auto& u = sizes_json[i];
    if (!u.is_number_integer() || u.get<std::int64_t>() < 1 || u.get<std::int64_t>() > kMaxUnits)
      corrupt(reader, "layer_sizes", fmt::format("entry {} = {} is not an integer in [1, {}]", i, u.dump(), kMaxUnits));
    sizes.push_back(u.get<std::size_t>());
  }
  if (sizes.front() != n_features)
    corrupt(reader, "layer_sizes", fmt::format("starts with {} inputs but n_features = {}", sizes.front(), n_features));
  if (sizes.back() != n_outputs)
    corrupt(reader, "layer_sizes", fmt::format("ends with {} outputs but {} classes need {}", sizes.back(), n_classes,
                                               n_outputs));
  const std::size_t n_layers = sizes.size() - 1;
  expect_array(reader, "coefs", n_layers);
  expect_array(reader, "intercepts", n_layers);
  std::vector<Layer> layers;
  for (std::size_t l = 0; l < n_layers; ++l) {
    Layer layer;
    layer.n_in = sizes[l];
    layer.n_out = sizes[l + 1];
    layer.coef = decode_floats(reader, "coefs", l, layer.n_in * layer.n_out);
    layer.intercept = decode_floats(reader, "intercepts", l, layer.n_out);
    layers.push_back(std::move(layer));
  }
  const auto& training = reader.field("training");
  check_training(training);
  return std::make_unique<MlpModel>(n_classes, activation, std::move(layers), std::move(feature_names), params,
                                    training);
}

}  // namespace evclass::learn
