#pragma once
// Loss and gradient of a network over a set of rows (a mini-batch, or every row for lbfgs), in
// parallel and deterministically: the rows are cut into a number of groups that depends only on
// how many rows there are (never on the thread count); one thread sums a group's gradient in row
// order and the groups' sums are kept apart, to be added in group order by the optimiser. So a
// model is bit-identical for any number of threads. Private to learn.

#include <cstddef>
#include <span>
#include <vector>

#include "evclass/core/parallel.hpp"
#include "learn/nn/network.hpp"
#include "learn/nn/training_rows.hpp"

namespace evclass::learn::nn {

class BatchGradient {
 public:
  /// Rows per block of the forward/backward passes (sized to stay in the L2 cache).
  static constexpr std::size_t kBlockRows = 128;

  /// For runs over at most `max_rows` rows.
  BatchGradient(const Shape& shape, MlpActivation f, std::size_t max_rows, bool with_dropout);

  /// Over rows.row(index[i]): returns sum_i s_i * l_i (s = rows.weights) and leaves in
  /// partials() the gradient of sum_i s_i * l_i / normaliser (without the L2 term).
  /// `transposed` is transpose_coefs(params); `dropout` may be null. The position of a row in
  /// `index` is its position in the batch (for the dropout masks). The result does not depend on
  /// ctx's thread count.
  double run(const Rows& rows, std::span<const std::size_t> index, const float* params, const float* transposed,
             double normaliser, const Dropout* dropout, const core::Context& ctx);

  /// One flat gradient buffer per group of the last run, to be added in this order.
  [[nodiscard]] std::span<const float* const> partials() const { return partials_; }

 private:
  struct Group {
    Workspace<float> ws;
    std::vector<float> grad;
    std::vector<std::int32_t> labels;
    std::vector<double> weights;
    std::vector<float> scale;
  };
  [[nodiscard]] std::size_t groups_for(std::size_t rows) const;

  const Shape& shape_;
  MlpActivation activation_;
  std::size_t max_groups_;
  std::vector<Group> groups_;
  std::vector<const float*> partials_;
};

/// The early-stopping score: sum of the weights of the rows rows.row(index[i]) whose predicted
/// class (P(1) > 0.5 for binary, the first most probable class otherwise) is their label, over
/// the sum of their weights. With unit weights, scikit-learn's accuracy.
[[nodiscard]] double weighted_accuracy(const Shape& shape, MlpActivation f, const float* params, const Rows& rows,
                                       std::span<const std::size_t> index, const core::Context& ctx);

}  // namespace evclass::learn::nn
