#pragma once
// Reading one input file (a ROOT tree or a CSV file) block by block through a feature::Plan:
// the plan is checked against the file's columns first (unknown names suggest the closest), then
// only the columns it uses are read, a bounded number of entries at a time.

#include <functional>
#include <string>

#include "evclass/api/config.hpp"
#include "evclass/core/parallel.hpp"
#include "evclass/core/types.hpp"
#include "evclass/feature/plan.hpp"

namespace evclass::api::detail {

struct InputFile {
  std::string path;
  SampleFormat format = SampleFormat::root;
  std::string tree;        ///< ROOT: tree path; "" = the file's only tree
  char csv_delimiter = 0;  ///< CSV: 0 = detect
};

/// Called for each block with the plan's results and the file entry number of the block's row 0.
using BlockFn = std::function<void(const feature::Block&, entry_t first_entry)>;

/// Entries read and computed at a time from ROOT trees (bounds memory on large files).
inline constexpr entry_t kBlockEntries = entry_t{1} << 20;

/// Where the time of a file went: reading its columns, computing the plan (cuts, variables,
/// features, weights) and the caller's handling of the blocks.
struct InputTiming {
  double read_seconds = 0;
  double compute_seconds = 0;
  double consume_seconds = 0;
};

/// Runs the plan over every entry of the file, in order. Returns the number of entries.
entry_t for_each_block(const InputFile& input, const feature::Plan& plan, const core::Context& ctx, const BlockFn& fn,
                       InputTiming* timing = nullptr);

/// The same for a sample's file.
inline entry_t for_each_block(const SampleConfig& sample, const std::string& path, const feature::Plan& plan,
                              const core::Context& ctx, const BlockFn& fn, InputTiming* timing = nullptr) {
  return for_each_block(InputFile{path, sample.format, sample.tree, sample.csv_delimiter}, plan, ctx, fn, timing);
}

/// The tree a sample reads: `tree` when given, else the only tree of the file (an error names
/// the trees when there are several or none).
[[nodiscard]] std::string resolve_tree_path(const std::string& file_path, const std::string& tree);

}  // namespace evclass::api::detail
