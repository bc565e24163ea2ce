#pragma once
// One decision tree as flat arrays. Node 0 is the root; children always have larger indices
// than their parent (a loaded tree is checked for this, so walking it always ends).
// An internal node sends a row left when x[feature] <= threshold, or when x is NaN and
// default_left is set. Every node has value_size values (meaningful at leaves): the raw score
// of a boosted tree, or class probabilities of a forest tree.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "learn/trees/binning.hpp"

namespace evclass::learn::trees {

struct Tree {
  std::vector<std::int32_t> feature;        ///< -1 at leaves
  std::vector<float> threshold;             ///< left if x <= threshold
  std::vector<std::uint8_t> default_left;   ///< where NaN goes
  std::vector<std::int32_t> left, right;    ///< child indices (-1 at leaves)
  std::vector<float> value;                 ///< n_nodes() × value_size
  std::vector<float> gain;                  ///< the split's gain (0 at leaves), for importances
  std::vector<float> cover;                 ///< the node's training weight (hessian for boosting)
  /// During training only: the split on bins (left if bin <= threshold_bin, missing bin by
  /// default_left). Not saved; empty in loaded trees.
  std::vector<std::uint8_t> threshold_bin;
  int value_size = 1;

  [[nodiscard]] std::size_t n_nodes() const { return feature.size(); }
  [[nodiscard]] bool is_leaf(std::size_t node) const { return feature[node] < 0; }
  [[nodiscard]] std::size_t n_leaves() const;
  [[nodiscard]] int depth() const;
  /// Appends a leaf; returns its index.
  std::int32_t add_node();
  /// Turns a leaf into a split with two new leaf children.
  void split(std::int32_t node, std::int32_t f, float threshold, std::uint8_t bin, bool default_left, float gain);

  /// The leaf a row reaches, from its float features (x[f] for feature f).
  template <typename Get>
  [[nodiscard]] std::size_t leaf_of(const Get& x) const {
    std::size_t n = 0;
    while (feature[n] >= 0) {
      const float v = x(static_cast<std::size_t>(feature[n]));
      const bool go_left = std::isnan(v) ? default_left[n] != 0 : v <= threshold[n];
      n = static_cast<std::size_t>(go_left ? left[n] : right[n]);
    }
    return n;
  }
  /// The leaf a row reaches from its bins (training trees only).
  [[nodiscard]] std::size_t leaf_of_bins(const std::uint8_t* row_bins) const {
    std::size_t n = 0;
    while (feature[n] >= 0) {
      const std::uint8_t b = row_bins[feature[n]];
      const bool go_left = b == kMissingBin ? default_left[n] != 0 : b <= threshold_bin[n];
      n = static_cast<std::size_t>(go_left ? left[n] : right[n]);
    }
    return n;
  }
};

/// The tree as JSON: node arrays as base64 little-endian bytes.
[[nodiscard]] nlohmann::json tree_to_json(const Tree& tree);
/// Rebuilds a tree; checks sizes, child links (each node below the root has exactly one parent,
/// with a smaller index), feature indices < n_features and finite numbers. Throws CorruptFile
/// naming `where`.
[[nodiscard]] Tree tree_from_json(const nlohmann::json& j, std::size_t n_features, int value_size,
                                  const std::string& where);

}  // namespace evclass::learn::trees
