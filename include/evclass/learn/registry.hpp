#pragma once
// The table of model types and the entry points that dispatch through it by name.
// Each model type is one file that defines a ModelType; src/learn/registry_table.cpp lists them.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "evclass/core/parallel.hpp"
#include "evclass/learn/data.hpp"
#include "evclass/learn/model.hpp"
#include "evclass/learn/params.hpp"

namespace evclass::learn {

/// Everything the registry knows about one model type.
struct ModelType {
  std::string_view name;
  std::string_view summary;  ///< one line, for docs and `--help`
  const ParamSchema& (*schema)();
  /// Trains on `data` with parameters already resolved by schema().resolve().
  std::unique_ptr<Model> (*train)(const nlohmann::json& resolved_params, const TrainData& data,
                                  const core::Context& ctx, const ProgressFn& progress);
  /// Rebuilds a model from its to_json(); validates every field (throws CorruptFile).
  std::unique_ptr<Model> (*load)(const nlohmann::json& model_json);
};

/// Every registered model type, in a fixed order.
[[nodiscard]] const std::vector<ModelType>& registered_model_types();

/// The type called `name`; throws ConfigError (with the closest names) if there is none.
[[nodiscard]] const ModelType& find_model_type(std::string_view name);

/// Registered type names.
[[nodiscard]] std::vector<std::string> model_types();

/// Validates hyper-parameters (a JSON object from the TOML config) for `type`. Throws
/// ConfigError naming `model_name`, the key, the value and what is allowed.
void validate_params(std::string_view type, const nlohmann::json& params, std::string_view model_name);

/// Validated parameters with every default filled in.
[[nodiscard]] nlohmann::json resolve_params(std::string_view type, const nlohmann::json& params,
                                            std::string_view model_name);

/// Trains a model of `type` (parameters are validated first; errors name the type).
[[nodiscard]] std::unique_ptr<Model> train(std::string_view type, const nlohmann::json& params,
                                           const TrainData& data, const core::Context& ctx,
                                           const ProgressFn& progress = {});

/// Rebuilds any registered model from its JSON. Never trusts sizes: throws CorruptFile on a
/// missing field, a wrong version, an array of the wrong length or a non-finite number.
[[nodiscard]] std::unique_ptr<Model> load_model(const nlohmann::json& model_json);

/// The seed a model should use: its "random_state" when set (not null), else data.run_seed.
[[nodiscard]] std::uint64_t model_seed(const nlohmann::json& resolved_params, const TrainData& data);

}  // namespace evclass::learn
