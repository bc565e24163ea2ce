#pragma once
// A TTree's branches and columnar reading of their values.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "evclass/column/column.hpp"
#include "evclass/core/types.hpp"

namespace evclass::root {

namespace detail {
class FileImpl;
struct TreeModel;
struct BranchModel;
struct LeafModel;
}  // namespace detail

/// Options for reading columns.
struct ReadOptions {
  int threads = 0;  ///< threads decompressing and decoding baskets; 0 means all cores
};

/// Entries [start, stop) to read; stop < 0 means to the end of the tree.
struct EntryRange {
  entry_t start = 0;
  entry_t stop = -1;
};

/// One leaf of a leaf-list branch ("x/D:y/I:z/B"), readable as "branch.leaf".
struct LeafInfo {
  std::string name;
  std::string type;
  bool readable = false;
};

/// What `inspect` shows about a branch.
struct BranchInfo {
  std::string name;        ///< ROOT's branch name, e.g. "Jet_pt", "fTracks.fPx", "fMatrix[4][4]"
  std::string path;        ///< names from the top-level branch down, joined by '/': unique in the tree
  std::string parent;      ///< name of the enclosing branch ("" at top level)
  int depth = 0;           ///< 0 for top-level branches
  std::string class_name;  ///< TBranch, TBranchElement, TBranchObject
  std::string type;        ///< "float", "int32[4][4]", "float[nJet]", "vector<float>", "char*", ...
  std::string kind;        ///< "scalar", "fixed-array", "var-array", "string", "leaflist", "stl", "member:...", ...
  bool has_data = false;   ///< leaf-level: the branch itself holds entries (no sub-branches)
  bool readable = false;   ///< evclass can read it into a column
  std::string unsupported; ///< why not, when not readable
  column::DType dtype = column::DType::kFloat64;
  std::vector<LeafInfo> leaves;  ///< leaf-lists only
  entry_t entries = 0;
  std::int32_t baskets = 0;
  std::int64_t compressed_bytes = 0;    ///< fZipBytes
  std::int64_t uncompressed_bytes = 0;  ///< fTotBytes
};

class Tree;

/// Branches looked up once, for reading many entry ranges of them (batch after batch): the names
/// are resolved and each branch's interpretation chosen when the selection is made, so a read
/// goes straight to the baskets. A tree with a thousand branches spends a noticeable part of each
/// batch on those look-ups otherwise. Made by Tree::select(); belongs to that tree (and its copies).
class BranchSelection {
 public:
  BranchSelection() = default;
  /// The number of branches selected, one column each when read.
  [[nodiscard]] std::size_t size() const noexcept;

 private:
  friend class Tree;
  struct Plan;
  std::shared_ptr<const Plan> plan_;
};

class Tree {
 public:
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  [[nodiscard]] int cycle() const noexcept { return cycle_; }
  [[nodiscard]] const std::string& name() const noexcept;
  [[nodiscard]] const std::string& title() const noexcept;
  [[nodiscard]] const std::string& class_name() const noexcept;
  [[nodiscard]] entry_t entries() const noexcept;

  /// All branches, depth first (parents before their sub-branches).
  [[nodiscard]] const std::vector<BranchInfo>& branches() const noexcept { return infos_; }
  /// A branch by path ("parent/child") or by name when no other branch has that name; throws
  /// KeyNotFound listing the closest names, or the paths of all branches an ambiguous name fits.
  [[nodiscard]] const BranchInfo& branch(std::string_view name) const;
  [[nodiscard]] bool has_branch(std::string_view name) const noexcept;

  /// Reads one branch (by path or unambiguous name; one leaf of a leaf-list as "branch.leaf")
  /// into a column.
  [[nodiscard]] column::Column read(std::string_view name, EntryRange range = {}, ReadOptions options = {}) const;
  /// Reads the branch `info` describes (an element of branches(); always unambiguous, even in the
  /// rare files where two branches share a path).
  [[nodiscard]] column::Column read(const BranchInfo& info, EntryRange range = {}, ReadOptions options = {}) const;
  /// Reads one leaf of a leaf-list branch.
  [[nodiscard]] column::Column read_leaf(const BranchInfo& info, std::string_view leaf, EntryRange range = {},
                                         ReadOptions options = {}) const;
  /// Reads several branches at once; baskets of all of them are decompressed and decoded in parallel.
  [[nodiscard]] std::vector<column::Column> read(const std::vector<std::string>& names, EntryRange range = {},
                                                 ReadOptions options = {}) const;

  /// Reads several branches like read(), into `columns` (resized to one per name), reusing the
  /// memory they hold: reading a tree batch by batch this way touches no fresh memory after the
  /// first batch (fresh pages cost the kernel a page fault and zeroing each).
  void read_into(const std::vector<std::string>& names, std::vector<column::Column>& columns, EntryRange range = {},
                 ReadOptions options = {}) const;

  /// Looks up branches (names as for read()) once, to read them batch after batch with the
  /// overloads below; throws as read() does for a missing, ambiguous or unreadable branch.
  [[nodiscard]] BranchSelection select(const std::vector<std::string>& names) const;
  [[nodiscard]] std::vector<column::Column> read(const BranchSelection& selection, EntryRange range = {},
                                                 ReadOptions options = {}) const;
  void read_into(const BranchSelection& selection, std::vector<column::Column>& columns, EntryRange range = {},
                 ReadOptions options = {}) const;

  /// Compression tags of a branch's baskets with their counts, e.g. "ZL:12 none:1".
  [[nodiscard]] std::string basket_codecs(const BranchInfo& info) const;

 private:
  friend class File;
  friend class BranchSelection;
  Tree(std::shared_ptr<const detail::FileImpl> file, std::shared_ptr<const detail::TreeModel> model, std::string path,
       int cycle);
  struct Target;
  struct OwnedInterpretations;
  [[nodiscard]] Target resolve(std::string_view name, OwnedInterpretations& owned) const;
  [[nodiscard]] Target target(std::size_t index, OwnedInterpretations& owned) const;
  [[nodiscard]] const BranchSelection::Plan& plan_of(const BranchSelection& selection) const;
  void learn_basket_facts(const std::vector<Target>& targets, int threads) const;
  [[nodiscard]] std::vector<column::Column> read_targets(const std::vector<Target>& targets, EntryRange range,
                                                         ReadOptions options,
                                                         std::vector<column::Column>* recycle = nullptr) const;
  [[nodiscard]] std::size_t index_of(std::string_view name) const;

  std::shared_ptr<const detail::FileImpl> file_;
  std::shared_ptr<const detail::TreeModel> model_;
  std::string path_;
  int cycle_ = 0;
  std::vector<BranchInfo> infos_;
  std::vector<const detail::BranchModel*> models_;  ///< parallel to infos_
  /// Each branch's interpretation, worked out once when the tree is opened (none for branches
  /// that have no whole-branch interpretation: resolve() then works it out again and reports why).
  struct Interpretations;
  std::shared_ptr<const Interpretations> interpretations_;
  /// Each branch's basket headers (sizes, capacities), read on the first read of the branch and
  /// kept: later reads (batch after batch) place their baskets without parsing them again.
  struct BasketFactsCache;
  std::shared_ptr<BasketFactsCache> basket_facts_;
  /// Looks names up without building a std::string for each (Tree::read is called per batch).
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  using NameIndex = std::unordered_map<std::string, std::vector<std::size_t>, NameHash, std::equal_to<>>;
  NameIndex by_path_, by_name_;  ///< indices into infos_
};

}  // namespace evclass::root
