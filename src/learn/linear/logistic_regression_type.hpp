#pragma once
#include "evclass/learn/registry.hpp"

namespace evclass::learn::linear {
/// The registry entry of "logistic_regression".
[[nodiscard]] ModelType logistic_regression_type();
}  // namespace evclass::learn::linear
