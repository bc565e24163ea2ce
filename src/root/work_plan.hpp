#pragma once
// How the threads of one read share its baskets.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace evclass::root::detail {

/// Baskets (tasks, in the caller's order: a target's baskets one after the other) split into one
/// share per thread for core::parallel_shares. Each share is a stretch of neighbouring tasks
/// holding about the same number of bytes, so that a thread writes its own part of the columns,
/// the same part at every read of a batch-by-batch loop (docs/benchmarks.md: two threads taking
/// alternate baskets of one branch compete for the cache lines where their pieces meet). Within a
/// share the largest tasks come first, the rest in the caller's order: a thread that finishes
/// early helps from the back of the others' shares, where what is left is small, so the threads
/// finish close together.
struct WorkPlan {
  std::vector<std::size_t> order;   ///< task indices, share by share
  std::vector<std::size_t> shares;  ///< share s is order[shares[s], shares[s + 1]), which holds
                                    ///< exactly the tasks shares[s] .. shares[s + 1] - 1
};

/// How many of `threads` are worth starting for tasks of these stored bytes: one per 32 KiB at
/// least, so that a small read (a few baskets, a short batch) does not spend more on starting and
/// joining threads than they save; at least one.
[[nodiscard]] int threads_for(std::span<const std::int64_t> bytes, int threads);

/// `bytes` holds each task's size (any measure that orders them by work, e.g. stored bytes). One
/// share (the caller's order unchanged) for one thread; never more shares than tasks.
[[nodiscard]] WorkPlan plan_work(std::span<const std::int64_t> bytes, int threads);

}  // namespace evclass::root::detail
