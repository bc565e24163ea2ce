#pragma once
// How the bytes of one branch's entries become a column: chosen once per branch from its
// class, leaves and streamer element (uproot's interpretation/, groot's read ops).
//
// Layouts, per entry:
//   kFixed            a fixed number of values (scalar, x[3], x[4][4], one leaf of a leaf-list)
//   kCounted          a variable number of fixed-shape items (x[n], x[n][3]); bytes give the count
//   kPointerArray     flag byte, then a variable number of values (Float_t* fX; //[fN] members)
//   kCollectionMember one item per collection element (split TClonesArray member fType 31)
//   kCollectionPointerArray  per element: flag byte + count values, count from a sibling branch
//   kCollectionStl    STL members of a split STL collection (fType 41): one version header per
//                     entry, then each element's container without a header; the number of
//                     elements comes from the collection's size branch
//   kString           ROOT TString format strings (TLeafC, TString, top-level std::string)
//   kCharStar         int32 length + characters (char* members)
//   kCharArray        fixed-size char[N], read up to the first NUL
//   kStl              an STL container (with or without a 6-byte version header), possibly nested
//   kLeafListVar      a leaf-list whose leaves have counters inside the same branch

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "evclass/column/dtype.hpp"
#include "root/streamer_info.hpp"
#include "root/tree_model.hpp"

namespace evclass::root::detail {

/// How a single value is stored on disk.
struct Item {
  enum class Coding : std::uint8_t {
    kPlain,
    kDouble32,
    kFloat16,
    kBits,  ///< TObject::fBits: uint32, followed by a uint16 process id when bit kIsReferenced is set
  };
  column::DType dtype = column::DType::kFloat64;  ///< the value type in memory
  std::size_t disk_size = 8;                       ///< bytes per value on disk
  Coding coding = Coding::kPlain;
  FloatRange range;
};

/// A node of an STL container type: a sequence of `inner`, a numeric value or a string.
struct StlNode {
  enum class Kind : std::uint8_t { kSequence, kNumeric, kString };
  Kind kind = Kind::kNumeric;
  Item item;                      ///< kNumeric
  std::shared_ptr<StlNode> inner;  ///< kSequence
};

struct Interpretation {
  enum class Layout : std::uint8_t {
    kFixed,
    kCounted,
    kPointerArray,
    kCollectionMember,
    kCollectionPointerArray,
    kCollectionStl,
    kString,
    kCharStar,
    kCharArray,
    kStl,
    kLeafListVar,
  };
  Layout layout = Layout::kFixed;
  Item item;
  std::vector<std::int64_t> inner_shape;  ///< fixed dimensions of each item
  std::size_t entry_stride = 0;  ///< kFixed: bytes per entry (several leaves share an entry)
  std::size_t entry_offset = 0;  ///< kFixed: byte offset of this leaf inside the entry
  std::size_t char_array_size = 0;
  std::shared_ptr<StlNode> stl;  ///< kStl: the container
  bool stl_header = true;        ///< kStl: entries start with a byte count and version
  const BranchModel* count_branch = nullptr;  ///< kCollection{PointerArray,Stl}: the branch of the sizes
  /// kCounted / kCollectionMember: the branch whose values are each entry's number of items; used
  /// only for baskets written without entry offsets (ROOT's kGenerateOffsetMap).
  const BranchModel* size_branch = nullptr;
  std::vector<const LeafModel*> leaf_list;    ///< kLeafListVar: all leaves of the branch
  std::size_t leaf_index = 0;                 ///< kLeafListVar: which leaf to read

  [[nodiscard]] column::DType dtype() const noexcept;
  /// Number of offset levels of the resulting column.
  [[nodiscard]] std::size_t jagged_depth() const noexcept;
};

/// Describes what a branch holds, for listings: ROOT-like type name and a kind.
struct BranchDescription {
  std::string type;  ///< "float", "int32[4][4]", "vector<float>", "char*", "Double32_t", ...
  std::string kind;  ///< "scalar", "fixed-array", "var-array", "string", "leaflist", "stl", "member:...", ...
  bool readable = false;
  std::string unsupported;  ///< why not, when not readable
};

/// Chooses the interpretation of a branch (or of one leaf of a leaf-list when `leaf` is set).
/// Throws Unsupported naming the branch and its type when evclass cannot read it.
[[nodiscard]] Interpretation interpret(const BranchModel& branch, const StreamerRegistry& streamers,
                                       const LeafModel* leaf = nullptr);

/// The description shown by `inspect` (never throws).
[[nodiscard]] BranchDescription describe(const BranchModel& branch, const StreamerRegistry& streamers);

/// The on-disk item of a TLeaf subclass (TLeafI, TLeafF16, ...); false for unknown classes.
[[nodiscard]] bool item_of_leaf(const LeafModel& leaf, Item& out);

/// Parses an STL type name such as "vector<vector<float> >" or "set<string>".
[[nodiscard]] std::shared_ptr<StlNode> parse_stl_type(std::string_view type_name);

}  // namespace evclass::root::detail
