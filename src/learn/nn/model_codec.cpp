#include "learn/nn/model_codec.hpp"

#include <bit>
#include <cmath>
#include <cstdint>

#include <fmt/format.h>

#include "evclass/core/base64.hpp"
#include "evclass/core/error.hpp"

namespace evclass::learn::nn {

namespace {

constexpr std::int64_t kMaxLayers = 1000;
constexpr std::int64_t kMaxUnits = 1'000'000;

}  // namespace

std::string encode_floats(const std::vector<float>& values) {
  std::vector<std::uint8_t> bytes;
  bytes.reserve(values.size() * 4);
  for (float v : values) {
    const auto bits = std::bit_cast<std::uint32_t>(v);
    for (int b = 0; b < 4; ++b) bytes.push_back(static_cast<std::uint8_t>(bits >> (8 * b)));
  }
  return core::base64_encode(bytes.data(), bytes.size());
}

void corrupt(const detail::JsonReader& reader, std::string_view key, const std::string& problem) {
  throw CorruptFile(fmt::format("{}: field \"{}\" {}", reader.where(), key, problem));
}

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

void expect_array(const detail::JsonReader& reader, std::string_view key, std::size_t expected) {
  const auto& v = reader.field(key);
  if (!v.is_array()) corrupt(reader, key, fmt::format("must be an array, not {}", v.type_name()));
  if (v.size() != expected) corrupt(reader, key, fmt::format("has {} entries, expected {}", v.size(), expected));
}

std::vector<std::size_t> read_layer_sizes(const detail::JsonReader& reader) {
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
  return sizes;
}

std::vector<MlpModel::Layer> read_layers(const detail::JsonReader& reader, const std::vector<std::size_t>& sizes) {
  const std::size_t n_layers = sizes.size() - 1;
  expect_array(reader, "coefs", n_layers);
  expect_array(reader, "intercepts", n_layers);
  std::vector<MlpModel::Layer> layers;
  for (std::size_t l = 0; l < n_layers; ++l) {
    MlpModel::Layer layer;
    layer.n_in = sizes[l];
    layer.n_out = sizes[l + 1];
    layer.coef = decode_floats(reader, "coefs", l, layer.n_in * layer.n_out);
    layer.intercept = decode_floats(reader, "intercepts", l, layer.n_out);
    layers.push_back(std::move(layer));
  }
  return layers;
}

void write_layers(const std::vector<MlpModel::Layer>& layers, nlohmann::json& out) {
  nlohmann::json coefs = nlohmann::json::array(), intercepts = nlohmann::json::array();
  for (const auto& layer : layers) {
    coefs.push_back(encode_floats(layer.coef));
    intercepts.push_back(encode_floats(layer.intercept));
  }
  out["coefs"] = std::move(coefs);
  out["intercepts"] = std::move(intercepts);
}

void check_training(const nlohmann::json& t, const std::string& where) {
  const detail::JsonReader reader(t, where);
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

}  // namespace evclass::learn::nn
