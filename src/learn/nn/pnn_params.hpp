#pragma once
// The hyper-parameters of "pnn" as the trainer uses them: mlp's options plus the physics
// parameters (resolved to feature columns), the conditioning and the background strategy.
// Private to learn.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "evclass/learn/data.hpp"
#include "evclass/learn/pnn.hpp"
#include "learn/nn/mlp_params.hpp"
#include "learn/nn/parameter_points.hpp"

namespace evclass::learn::nn {

inline constexpr std::string_view kPnnType = "pnn";

struct PnnOptions {
  MlpOptions mlp;
  std::vector<std::string> parameter_names;
  std::vector<std::size_t> parameter_columns;  ///< in data.x, in the order of parameter_names
  PnnConditioning conditioning = PnnConditioning::concat;
  BackgroundStrategy background = BackgroundStrategy::resample;
  std::vector<float> background_value;  ///< fixed: one per parameter
  bool balance = true;
};

/// The options of `resolved` (pnn_schema().resolve() output) for training on `data`. Throws
/// ConfigError naming the parameter: multi-class data, a missing or unknown parameter name (with
/// the closest feature names), a background_value of the wrong length, affine without a hidden
/// layer or without a non-parameter feature.
[[nodiscard]] PnnOptions read_pnn_options(const nlohmann::json& resolved, const TrainData& data);

}  // namespace evclass::learn::nn
