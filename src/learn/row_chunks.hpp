#pragma once
// A fixed partition of rows for parallel sums. It depends only on the row count, never on the
// thread count: each chunk's partial sum is computed by one thread in row order and the
// partials are added in chunk order, so results are bit-identical for any number of threads.

#include <algorithm>
#include <cstddef>
#include <utility>

namespace evclass::learn::detail {

class RowChunks {
 public:
  static constexpr std::size_t kBlockRows = 2048;  ///< rows processed together (fits in L1/L2)
  static constexpr std::size_t kMaxChunks = 64;    ///< partial sums kept (bounds memory)

  explicit RowChunks(std::size_t rows)
      : rows_(rows), blocks_((rows + kBlockRows - 1) / kBlockRows), chunks_(std::min(blocks_, kMaxChunks)) {}

  [[nodiscard]] std::size_t count() const { return chunks_; }
  /// Rows [begin, end) of chunk c; boundaries fall on multiples of kBlockRows.
  [[nodiscard]] std::pair<std::size_t, std::size_t> rows(std::size_t c) const {
    const std::size_t first_block = c * blocks_ / chunks_;
    const std::size_t last_block = (c + 1) * blocks_ / chunks_;
    return {first_block * kBlockRows, std::min(rows_, last_block * kBlockRows)};
  }

 private:
  std::size_t rows_;
  std::size_t blocks_;
  std::size_t chunks_;
};

/// sum_i a[i] * double(x[i]) with four interleaved partial sums (a fixed order the compiler can
/// vectorise without -ffast-math).
inline double dot_float(const double* a, const float* x, std::size_t n) {
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += a[i] * static_cast<double>(x[i]);
    s1 += a[i + 1] * static_cast<double>(x[i + 1]);
    s2 += a[i + 2] * static_cast<double>(x[i + 2]);
    s3 += a[i + 3] * static_cast<double>(x[i + 3]);
  }
  for (; i < n; ++i) s0 += a[i] * static_cast<double>(x[i]);
  return (s0 + s1) + (s2 + s3);
}

/// sum_i a[i], in the same fixed order as dot_float.
inline double sum(const double* a, std::size_t n) {
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += a[i];
    s1 += a[i + 1];
    s2 += a[i + 2];
    s3 += a[i + 3];
  }
  for (; i < n; ++i) s0 += a[i];
  return (s0 + s1) + (s2 + s3);
}

}  // namespace evclass::learn::detail
