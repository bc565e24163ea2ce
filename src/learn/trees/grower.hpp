#pragma once
// Grows one histogram tree on binned rows. Two schedules:
//  - boosting (keep_histograms): a node's histogram is built only for the smaller child of a
//    split; the larger child's is the parent's minus it. Depth-wise growth expands a whole level
//    at once (its nodes' histograms are built in parallel); loss-guided growth expands the open
//    node with the best gain first, up to max_leaves.
//  - forests (!keep_histograms): every node samples its own features and builds histograms of
//    those only, so nothing is kept; nodes are expanded depth-first in parallel batches, which
//    bounds memory for trees of any depth. Small nodes scan only the bins their rows touch.
// The grower decides the structure only; callers set leaf values from each leaf's rows.

#include <cstdint>
#include <span>
#include <vector>

#include "evclass/core/parallel.hpp"
#include "learn/trees/binning.hpp"
#include "learn/trees/common.hpp"
#include "learn/trees/histogram.hpp"
#include "learn/trees/split.hpp"
#include "learn/trees/tree.hpp"

namespace evclass::learn::trees {

struct GrowOptions {
  int max_depth = 6;        ///< 0 = unlimited
  int max_leaves = 0;       ///< 0 = unlimited
  bool lossguide = false;   ///< best-first instead of depth-wise
  double min_split_gain = 0.0;
  double colsample_bylevel = 1.0;  ///< fraction of the tree's features drawn per depth
  double colsample_bynode = 1.0;   ///< fraction of those drawn per node
  int features_per_node = 0;       ///< exact count drawn per node (forests); 0 = use the fraction
  std::size_t min_rows_split = 2;  ///< nodes with fewer rows are not split
  bool keep_histograms = true;     ///< boosting schedule; false = forest schedule
  std::uint64_t seed = 0;          ///< for feature sampling (key with the tree index)
};

/// A grown tree and where each node's rows are: rows[node_begin[n], node_end[n]).
struct GrownTree {
  Tree tree;
  std::vector<std::uint32_t> node_begin, node_end;
  std::vector<Stats> node_total;  ///< the summed channels of each node's rows
};

/// Buffers reused from tree to tree.
class GrowWorkspace {
 public:
  explicit GrowWorkspace(HistShape shape) : pool(shape) {}
  HistPool pool;
  std::vector<std::uint32_t> scratch;  ///< as many entries as rows
  StageTimes* times = nullptr;         ///< where the grower's stages are timed (may be null)
};

/// Grows a tree on `rows` (ascending row indices; reordered so every node's rows are contiguous
/// and ascending). `packed` holds finder.words() words per row (indexed by row). Only
/// `tree_features` (ascending) are considered.
[[nodiscard]] GrownTree grow_tree(const BinnedRows& bins, const BinnedColumns& columns, const BinCuts& cuts,
                                  std::span<std::uint32_t> rows,
                                  const std::int64_t* packed, const SplitFinder& finder,
                                  std::span<const std::uint32_t> tree_features, const GrowOptions& options,
                                  int value_size, std::uint64_t tree_key, GrowWorkspace& workspace,
                                  const core::Context& ctx);

/// `count` (or a `fraction`, at least 1) of `from`, drawn with the generator seeded by key; ascending.
[[nodiscard]] std::vector<std::uint32_t> sample_features(std::span<const std::uint32_t> from, double fraction,
                                                         int count, std::uint64_t key);

}  // namespace evclass::learn::trees
