#include "evclass/column/summary.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace evclass::column {

namespace {

class Accumulator {
 public:
  void add(double v) {
    sum_.sum += v;
    // The first value starts min and max; later ones replace them only when smaller or larger,
    // so a NaN is skipped unless it comes first (as the JavaScript reference does).
    if (!sum_.min) {
      sum_.min = sum_.max = v;
    } else {
      if (v < *sum_.min) sum_.min = v;
      if (v > *sum_.max) sum_.max = v;
    }
    if (sum_.first5.size() < 5) sum_.first5.push_back(v);
    ++sum_.n_values;
  }
  void add(std::string_view s) {
    if (sum_.first5_strings.size() < 5) sum_.first5_strings.emplace_back(s);
    ++sum_.n_values;
  }
  Summary& result() { return sum_; }

 private:
  Summary sum_;
};

void add_range(Accumulator& acc, const Column& c, std::size_t first, std::size_t last) {
  if (c.is_string()) {
    for (std::size_t i = first; i < last; ++i) acc.add(c.string_at(i));
    return;
  }
  visit_numeric(c.dtype(), [&](auto zero) {
    using T = decltype(zero);
    auto v = c.values<T>();
    for (std::size_t i = first; i < last; ++i) acc.add(static_cast<double>(v[i]));
  });
}

}  // namespace

Summary summarize(const Column& c) {
  Accumulator acc;
  add_range(acc, c, 0, c.size());
  Summary s = std::move(acc.result());
  s.entries = c.entries();
  s.is_string = c.is_string();
  return s;
}

Summary summarize_interleaved(const std::vector<const Column*>& columns) {
  Accumulator acc;
  entry_t n = 0;
  for (const auto* c : columns) n = std::max(n, c->entries());
  for (entry_t e = 0; e < n; ++e)
    for (const auto* c : columns) {
      if (e >= c->entries()) continue;
      auto [first, last] = c->entry_value_range(e);
      if (c->is_string() && c->offsets().empty()) {
        first = static_cast<std::size_t>(e);
        last = first + 1;
      }
      add_range(acc, *c, first, last);
    }
  Summary s = std::move(acc.result());
  s.entries = n;
  return s;
}

}  // namespace evclass::column
