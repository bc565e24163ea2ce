#pragma once
// Second phase of reading: one basket's bytes (data + entry offsets) become a piece of a column
// according to the branch's interpretation. Every length read from the bytes is checked against
// what is left before anything is allocated for it.

#include "evclass/column/column.hpp"
#include "root/basket.hpp"
#include "root/interpretation.hpp"

namespace evclass::root::detail {

/// Per-element counts for kCollectionPointerArray, aligned with the entries decoded.
struct ElementCounts {
  const column::Column* column = nullptr;  ///< jagged int32 column of the count branch
  entry_t first_entry = 0;                 ///< its entry corresponding to the first decoded entry
};

/// Decodes entries [lo, hi) (counted within the basket) into a new column piece.
[[nodiscard]] column::Column decode_basket(const Interpretation& in, const RawBasket& basket, entry_t lo, entry_t hi,
                                           const BasketWhere& where, const std::string& file_path,
                                           const ElementCounts& counts = {});

/// Decodes `n` values stored as `item` (big-endian, possibly Float16/Double32 packed) into dst.
void decode_items(const Item& item, const std::byte* src, std::size_t n, std::byte* dst) noexcept;

}  // namespace evclass::root::detail
