#include "evclass/column/table.hpp"

#include <fmt/format.h>

#include "evclass/core/error.hpp"
#include "evclass/core/text.hpp"

namespace evclass::column {

void Table::add(std::string name, Column column) {
  if (find(name)) throw ConfigError(fmt::format("a table cannot hold two columns named '{}'", name));
  const auto n = static_cast<std::size_t>(column.entries());
  if (!columns_.empty() && n != rows_)
    throw ConfigError(fmt::format("column '{}' has {} rows but the table has {}", name, n, rows_));
  rows_ = n;
  names_.push_back(std::move(name));
  columns_.push_back(std::move(column));
}

const Column* Table::find(std::string_view name) const noexcept {
  for (std::size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == name) return &columns_[i];
  return nullptr;
}

const Column& Table::at(std::string_view name) const {
  if (const Column* c = find(name)) return *c;
  const std::string hint = core::did_you_mean(name, names_);
  throw KeyNotFound(fmt::format("no column '{}'{}{}", name, hint.empty() ? "" : "; ", hint));
}

}  // namespace evclass::column
