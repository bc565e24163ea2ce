#pragma once
// The ways evclass runs work in parallel, each with an explicit thread count and rethrowing the
// first exception a worker raised (as XGBoost's threading utils do): parallel_for over an index
// range, and parallel_shares, where each thread owns a share of the work and helps with the others'.

#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <span>

namespace evclass::core {

/// Execution settings passed explicitly to every parallel algorithm (never global state).
struct Context {
  int threads = 0;  ///< 0 means all cores
  [[nodiscard]] int resolved_threads() const;
};

/// Number of cores available to this process.
[[nodiscard]] int hardware_threads();

/// Calls fn(i) for i in [0, n), dynamically scheduled over ctx's threads. If any call throws,
/// the remaining calls are skipped and the first exception is rethrown in the caller.
void parallel_for(std::size_t n, const Context& ctx, const std::function<void(std::size_t)>& fn);

/// Work on items [0, bounds.back()) split into one share per thread: share t is items
/// [bounds[t], bounds[t + 1]). First every thread t calls prepare(t); then it calls item(i) for
/// its own share's items from the front, and once its share is done, takes the remaining items
/// of the other shares from their back. Every item runs once, and an item of share s only after
/// prepare(0), ..., prepare(s) have returned: a share may use what an earlier share prepared,
/// never what a later one does, and a thread whose share is ready does not wait for the others.
/// The same share goes to the same worker thread from call to call, so a thread that prepares and
/// fills the same memory each time (a column read batch after batch) finds it in its own cache
/// instead of the other core's; taking from the back keeps a helper away from the items the owner
/// is working next to. With one share, or one thread, everything runs in the caller in order. If
/// a call throws, the remaining calls are skipped and the first exception is rethrown.
void parallel_shares(std::span<const std::size_t> bounds, const Context& ctx, const std::function<void(int)>& prepare,
                     const std::function<void(std::size_t)>& item);

}  // namespace evclass::core
