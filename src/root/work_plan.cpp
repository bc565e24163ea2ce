#include "root/work_plan.hpp"

#include <algorithm>
#include <numeric>

namespace evclass::root::detail {

namespace {
// Enough runs per thread for the threads to even out; runs of at most this many baskets.
constexpr std::size_t kRunsPerThread = 32;
constexpr std::size_t kMaxRun = 16;
}  // namespace

WorkPlan plan_work(std::span<const std::int64_t> bytes, int threads) {
  WorkPlan plan;
  const std::size_t n = bytes.size();
  plan.order.resize(n);
  std::iota(plan.order.begin(), plan.order.end(), std::size_t{0});
  plan.runs.push_back(0);
  if (threads <= 1 || n <= 1) {
    if (n > 0) plan.runs.push_back(n);
    return plan;
  }
  const auto t = static_cast<std::size_t>(threads);
  const std::size_t first = std::min(n, 8 * t);
  std::partial_sort(plan.order.begin(), plan.order.begin() + static_cast<std::ptrdiff_t>(first), plan.order.end(),
                    [&](std::size_t a, std::size_t b) { return bytes[a] != bytes[b] ? bytes[a] > bytes[b] : a < b; });
  // partial_sort leaves the rest in no particular order: put it back in the caller's order.
  std::sort(plan.order.begin() + static_cast<std::ptrdiff_t>(first), plan.order.end());
  for (std::size_t k = 1; k <= first; ++k) plan.runs.push_back(k);

  std::int64_t rest = 0;
  for (std::size_t k = first; k < n; ++k) rest += std::max<std::int64_t>(0, bytes[plan.order[k]]);
  const std::int64_t run_bytes = std::max<std::int64_t>(1, rest / static_cast<std::int64_t>(kRunsPerThread * t));
  std::size_t k = first;
  while (k < n) {
    std::size_t end = k;
    std::int64_t taken = 0;
    while (end < n && end - k < kMaxRun && taken < run_bytes) taken += std::max<std::int64_t>(0, bytes[plan.order[end++]]);
    plan.runs.push_back(end);
    k = end;
  }
  return plan;
}

}  // namespace evclass::root::detail
