// Kernels on lists: element access, masks, gathers, reductions, sorting and ranking.

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "evclass/core/error.hpp"
#include "expr/kernels.hpp"
#include "expr/scalar_ops.hpp"

namespace evclass::expr::detail {

namespace {

/// Position of element `index` in a list of `length` (negative counts from the end), or -1.
std::int64_t resolve_index(double index, std::int64_t length) {
  if (!(index == index) || std::fabs(index) > 9.0e18) return -1;
  auto k = static_cast<std::int64_t>(index);  // truncates toward zero
  if (k < 0) k += length;
  return (k >= 0 && k < length) ? k : -1;
}

/// Orders NaN after every number in both directions, so the comparison stays a strict weak order.
bool ascending(double a, double b) { return a < b || (a == a && b != b); }
bool descending(double a, double b) { return a > b || (a == a && b != b); }

std::size_t rows_of(const Value& list) { return list.offsets->size() - 1; }

}  // namespace

Value index_element(const Value& x, const Value& index, double missing) {
  const std::size_t rows = rows_of(x);
  Value out = Value::make_scalar(rows);
  const auto& off = *x.offsets;
  for (std::size_t r = 0; r < rows; ++r) {
    const std::int64_t k = resolve_index(index.at_row(r), off[r + 1] - off[r]);
    out.values[r] = k < 0 ? missing : x.values[static_cast<std::size_t>(off[r] + k)];
  }
  return out;
}

Value mask_list(const Value& x, const Value& mask, const BlockInfo& info) {
  check_same_lengths(x, mask, info, "masking x[mask]");
  const std::size_t rows = rows_of(x);
  auto offsets = std::make_shared<BlockOffsets>(rows + 1);
  std::vector<double> values;
  values.reserve(x.values.size());
  (*offsets)[0] = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    for (auto i = (*x.offsets)[r]; i < (*x.offsets)[r + 1]; ++i) {
      const auto e = static_cast<std::size_t>(i);
      if (truthy(mask.values[e])) values.push_back(x.values[e]);
    }
    (*offsets)[r + 1] = static_cast<std::int64_t>(values.size());
  }
  return Value::make_list(std::move(values), std::move(offsets));
}

Value gather_list(const Value& x, const Value& indices, double missing) {
  const std::size_t rows = rows_of(x);
  std::vector<double> values(indices.values.size());
  const auto& xo = *x.offsets;
  const auto& io = *indices.offsets;
  for (std::size_t r = 0; r < rows; ++r) {
    const auto length = xo[r + 1] - xo[r];
    for (auto i = io[r]; i < io[r + 1]; ++i) {
      const std::int64_t k = resolve_index(indices.values[static_cast<std::size_t>(i)], length);
      values[static_cast<std::size_t>(i)] = k < 0 ? missing : x.values[static_cast<std::size_t>(xo[r] + k)];
    }
  }
  return Value::make_list(std::move(values), indices.offsets);
}

Value reduce_list(Func f, const Value& x, double missing) {
  const std::size_t rows = rows_of(x);
  Value out = Value::make_scalar(rows);
  const auto& off = *x.offsets;
  const double* v = x.values.data();
  for (std::size_t r = 0; r < rows; ++r) {
    const auto b = static_cast<std::size_t>(off[r]), e = static_cast<std::size_t>(off[r + 1]);
    const auto n = static_cast<double>(e - b);
    double result = 0;
    switch (f) {
      case Func::kLength: result = n; break;
      case Func::kSum:
        for (std::size_t i = b; i < e; ++i) result += v[i];
        break;
      case Func::kMean: case Func::kStd: {
        if (e == b) {
          result = missing;
          break;
        }
        double sum = 0;
        for (std::size_t i = b; i < e; ++i) sum += v[i];
        const double mean = sum / n;
        if (f == Func::kMean) {
          result = mean;
          break;
        }
        double squares = 0;  // two passes: no cancellation for large values with small spread
        for (std::size_t i = b; i < e; ++i) squares += (v[i] - mean) * (v[i] - mean);
        result = std::sqrt(squares / n);
        break;
      }
      case Func::kAny:
        for (std::size_t i = b; i < e && result == 0; ++i) result = truthy(v[i]) ? 1 : 0;
        break;
      case Func::kAll:
        result = 1;
        for (std::size_t i = b; i < e && result == 1; ++i) result = truthy(v[i]) ? 1 : 0;
        break;
      case Func::kCount:
        for (std::size_t i = b; i < e; ++i) result += truthy(v[i]) ? 1 : 0;
        break;
      case Func::kMin: case Func::kMax: {
        if (e == b) {
          result = missing;
          break;
        }
        result = v[b];
        for (std::size_t i = b + 1; i < e && result == result; ++i) {
          if (v[i] != v[i]) result = v[i];  // NaN propagates, as numpy's min/max do
          else if (f == Func::kMin ? v[i] < result : v[i] > result) result = v[i];
        }
        break;
      }
      default: EVC_ASSERT(false, "not a reduction");
    }
    out.values[r] = result;
  }
  return out;
}

Value sort_list(Func f, const Value& x) {
  const std::size_t rows = rows_of(x);
  const bool desc = f == Func::kSortDesc || f == Func::kArgsortDesc;
  const bool arg = f == Func::kArgsort || f == Func::kArgsortDesc;
  std::vector<double> values(x.values.size());
  std::vector<std::int64_t> order;
  const auto& off = *x.offsets;
  for (std::size_t r = 0; r < rows; ++r) {
    const auto b = off[r], n = off[r + 1] - off[r];
    order.resize(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), std::int64_t{0});
    const double* v = x.values.data() + b;
    std::stable_sort(order.begin(), order.end(), [&](std::int64_t i, std::int64_t j) {
      return desc ? descending(v[i], v[j]) : ascending(v[i], v[j]);
    });
    for (std::int64_t k = 0; k < n; ++k) {
      const auto dst = static_cast<std::size_t>(b + k);
      values[dst] = arg ? static_cast<double>(order[static_cast<std::size_t>(k)]) : v[order[static_cast<std::size_t>(k)]];
    }
  }
  return Value::make_list(std::move(values), x.offsets);
}

Value take_first(const Value& x, const Value& count) {
  const std::size_t rows = rows_of(x);
  auto offsets = std::make_shared<BlockOffsets>(rows + 1);
  std::vector<double> values;
  values.reserve(x.values.size());
  (*offsets)[0] = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    const auto b = (*x.offsets)[r], n = (*x.offsets)[r + 1] - b;
    const double c = count.at_row(r);
    const std::int64_t k = !(c > 0) ? 0 : c >= static_cast<double>(n) ? n : static_cast<std::int64_t>(c);
    values.insert(values.end(), x.values.begin() + b, x.values.begin() + b + k);
    (*offsets)[r + 1] = static_cast<std::int64_t>(values.size());
  }
  return Value::make_list(std::move(values), std::move(offsets));
}

Value at_or_default(const Value& x, const Value& index, const Value& fallback) {
  const std::size_t rows = rows_of(x);
  Value out = Value::make_scalar(rows);
  const auto& off = *x.offsets;
  for (std::size_t r = 0; r < rows; ++r) {
    const std::int64_t k = resolve_index(index.at_row(r), off[r + 1] - off[r]);
    out.values[r] = k < 0 ? fallback.at_row(r) : x.values[static_cast<std::size_t>(off[r] + k)];
  }
  return out;
}

Value by_key_rank(const Value& x, const Value& key, const Value& rank, const BlockInfo& info, std::string_view what) {
  check_same_lengths(x, key, info, what);
  const std::size_t rows = rows_of(x);
  Value out = Value::make_scalar(rows);
  const auto& off = *x.offsets;
  std::vector<std::int64_t> order;
  for (std::size_t r = 0; r < rows; ++r) {
    const auto b = off[r], n = off[r + 1] - b;
    const double want = rank.at_row(r);
    if (!(want >= 0) || want >= static_cast<double>(n)) {
      out.values[r] = info.missing;
      continue;
    }
    const auto k = static_cast<std::int64_t>(want);
    const double* kv = key.values.data() + b;
    order.resize(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), std::int64_t{0});
    // Only the first k+1 positions matter; ties keep the earlier object first.
    std::partial_sort(order.begin(), order.begin() + k + 1, order.end(), [&](std::int64_t i, std::int64_t j) {
      return descending(kv[i], kv[j]) || (!descending(kv[j], kv[i]) && i < j);
    });
    out.values[r] = x.values[static_cast<std::size_t>(b + order[static_cast<std::size_t>(k)])];
  }
  return out;
}

Value choose_lists(const Value& c, const Value& a, const Value& b) {
  const std::size_t rows = rows_of(a);
  auto offsets = std::make_shared<BlockOffsets>(rows + 1);
  std::vector<double> values;
  values.reserve(std::max(a.values.size(), b.values.size()));
  (*offsets)[0] = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    const Value& src = truthy(c.at_row(r)) ? a : b;
    const auto from = (*src.offsets)[r], to = (*src.offsets)[r + 1];
    values.insert(values.end(), src.values.begin() + from, src.values.begin() + to);
    (*offsets)[r + 1] = static_cast<std::int64_t>(values.size());
  }
  return Value::make_list(std::move(values), std::move(offsets));
}

}  // namespace evclass::expr::detail
