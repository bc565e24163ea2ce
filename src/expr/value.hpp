#pragma once
// What one node yields for one block of rows: a constant, one number per row, or a list per row
// (flat values plus offsets). Lists share their offsets so list-with-list operations on the same
// collection can skip the length check.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "evclass/core/types.hpp"

namespace evclass::expr::detail {

using BlockOffsets = std::vector<std::int64_t>;

struct Value {
  enum class Shape { kConstant, kScalar, kList };
  Shape shape = Shape::kConstant;
  double constant = 0;
  std::vector<double> values;                   // kScalar: one per row; kList: all elements
  std::shared_ptr<const BlockOffsets> offsets;  // kList: rows + 1, starting at 0

  [[nodiscard]] bool is_list() const noexcept { return shape == Shape::kList; }
  /// Number of elements of row r (kList only).
  [[nodiscard]] std::int64_t length(std::size_t r) const noexcept { return (*offsets)[r + 1] - (*offsets)[r]; }
  /// The number of row r (kConstant or kScalar).
  [[nodiscard]] double at_row(std::size_t r) const noexcept {
    return shape == Shape::kConstant ? constant : values[r];
  }

  static Value make_constant(double v) {
    Value out;
    out.constant = v;
    return out;
  }
  static Value make_scalar(std::size_t rows) {
    Value out;
    out.shape = Shape::kScalar;
    out.values.resize(rows);
    return out;
  }
  static Value make_list(std::vector<double> values, std::shared_ptr<const BlockOffsets> offsets) {
    Value out;
    out.shape = Shape::kList;
    out.values = std::move(values);
    out.offsets = std::move(offsets);
    return out;
  }
};

/// Where a block is and how to report problems in it.
struct BlockInfo {
  std::size_t rows = 0;        // rows in this block
  entry_t first_entry = 0;     // entry number of the block's first row
  double missing = 0;          // value of a missing element (NaN or 0)
  const std::string* text = nullptr;  // the expression, for messages
};

}  // namespace evclass::expr::detail
