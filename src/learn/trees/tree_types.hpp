#pragma once
#include "evclass/learn/registry.hpp"

namespace evclass::learn::trees {
/// The registry entries of the tree models.
[[nodiscard]] ModelType gbdt_type();
[[nodiscard]] ModelType random_forest_type();
[[nodiscard]] ModelType adaboost_type();
}  // namespace evclass::learn::trees
