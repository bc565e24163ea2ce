#pragma once
#include "evclass/learn/registry.hpp"

namespace evclass::learn::nn {
/// The registry entry of "pnn".
[[nodiscard]] ModelType pnn_type();
}  // namespace evclass::learn::nn
