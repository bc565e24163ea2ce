#pragma once
// Class-weight histograms for classification trees (random forests, AdaBoost): each row's
// weight goes to its class's channel (class k = channel k; a row count follows the classes when
// min_rows_leaf > 1), as integers. Integer weights (unweighted data, bootstrap multiplicities)
// are kept exactly; other weights are rounded stochastically at a scale of max|w| / levels.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "evclass/core/parallel.hpp"
#include "learn/trees/split.hpp"

namespace evclass::learn::trees {

/// Throws ConfigError (naming `type`) when n_classes do not fit the histogram channels.
void check_class_count(int n_classes, std::string_view type);

struct ClassWeights {
  int words = 1;
  double scale = 1.0;                ///< real weight of one quantised unit
  std::vector<std::int64_t> packed;  ///< rows × words
};

/// Packs weight[r] (0 for rows not used) into class channels of `labels[r]`. `key` seeds the
/// rounding of non-integer weights.
void pack_class_weights(std::span<const double> weights, std::span<const std::int32_t> labels, int n_classes,
                        bool count_rows, std::uint64_t key, ClassWeights& out, const core::Context& ctx);

/// Class fractions of rows[begin, end) from their exact weights (negative class totals count
/// as 0; a leaf with no positive weight gets `fallback`).
void leaf_distribution(std::span<const std::uint32_t> rows, std::span<const double> weights,
                       std::span<const std::int32_t> labels, int n_classes, std::span<const double> fallback,
                       std::span<double> out);

}  // namespace evclass::learn::trees
