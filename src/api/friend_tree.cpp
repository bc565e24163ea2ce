#include "evclass/api/friend_tree.hpp"

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "evclass/root/file.hpp"

namespace evclass::api {

namespace {

entry_t input_entries(const std::string& path, const std::string& tree) {
  const root::File f = root::File::open(path);
  return f.tree(tree).entries();
}

}  // namespace

FriendTreeWriter::FriendTreeWriter(const std::string& input_path, const std::string& input_tree,
                                   const std::string& out_path, std::string tree_name,
                                   std::vector<root::BranchSpec> branches, root::FileOptions options)
    : input_desc_(fmt::format("tree '{}' of {}", input_tree, input_path)),
      expected_(input_entries(input_path, input_tree)),
      file_(out_path, std::move(options)) {
  tree_ = &file_.add_tree(std::move(tree_name), std::move(branches));
}

void FriendTreeWriter::append(std::span<const column::Column> columns) {
  const entry_t n = columns.empty() ? 0 : columns[0].entries();
  if (tree_->entries() + n > expected_)
    throw Error(fmt::format("friend tree '{}' would get {} entries but {} has {}: a friend needs exactly one entry per "
                            "input entry",
                            tree_->path(), tree_->entries() + n, input_desc_, expected_));
  tree_->append(columns);
}

void FriendTreeWriter::close() {
  if (tree_->entries() != expected_)
    throw Error(fmt::format("friend tree '{}' has {} entries but {} has {}: a friend needs exactly one entry per input "
                            "entry (the file was not written)",
                            tree_->path(), tree_->entries(), input_desc_, expected_));
  file_.close();
}

}  // namespace evclass::api
