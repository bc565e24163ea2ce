#pragma once
// The one way evclass runs work in parallel: parallel_for over an index range with an explicit
// thread count, rethrowing the first exception a worker raised (as XGBoost's threading utils do).

#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>

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

}  // namespace evclass::core
