#pragma once
// The parts of a network's model file shared by "mlp" and "pnn": float32 arrays as base64 of
// their little-endian bytes (every weight exact, the file small), the layers, and the "training"
// record. Every reader checks sizes and finiteness and throws CorruptFile naming the field.
// Private to learn.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "evclass/learn/mlp.hpp"
#include "learn/json_read.hpp"

namespace evclass::learn::nn {

/// The value of every model file's "encoding" field.
inline constexpr std::string_view kFloatEncoding = "float32le-base64";

[[nodiscard]] std::string encode_floats(const std::vector<float>& values);

[[noreturn]] void corrupt(const detail::JsonReader& reader, std::string_view key, const std::string& problem);

/// Entry `index` of the array field `key`: base64 of exactly `expected` finite float32 values.
[[nodiscard]] std::vector<float> decode_floats(const detail::JsonReader& reader, std::string_view key,
                                               std::size_t index, std::size_t expected);

/// Checks that field `key` is an array with exactly `expected` entries.
void expect_array(const detail::JsonReader& reader, std::string_view key, std::size_t expected);

/// Field "layer_sizes": 2 to 1000 integers in [1, 10^6].
[[nodiscard]] std::vector<std::size_t> read_layer_sizes(const detail::JsonReader& reader);

/// Fields "coefs" and "intercepts" for a network of these layer sizes.
[[nodiscard]] std::vector<MlpModel::Layer> read_layers(const detail::JsonReader& reader,
                                                       const std::vector<std::size_t>& sizes);

/// Fields "coefs" and "intercepts" of `layers` (one base64 entry per layer).
void write_layers(const std::vector<MlpModel::Layer>& layers, nlohmann::json& out);

/// The "training" object: checks the fields evclass writes (types and finiteness); `where` names
/// it in messages.
void check_training(const nlohmann::json& training, const std::string& where);

}  // namespace evclass::learn::nn
