#pragma once
// The order in which the threads of one read take its baskets.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace evclass::root::detail {

/// Baskets (tasks, in the caller's order: a target's baskets one after the other) arranged for
/// the threads. The largest go first, one at a time, so that the threads finish close together
/// (left for last, one large basket keeps the others waiting). The rest stay in the caller's
/// order and are handed out in runs of neighbours: two threads decoding neighbouring baskets of
/// one branch at the same time write the two ends of the same cache lines of its column and
/// compete for them, which on two threads cost 4 to 6 % of a read of vector branches
/// (docs/benchmarks.md).
struct WorkPlan {
  std::vector<std::size_t> order;  ///< task indices
  std::vector<std::size_t> runs;   ///< run r is order[runs[r], runs[r + 1]); runs.back() == order.size()
};

/// `bytes` holds each task's size (any measure that orders them by work, e.g. stored bytes).
[[nodiscard]] WorkPlan plan_work(std::span<const std::int64_t> bytes, int threads);

}  // namespace evclass::root::detail
