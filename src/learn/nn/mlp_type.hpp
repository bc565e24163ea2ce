#pragma once
#include "evclass/learn/registry.hpp"

namespace evclass::learn::nn {
/// The registry entry of "mlp".
[[nodiscard]] ModelType mlp_type();
}  // namespace evclass::learn::nn
