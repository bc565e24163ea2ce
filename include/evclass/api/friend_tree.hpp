#pragma once
// Friend trees: new branches (scores, derived variables) for an existing tree, written to their
// own file with exactly one entry per entry of the input tree, in the same order, so that ROOT's
// TTree::AddFriend and uproot pair them with the input by entry number.

#include <span>
#include <string>
#include <vector>

#include "evclass/column/column.hpp"
#include "evclass/core/types.hpp"
#include "evclass/root/writer.hpp"

namespace evclass::api {

class FriendTreeWriter {
 public:
  /// Opens `input_tree` of `input_path` to learn its entry count and starts `out_path` with a tree
  /// `tree_name` of the given branches. Throws if the input cannot be read.
  FriendTreeWriter(const std::string& input_path, const std::string& input_tree, const std::string& out_path,
                   std::string tree_name, std::vector<root::BranchSpec> branches, root::FileOptions options = {});

  /// Appends the values of the next entries (one column per branch). Throws Error, naming both
  /// trees, if they would go beyond the input's entries.
  void append(std::span<const column::Column> columns);
  /// Writes the file. Throws Error (and leaves no file) unless every input entry has its values.
  void close();

  [[nodiscard]] entry_t expected_entries() const noexcept { return expected_; }
  [[nodiscard]] entry_t entries() const noexcept { return tree_->entries(); }

 private:
  std::string input_desc_;
  entry_t expected_ = 0;
  root::FileWriter file_;
  root::TreeWriter* tree_ = nullptr;
};

}  // namespace evclass::api
