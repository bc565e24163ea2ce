#pragma once
// A trained tree ensemble as plain data, and its compiled form for fast prediction.
// raw[k] = base[k] + sum over trees of the tree's leaf values added at the tree's output slot,
// then the link turns raw sums into probabilities:
//   logistic: binary P(1) = sigmoid(scale * raw[0]); multi-class softmax(scale * raw)
//   mean:     raw / n_trees (forests: averaged leaf probabilities; binary holds P(1) only)

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evclass/core/parallel.hpp"
#include "evclass/learn/data.hpp"
#include "learn/trees/tree.hpp"

namespace evclass::learn::trees {

enum class Link { logistic, mean };

struct Ensemble {
  int n_classes = 2;
  std::size_t n_features = 0;
  Link link = Link::logistic;
  double scale = 1.0;                 ///< logistic link: raw sums are multiplied by this first
  std::vector<double> base;           ///< one per raw output
  std::vector<Tree> trees;
  std::vector<std::int32_t> tree_output;  ///< first raw output each tree adds to

  /// Raw outputs per row: 1 for binary, n_classes otherwise.
  [[nodiscard]] std::size_t n_raw() const { return n_classes == 2 ? 1 : static_cast<std::size_t>(n_classes); }
  void add_tree(Tree tree, std::int32_t output);
};

[[nodiscard]] nlohmann::json ensemble_to_json(const Ensemble& e);
/// Checks every tree and field; throws CorruptFile naming `where`.
[[nodiscard]] Ensemble ensemble_from_json(const nlohmann::json& j, int n_classes, std::size_t n_features,
                                          const std::string& where);

/// The ensemble flattened for prediction: all nodes in one array, rows scored in blocks that
/// are transposed to row-major once, shallow trees walked by several rows in lock-step without
/// branches (leaves point to themselves).
class CompiledEnsemble {
 public:
  CompiledEnsemble() = default;
  explicit CompiledEnsemble(const Ensemble& e);

  /// Probabilities: rows × n_outputs (binary: P(class 1)), row-major.
  void predict(const FeatureMatrix& x, std::span<float> out, const core::Context& ctx) const;
  /// Raw sums (before the link) of rows [begin, begin + m): m × n_raw, row-major.
  void predict_raw(const FeatureMatrix& x, std::size_t begin, std::size_t m, double* raw) const;

 private:
  // 16 bytes: children are stored next to each other (right = left + 1), so one index is enough.
  // A leaf is its own left child with threshold +inf and NaN sent left, so walking past a leaf
  // stays on it and rows can be walked in lock-step.
  struct Node {
    float threshold;
    std::uint32_t feature;  ///< bit 31: NaN goes left
    std::int32_t left;
    std::int32_t value;     ///< leaves: index of the leaf's values in values_
  };
  static constexpr std::uint32_t kDefaultLeft = 1u << 31;
  struct TreeInfo {
    std::int32_t root;      ///< index of the root in nodes_
    std::int32_t depth;
    std::int32_t output;
    std::int32_t value_size;
  };
  std::vector<Node> nodes_;
  std::vector<float> values_;
  std::vector<TreeInfo> trees_;
  std::vector<double> base_;
  Link link_ = Link::logistic;
  double scale_ = 1.0;
  int n_classes_ = 2;
  std::size_t n_features_ = 0;
};

}  // namespace evclass::learn::trees
