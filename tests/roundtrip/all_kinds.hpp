#pragma once
// A tree with every branch kind the writer supports, for round-trip tests: each numeric dtype
// as a scalar, a fixed [2][3] array, a counted array x[n] and a std::vector, filled with values
// that differ per entry and item (including empty lists and extreme values).

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "evclass/column/column.hpp"
#include "evclass/root/writer.hpp"

namespace evclass::testing {

inline const std::vector<column::DType>& writable_dtypes() {
  using column::DType;
  static const std::vector<DType> all = {DType::kBool,   DType::kInt8,   DType::kUInt8,  DType::kInt16,
                                         DType::kUInt16, DType::kInt32,  DType::kUInt32, DType::kInt64,
                                         DType::kUInt64, DType::kFloat32, DType::kFloat64};
  return all;
}

/// The value of item `k` of entry `e` for a dtype, spread over its range (extremes included).
/// With `exact_doubles`, 64-bit integers stay within what JSROOT 7.11 reads exactly: below 2^53
/// (it holds values as doubles) and, when negative, above -2^31 (it misreads negative 64-bit
/// integers whose low 32-bit word is below 2^31, e.g. -2^53 + 12345 as -2^53 + 2^32 + 12345).
template <class T>
T sample_value(std::int64_t e, std::int64_t k, bool exact_doubles = false) {
  const std::int64_t x = e * 7 + k * 3;
  if constexpr (std::is_same_v<T, bool>) {
    return (x % 3) == 0;
  } else if constexpr (std::is_floating_point_v<T>) {
    if (x % 97 == 5) return std::numeric_limits<T>::max();
    return static_cast<T>(x) * static_cast<T>(0.37) - static_cast<T>(1000);
  } else {
    if (exact_doubles && sizeof(T) == 8) {
      constexpr std::int64_t kBound = (std::int64_t{1} << 53) - 12345;
      if (x % 89 == 3) return static_cast<T>(std::is_signed_v<T> ? -std::int64_t{2147483647} : 0);
      if (x % 89 == 4) return static_cast<T>(kBound);
    }
    if (x % 89 == 3) return std::numeric_limits<T>::min();
    if (x % 89 == 4) return std::numeric_limits<T>::max();
    return static_cast<T>(x % 120 - (std::is_signed_v<T> ? 60 : 0));
  }
}

inline std::vector<root::BranchSpec> all_kinds_specs() {
  std::vector<root::BranchSpec> specs;
  specs.push_back(root::BranchSpec::scalar("n", column::DType::kInt32));
  for (const auto t : writable_dtypes()) {
    const std::string name(column::dtype_name(t));
    specs.push_back(root::BranchSpec::scalar("s_" + name, t));
    specs.push_back(root::BranchSpec::fixed_array("a_" + name, t, {2, 3}));
    specs.push_back(root::BranchSpec::counted("c_" + name, t, "n"));
    specs.push_back(root::BranchSpec::vector("v_" + name, t));
  }
  return specs;
}

/// Items in the counted array and the vector of entry e.
inline std::int64_t counted_items(std::int64_t e) { return e % 5; }
inline std::int64_t vector_items(std::int64_t e) { return (e * 3) % 7; }

/// Columns for entries [first, first + n), in the order of all_kinds_specs().
inline std::vector<column::Column> all_kinds_batch(std::int64_t first, std::int64_t n, bool exact_doubles = false) {
  using column::Column;
  std::vector<Column> cols;
  {
    Column c(column::DType::kInt32);
    c.data().resize(static_cast<std::size_t>(n) * 4);
    auto v = c.mutable_values<std::int32_t>();
    for (std::int64_t i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(counted_items(first + i));
    cols.push_back(std::move(c));
  }
  for (const auto t : writable_dtypes()) {
    column::visit_numeric(t, [&](auto tag) {
      using S = decltype(tag);  // storage type (bool is stored as uint8)
      const auto value = [&](std::int64_t e, std::int64_t k) -> S {
        if (t == column::DType::kBool) return static_cast<S>(sample_value<bool>(e, k));
        return sample_value<S>(e, k, exact_doubles);
      };
      const auto make = [&](auto items_of, std::int64_t width, bool jagged, std::vector<std::int64_t> shape) {
        Column c(t);
        column::Offsets off{0};
        std::vector<S> vals;
        for (std::int64_t i = 0; i < n; ++i) {
          const std::int64_t items = items_of(first + i);
          for (std::int64_t k = 0; k < items * width; ++k) vals.push_back(value(first + i, k));
          off.push_back(off.back() + items);
        }
        c.data().resize(vals.size() * sizeof(S));
        if (!vals.empty()) std::memcpy(c.data().data(), vals.data(), vals.size() * sizeof(S));
        if (jagged) c.mutable_offsets().push_back(std::move(off));
        c.set_inner_shape(std::move(shape));
        return c;
      };
      cols.push_back(make([](std::int64_t) { return std::int64_t{1}; }, 1, false, {}));
      cols.push_back(make([](std::int64_t) { return std::int64_t{1}; }, 6, false, {2, 3}));
      cols.push_back(make(counted_items, 1, true, {}));
      cols.push_back(make(vector_items, 1, true, {}));
    });
  }
  return cols;
}

}  // namespace evclass::testing
