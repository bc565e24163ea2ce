#pragma once
// The hyper-parameters of "mlp" as the trainer uses them, read from resolved JSON (mlp_schema()
// declares them, with scikit-learn's names and defaults). Private to learn.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "evclass/learn/data.hpp"
#include "evclass/learn/mlp.hpp"
#include "evclass/learn/params.hpp"
#include "learn/nn/optimizer.hpp"

namespace evclass::learn::nn {

inline constexpr std::string_view kMlpType = "mlp";

struct MlpOptions {
  std::string_view type = kMlpType;  ///< the model type named in error messages ("mlp", "pnn")
  std::vector<std::size_t> hidden;  ///< units of each hidden layer (may be empty)
  MlpActivation activation = MlpActivation::relu;
  Solver solver = Solver::adam;
  OptimizerSettings optimizer;
  double alpha = 1e-4;
  std::optional<std::size_t> batch_size;  ///< nothing = "auto": min(200, rows)
  int max_iter = 200;
  int max_fun = 15000;
  bool shuffle = true;
  double tol = 1e-4;
  int n_iter_no_change = 10;
  bool early_stopping = false;
  double validation_fraction = 0.1;
  std::vector<double> dropout;  ///< one rate per hidden layer (all 0 = off)
  std::uint64_t seed = 0;
};

/// Declares every hyper-parameter of "mlp" in `schema` (the pnn's schema starts with them too).
void add_mlp_params(ParamSchema& schema);

/// The options of `resolved` (the output of a schema made by add_mlp_params(), plus any other
/// parameters). Throws ConfigError naming the parameter and `type` for combinations the schema
/// cannot check alone (a dropout list of the wrong length, dropout or weight_decay with lbfgs).
[[nodiscard]] MlpOptions read_mlp_options(const nlohmann::json& resolved, const TrainData& data,
                                          std::string_view type = kMlpType);

}  // namespace evclass::learn::nn
