#pragma once
// Named columns of equal length: what a CSV file reads into.

#include <string>
#include <string_view>
#include <vector>

#include "evclass/column/column.hpp"

namespace evclass::column {

class Table {
 public:
  /// Adds a column; throws ConfigError on a duplicate name or a length that differs from the others.
  void add(std::string name, Column column);
  /// The column called `name`, or nullptr.
  [[nodiscard]] const Column* find(std::string_view name) const noexcept;
  /// The column called `name`; throws KeyNotFound naming the closest names.
  [[nodiscard]] const Column& at(std::string_view name) const;
  [[nodiscard]] const std::vector<std::string>& names() const noexcept { return names_; }
  [[nodiscard]] const std::vector<Column>& columns() const noexcept { return columns_; }
  [[nodiscard]] std::size_t rows() const noexcept { return rows_; }

 private:
  std::vector<std::string> names_;
  std::vector<Column> columns_;
  std::size_t rows_ = 0;
};

}  // namespace evclass::column
