#pragma once
// A column of values read from a tree or computed from other columns.
//
// Layout (the same idea as Arrow and awkward arrays):
//   values        flat typed content in native byte order (strings: characters)
//   inner_shape   fixed dimensions of each innermost item, e.g. {4, 4} for float[4][4]
//   offsets       zero or more jagged levels, outermost first; level k has one more offset than
//                 it has lists, and its last offset is the number of items of level k+1
//                 (the innermost level counts items, each of prod(inner_shape) values)
//   string offsets for DType::kString: boundaries of each string in the character content
// A flat scalar column has no offsets and an empty inner shape.

#include <algorithm>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "evclass/column/buffer.hpp"
#include "evclass/column/dtype.hpp"
#include "evclass/core/parallel.hpp"
#include "evclass/core/types.hpp"

namespace evclass::column {

/// Offsets of one jagged level (see the layout above); grows without zeroing.
using Offsets = std::vector<std::int64_t, ColumnAllocator<std::int64_t>>;

/// Offsets compare equal to a plain vector holding the same values (for tests and callers).
inline bool operator==(const Offsets& a, const std::vector<std::int64_t>& b) noexcept {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

class Column {
 public:
  Column() = default;
  explicit Column(DType dtype) : dtype_(dtype) {
    if (dtype == DType::kString) string_offsets_.push_back(0);
  }

  [[nodiscard]] DType dtype() const noexcept { return dtype_; }
  [[nodiscard]] bool is_string() const noexcept { return dtype_ == DType::kString; }
  [[nodiscard]] bool is_jagged() const noexcept { return !offsets_.empty(); }
  [[nodiscard]] std::size_t jagged_depth() const noexcept { return offsets_.size(); }

  /// Number of entries (outer rows).
  [[nodiscard]] entry_t entries() const noexcept;
  /// Number of flattened values (for strings: number of strings).
  [[nodiscard]] std::size_t size() const noexcept;
  /// Values per innermost item: product of the inner shape (1 for scalars).
  [[nodiscard]] std::size_t item_width() const noexcept;

  template <class T>
  [[nodiscard]] std::span<const T> values() const noexcept {
    return {reinterpret_cast<const T*>(data_.data()), data_.size() / sizeof(T)};
  }
  template <class T>
  [[nodiscard]] std::span<T> mutable_values() noexcept {
    return {reinterpret_cast<T*>(data_.data()), data_.size() / sizeof(T)};
  }
  [[nodiscard]] double value_as_double(std::size_t i) const noexcept;
  [[nodiscard]] std::string_view string_at(std::size_t i) const noexcept;

  [[nodiscard]] const std::vector<Offsets>& offsets() const noexcept { return offsets_; }
  [[nodiscard]] const std::vector<std::int64_t>& inner_shape() const noexcept { return inner_shape_; }
  [[nodiscard]] const Offsets& string_offsets() const noexcept { return string_offsets_; }

  /// Range of flattened values belonging to entry `e`: [first, last).
  [[nodiscard]] std::pair<std::size_t, std::size_t> entry_value_range(entry_t e) const noexcept;

  // Building (used by readers and by expression evaluation).
  [[nodiscard]] Buffer& data() noexcept { return data_; }
  [[nodiscard]] const Buffer& data() const noexcept { return data_; }
  [[nodiscard]] std::vector<Offsets>& mutable_offsets() noexcept { return offsets_; }
  [[nodiscard]] Offsets& mutable_string_offsets() noexcept { return string_offsets_; }
  void set_inner_shape(std::vector<std::int64_t> shape) { inner_shape_ = std::move(shape); }
  /// For flat columns with zero-sized items the entry count cannot come from the data.
  void set_flat_entries(entry_t n) noexcept { flat_entries_ = n; }

  /// Empties the column for new content of `dtype`, keeping the memory it holds.
  void reset(DType dtype);

  /// Appends `other` (same dtype, depth and shape) after this column's entries.
  void append(const Column& other);

 private:
  DType dtype_ = DType::kFloat64;
  Buffer data_;
  std::vector<Offsets> offsets_;
  std::vector<std::int64_t> inner_shape_;
  Offsets string_offsets_;
  entry_t flat_entries_ = -1;
};

}  // namespace evclass::column

namespace evclass::column {

/// Joins pieces of the same layout end to end with one allocation per buffer, copying the pieces
/// in parallel. `prototype` gives dtype, depth and inner shape when `pieces` is empty.
[[nodiscard]] Column concat(std::vector<Column>&& pieces, const Column& prototype, const core::Context& ctx = {});

}  // namespace evclass::column
