#pragma once
// Second phase of reading: one basket's bytes (data + entry offsets) become a piece of a column
// according to the branch's interpretation. Every length read from the bytes is checked against
// what is left before anything is allocated for it.

#include "evclass/column/column.hpp"
#include "root/basket.hpp"
#include "root/interpretation.hpp"

namespace evclass::root::detail {

/// Sizes from another branch, aligned with the entries decoded: per element for
/// kCollectionPointerArray (a jagged int32 column), per entry for kCollectionStl and for
/// kCounted / kCollectionMember baskets without entry offsets (a flat integer column).
struct ElementCounts {
  const column::Column* column = nullptr;  ///< integer column of the count branch
  entry_t first_entry = 0;                 ///< its entry corresponding to the first decoded entry
};

/// Thrown by decode_basket when a basket has no entry offsets and they must be rebuilt from the
/// sizes branch (Interpretation::size_branch): the caller reads that branch and decodes again.
struct NeedsSizes {};

/// Decodes entries [lo, hi) (counted within the basket) into a new column piece.
[[nodiscard]] column::Column decode_basket(const Interpretation& in, const RawBasket& basket, entry_t lo, entry_t hi,
                                           const BasketWhere& where, const std::string& file_path,
                                           const ElementCounts& counts = {});
/// The same, decoded into `reuse` (emptied first), whose memory is kept: a column read again at
/// every batch is not allocated anew.
[[nodiscard]] column::Column decode_basket(const Interpretation& in, const RawBasket& basket, entry_t lo, entry_t hi,
                                           const BasketWhere& where, const std::string& file_path,
                                           const ElementCounts& counts, column::Column&& reuse);

/// Decodes entries [lo, hi) of a basket of a fixed-size layout (kFixed, not TObject::fBits)
/// straight into `dst`, which has room for their values.
void decode_basket_into(const Interpretation& in, const RawBasket& basket, entry_t lo, entry_t hi,
                        const BasketWhere& where, const std::string& file_path, std::byte* dst);

/// Whether the branch holds std::vector<T> of a plain numeric T, which decode_vectors_into()
/// can decode straight into a final column once the values of each basket are counted.
[[nodiscard]] bool is_numeric_vector(const Interpretation& in) noexcept;

/// Whether decode_vectors_into() can decode the branch's whole baskets into slots of the final
/// column: numeric std::vectors and counted arrays (`x[n]`, `x[n][3]`) of fixed-size items.
[[nodiscard]] bool decodes_into_slots(const Interpretation& in) noexcept;

/// Where decode_vectors_into() puts one basket's entries in the final jagged column.
struct JaggedSlot {
  std::byte* values = nullptr;      ///< room for exactly `items` items (values × inner shape)
  std::int64_t* ends = nullptr;     ///< room for one end offset per decoded entry
  std::int64_t item_base = 0;       ///< items of the column before this basket's
  std::int64_t items = 0;           ///< items the basket's size announced; checked
};

/// Decodes entries [lo, hi) of a basket (see decodes_into_slots) into `slot`; a basket whose
/// items do not number slot.items is reported as corrupt.
void decode_vectors_into(const Interpretation& in, const RawBasket& basket, entry_t lo, entry_t hi,
                         const BasketWhere& where, const std::string& file_path, const JaggedSlot& slot);

/// The first way decode_vectors_into() tries for a whole basket of numeric std::vectors: every
/// entry placed by the basket's stored entry offsets (RawBasket::stored_offsets), each checked
/// against the data's size and against its entry's header (byte count, value count). Returns
/// false where anything disagrees (or, with the portable kernels, for vectors of bool), having
/// written nothing outside the slot; decode_vectors_into() then walks the entries by their
/// headers instead, which names what is wrong. Public for tests.
[[nodiscard]] bool decode_vectors_by_stored_offsets(const Interpretation& in, const RawBasket& basket,
                                                    const JaggedSlot& slot);

/// For tests: makes the decoders that have an AVX2 variant use their portable loops instead, so
/// that both are checked on a machine with AVX2.
void use_portable_kernels(bool on) noexcept;

/// Decodes `n` values stored as `item` (big-endian, possibly Float16/Double32 packed) into dst.
void decode_items(const Item& item, const std::byte* src, std::size_t n, std::byte* dst) noexcept;

}  // namespace evclass::root::detail
