#pragma once
// Version-free descriptions of a TTree, its branches, leaves and baskets, built from the
// deserialised objects (whatever ROOT version wrote them).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "evclass/core/types.hpp"
#include "root/object.hpp"
#include "root/streamer_info.hpp"

namespace evclass::root::detail {

struct LeafModel {
  std::string class_name;  ///< TLeafI, TLeafF, TLeafElement, ...
  std::string name;
  std::string title;
  std::int32_t fLen = 1;   ///< values per entry (product of fixed dimensions)
  std::int32_t fLenType = 0;
  bool fIsUnsigned = false;
  std::int64_t fMaximum = 0;  ///< for counter leaves: largest count written
  const LeafModel* count = nullptr;  ///< leaf holding this leaf's variable length (x[n])
  const struct BranchModel* count_branch = nullptr;  ///< the branch owning `count`
  std::int32_t fID = -1;   ///< TLeafElement
  std::int32_t fType = 0;  ///< TLeafElement
  std::vector<std::int64_t> dims;  ///< fixed dimensions from the title, without the counter
  FloatRange range;                ///< TLeafF16 / TLeafD32
};

/// A basket stored inside the TTree record: its buffer (key header space included) and offsets.
struct EmbeddedBasket {
  std::string buffer;                  ///< fLast bytes; the entries' data start at fKeylen
  std::int64_t fKeylen = 0;
  std::int64_t fLast = 0;
  bool has_offsets = false;
  std::vector<std::int64_t> offsets;   ///< entry offsets counted from the buffer start
};

struct BasketRef {
  std::int64_t seek = 0;    ///< file offset of the basket's key (0 for embedded baskets)
  std::int32_t bytes = 0;   ///< fBasketBytes
  entry_t first = 0;        ///< first entry
  entry_t last = 0;         ///< one past the last entry
  std::shared_ptr<const EmbeddedBasket> embedded;  ///< set for baskets stored in the TTree record
};

struct BranchModel {
  std::string class_name;  ///< TBranch, TBranchElement, TBranchObject, ...
  std::string name;
  std::string title;
  entry_t fEntries = 0;
  std::int32_t fEntryOffsetLen = 0;
  std::int64_t fTotBytes = 0;
  std::int64_t fZipBytes = 0;
  std::vector<BasketRef> baskets;
  std::vector<std::unique_ptr<LeafModel>> leaves;
  std::vector<std::unique_ptr<BranchModel>> branches;
  BranchModel* parent = nullptr;
  // TBranchElement / TBranchObject
  std::string fClassName, fParentName, fClonesName;
  std::int32_t fClassVersion = 0, fID = -1, fType = 0, fStreamerType = -1, fMaximum = 0;
  std::uint32_t fCheckSum = 0;
  const BranchModel* branch_count = nullptr;   ///< fBranchCount: collection size branch
  const BranchModel* branch_count2 = nullptr;  ///< fBranchCount2: per-element array size branch

  [[nodiscard]] bool has_data() const noexcept { return branches.empty(); }
};

struct TreeModel {
  std::string class_name;
  std::string name;
  std::string title;
  entry_t entries = 0;
  std::vector<std::unique_ptr<BranchModel>> branches;
};

/// Builds the model from a deserialised TTree (or TNtuple, TNtupleD). Throws CorruptFile when
/// basket bookkeeping is inconsistent (entries not increasing, seeks outside the file, ...).
/// The model keeps nothing of the objects, which may be dismantled afterwards.
[[nodiscard]] std::unique_ptr<TreeModel> build_tree_model(const Object& tree, std::int64_t file_size,
                                                          const std::string& file_path, const std::string& tree_path);

/// Fixed dimensions written in a leaf title after the name: "x[3][4]/F" -> {3, 4};
/// a dimension naming a counter ("x[n]") is skipped.
[[nodiscard]] std::vector<std::int64_t> title_dimensions(std::string_view title);

}  // namespace evclass::root::detail
