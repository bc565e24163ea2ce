#pragma once
// Parametric classification (a feature that is a physics parameter, such as a mass hypothesis):
// the training events of a study model (train_at / leave_out) and the evaluation of every model
// at each parameter value, where background events are scored at that value.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/model_file.hpp"
#include "api/training_set.hpp"
#include "evclass/api/config.hpp"
#include "evclass/core/parallel.hpp"

namespace evclass::api::detail {

/// The column of the run's parameter among the features (config.features.parameters[k]).
[[nodiscard]] std::size_t parameter_column(const Config& config, const std::string& parameter);

/// The events a study model trains on: signal events whose parameter is (train_at) or is not
/// (leave_out) one of the model's values, and every background event, whose parameter is
/// replaced by one drawn (seeded) from the kept signal events' values, so that the parameter
/// alone cannot tell them apart. Throws ConfigError naming the model when no signal event is kept.
[[nodiscard]] Subset parametric_training_set(const Subset& s, const ModelConfig& model, std::size_t column,
                                             std::size_t nf, std::uint64_t seed);

/// Binary AUCs at each value the signal test events take (at most 64 values): that value's signal
/// events against every background event scored with its parameter set to the value.
/// `folds_of_events` (k-fold runs) gives each event's fold so that it is scored by the model that
/// did not see it; empty otherwise. Returns [{"value", "auc", "auc_weighted", "signal",
/// "background"}] or an array holding {"skipped": why}.
[[nodiscard]] nlohmann::json evaluate_by_parameter(const ModelBundle& bundle, const Subset& test, std::size_t column,
                                                   std::size_t nf, std::span<const std::int32_t> folds_of_events,
                                                   const core::Context& ctx);

}  // namespace evclass::api::detail
