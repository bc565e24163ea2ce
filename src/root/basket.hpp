#pragma once
// A basket's bytes after decompression, split into data and per-entry byte offsets
// (uproot's "basket_array" input; UnROOT's (data, offsets)).
//
// On disk a basket is a TKey whose header is followed by TBasket's own fields
//   fVersion fBufferSize fNevBufSize fNevBuf fLast flag
// and whose payload decompresses to fObjlen bytes:
//   [0, fLast - fKeylen)  the entries' data
//   then, for branches of variable-size entries, int32 n and n entry offsets (counted from
//   the key start, so fKeylen is subtracted).

#include <cstdint>
#include <exception>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "evclass/column/buffer.hpp"
#include "root/compression.hpp"
#include "root/file_impl.hpp"
#include "root/tree_model.hpp"

namespace evclass::root::detail {

struct RawBasket {
  std::span<const std::byte> data;    ///< the entries' bytes (in the file, the scratch buffer or the tree record)
  std::vector<std::int32_t> offsets;  ///< entry start offsets into data plus data.size(); empty if fixed-size
  /// With EntryOffsets::kStored (and kStoredIfWhole, where present): the basket's own big-endian
  /// int32 entry starts (counted from the key start, so `keylen` is to be subtracted), one per
  /// entry; not checked yet.
  std::span<const std::byte> stored_offsets;
  std::int32_t keylen = 0;
  entry_t entries = 0;
  Codec codec = Codec::kNone;
  std::int64_t file_offset = 0;       ///< where the basket's key is (0 if embedded)
};

/// Context for error messages: which tree, branch and basket (formatted only on failure).
class BasketWhere final : public OuterContext {
 public:
  BasketWhere(std::string_view tree, std::string_view branch, std::size_t basket)
      : tree_path(tree), branch_name(branch), basket_index(basket) {}
  [[nodiscard]] std::vector<std::string> context() const override;

  std::string_view tree_path;
  std::string_view branch_name;
  std::size_t basket_index = 0;
};

/// What read_basket() makes of the entry offsets that follow a basket's data.
enum class EntryOffsets : std::uint8_t {
  kParse,   ///< checked and converted into RawBasket::offsets
  kStored,  ///< left as stored (RawBasket::stored_offsets), for a decoder that checks them as it goes
  /// left as stored when there is one per entry, else ignored without complaint: for vectors,
  /// whose entries carry their own sizes and can be walked by them where the offsets are missing
  kStoredIfWhole,
};

/// Reads, checks and decompresses one basket of a branch. A compressed payload is decompressed
/// into `scratch` (reused from basket to basket by the caller) and `data` points into it.
[[nodiscard]] RawBasket read_basket(const FileImpl& file, const BasketRef& ref, const BasketWhere& where,
                                    column::Buffer& scratch, EntryOffsets offsets = EntryOffsets::kParse);

/// Sizes a basket announces in its key and TBasket header, read without decompressing it.
struct BasketShape {
  std::int64_t data_bytes = 0;    ///< fLast - fKeylen: the entries' bytes
  std::int64_t stored_bytes = 0;  ///< payload bytes in the file (compressed or not)
  bool has_offsets = false;       ///< entry offsets follow the data
};

/// What a reader needs to know of a basket before decompressing it, from its headers alone.
struct BasketFacts {
  /// The most bytes its payload can hold once decompressed, from its key and the headers of its
  /// compressed blocks (checked as read_basket() checks them): lets callers refuse entry counts
  /// that no basket could hold before allocating for them. Negative when the headers are broken;
  /// `capacity_error` then says how.
  std::int64_t capacity = -1;
  std::exception_ptr capacity_error;
  /// Its shape, or nothing when its headers are inconsistent (read_basket() then reports what is
  /// wrong when the basket is read).
  std::optional<BasketShape> shape;
};

[[nodiscard]] BasketFacts basket_facts(const FileImpl& file, const BasketRef& ref) noexcept;

/// The codec of a basket without decompressing it (reads only the key header).
[[nodiscard]] Codec basket_codec(const FileImpl& file, const BasketRef& ref);

}  // namespace evclass::root::detail
