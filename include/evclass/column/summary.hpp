#pragma once
// Summary statistics of a column in the layout of ../shared/data/root/*.ref.json:
// values flattened in entry order, summed one by one as double.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "evclass/column/column.hpp"

namespace evclass::column {

struct Summary {
  entry_t entries = 0;
  bool is_string = false;
  std::size_t n_values = 0;  ///< numbers, or strings for string columns
  double sum = 0;
  std::optional<double> min, max;
  std::vector<double> first5;
  std::vector<std::string> first5_strings;
};

[[nodiscard]] Summary summarize(const Column& c);

/// Summary of several columns' values interleaved entry by entry (a leaf-list read as a whole:
/// entry 0 of every leaf, then entry 1 of every leaf, ...).
[[nodiscard]] Summary summarize_interleaved(const std::vector<const Column*>& columns);

}  // namespace evclass::column
