#include "evclass/core/parallel.hpp"

#include <omp.h>

#include <atomic>
#include <thread>

namespace evclass::core {

int hardware_threads() {
  int n = omp_get_num_procs();
  return n > 0 ? n : 1;
}

int Context::resolved_threads() const { return threads > 0 ? threads : hardware_threads(); }

void parallel_for(std::size_t n, const Context& ctx, const std::function<void(std::size_t)>& fn) {
  if (n == 0) return;
  const int threads = static_cast<int>(std::min<std::size_t>(n, static_cast<std::size_t>(ctx.resolved_threads())));
  if (threads <= 1) {
    for (std::size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::exception_ptr first_error;
  std::mutex error_mutex;
  std::atomic<bool> failed{false};
  const auto count = static_cast<long long>(n);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
  for (long long i = 0; i < count; ++i) {
    if (failed.load(std::memory_order_relaxed)) continue;
    try {
      fn(static_cast<std::size_t>(i));
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!first_error) first_error = std::current_exception();
      failed.store(true, std::memory_order_relaxed);
    }
  }
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace evclass::core
