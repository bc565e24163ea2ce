#pragma once
// A small in-memory table of named columns for expression tests.

#include <cmath>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "evclass/column/column.hpp"
#include "evclass/expr/expression.hpp"

namespace evclass::expr::test {

template <class T = double>
column::Column flat(const std::vector<double>& values) {
  column::Column c(column::DTypeOf<T>::value);
  c.data().resize(values.size() * sizeof(T));
  auto out = c.mutable_values<T>();
  for (std::size_t i = 0; i < values.size(); ++i) out[i] = static_cast<T>(values[i]);
  c.set_flat_entries(static_cast<entry_t>(values.size()));
  return c;
}

inline column::Column flat_bool(const std::vector<double>& values) {
  column::Column c = flat<std::uint8_t>(values);
  column::Column b(column::DType::kBool);
  b.data() = c.data();
  b.set_flat_entries(c.entries());
  return b;
}

template <class T = double>
column::Column jagged(const std::vector<std::vector<double>>& lists, column::DType dtype = column::DTypeOf<T>::value) {
  column::Column c(dtype);
  c.mutable_offsets().resize(1);
  auto& off = c.mutable_offsets()[0];
  off.push_back(0);
  std::vector<T> values;
  for (const auto& l : lists) {
    for (double v : l) values.push_back(static_cast<T>(v));
    off.push_back(static_cast<std::int64_t>(values.size()));
  }
  c.data().append(values.data(), values.size() * sizeof(T));
  return c;
}

struct Table {
  std::map<std::string, column::Column> columns;

  void add(const std::string& name, column::Column c) { columns[name] = std::move(c); }

  [[nodiscard]] ColumnLookup lookup() const {
    return [this](std::string_view name) -> const column::Column* {
      auto it = columns.find(std::string(name));
      return it == columns.end() ? nullptr : &it->second;
    };
  }
  [[nodiscard]] KindLookup kinds() const {
    return [this](std::string_view name) -> std::optional<ColumnKind> {
      auto it = columns.find(std::string(name));
      if (it == columns.end()) return std::nullopt;
      return column_kind(it->second, name);
    };
  }
  [[nodiscard]] std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& [k, v] : columns) out.push_back(k);
    return out;
  }
  [[nodiscard]] column::Column eval(const std::string& text, entry_t rows, ParseOptions options = {},
                                    int threads = 1, entry_t first_entry = 0) const {
    return Expression::parse(text, options).evaluate(lookup(), rows, first_entry, core::Context{threads});
  }
};

/// Numbers of a flat result column.
inline std::vector<double> numbers(const column::Column& c) {
  std::vector<double> out;
  for (std::size_t i = 0; i < c.size(); ++i) out.push_back(c.value_as_double(i));
  return out;
}

/// Lists of a jagged result column.
inline std::vector<std::vector<double>> lists(const column::Column& c) {
  std::vector<std::vector<double>> out;
  for (entry_t e = 0; e < c.entries(); ++e) {
    auto [b, f] = c.entry_value_range(e);
    std::vector<double> l;
    for (auto i = b; i < f; ++i) l.push_back(c.value_as_double(i));
    out.push_back(l);
  }
  return out;
}

/// Same value, with NaN equal to NaN.
inline bool same(double a, double b, double tol = 0) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  return std::fabs(a - b) <= tol * std::max(1.0, std::fabs(b));
}

/// Random lists of lengths 0..max_len with values uniform in [lo, hi).
inline std::vector<std::vector<double>> random_lists(std::mt19937_64& rng, std::size_t rows, int max_len, double lo,
                                                     double hi) {
  std::uniform_int_distribution<int> len(0, max_len);
  std::uniform_real_distribution<double> val(lo, hi);
  std::vector<std::vector<double>> out(rows);
  for (auto& l : out) {
    l.resize(static_cast<std::size_t>(len(rng)));
    for (auto& v : l) v = val(rng);
  }
  return out;
}

/// Lists with the same lengths as `shape`, values uniform in [lo, hi).
inline std::vector<std::vector<double>> like(std::mt19937_64& rng, const std::vector<std::vector<double>>& shape,
                                             double lo, double hi) {
  std::uniform_real_distribution<double> val(lo, hi);
  auto out = shape;
  for (auto& l : out)
    for (auto& v : l) v = val(rng);
  return out;
}

}  // namespace evclass::expr::test
