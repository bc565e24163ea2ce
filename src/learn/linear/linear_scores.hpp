#pragma once
// The one loop every linear model runs over a block of rows of a column-major matrix.

#include <algorithm>
#include <cstddef>

#include "evclass/learn/data.hpp"

namespace evclass::learn::linear {

/// z[i] = bias + sum_j coef[j] * x(begin + i, j) for the m rows starting at `begin`.
/// Column by column, so the inner loop is a contiguous multiply-add the compiler vectorises.
inline void linear_scores(const FeatureMatrix& x, const double* coef, double bias, std::size_t begin, std::size_t m,
                          double* z) {
  std::fill(z, z + m, bias);
  for (std::size_t j = 0; j < x.cols; ++j) {
    const double w = coef[j];
    const float* col = x.data.data() + j * x.rows + begin;
    for (std::size_t i = 0; i < m; ++i) z[i] += w * static_cast<double>(col[i]);
  }
}

}  // namespace evclass::learn::linear
