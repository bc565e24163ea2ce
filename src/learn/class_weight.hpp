#pragma once
// scikit-learn's class_weight for every model type that takes it: null, "balanced", an array
// with one weight per class, or a table {0 = w0, 1 = w1}. Private to learn.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "evclass/learn/data.hpp"

namespace evclass::learn {

/// "" when `spec` is an allowed class_weight, else what is wrong (for ParamSchema::custom).
[[nodiscard]] std::string check_class_weight_spec(const nlohmann::json& spec);

/// Per-class multipliers of the sample weights; "balanced" is n_rows / (n_classes × rows of the
/// class), counting rows as scikit-learn does. Throws ConfigError naming `type` when the spec does
/// not fit the number of classes.
[[nodiscard]] std::vector<double> class_multipliers(const nlohmann::json& spec, const TrainData& data,
                                                    std::string_view type);

/// The words of class_weight's schema entry.
inline constexpr const char* kClassWeightAllowed =
    "\"balanced\", an array with one weight > 0 per class, or a table {0 = w0, 1 = w1}";

}  // namespace evclass::learn
