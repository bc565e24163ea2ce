#pragma once
// Names for the domain's index types, so signatures say what a number counts.

#include <cstdint>

namespace evclass {

using entry_t = std::int64_t;    ///< entry (event) number in a tree
using row_t = std::int64_t;      ///< row of an in-memory table
using feature_t = std::int32_t;  ///< feature (column) index of a dataset
using bin_t = std::uint16_t;     ///< histogram bin index
using node_t = std::int32_t;     ///< tree-model node index

}  // namespace evclass
