#include "evclass/core/parallel.hpp"

#include <omp.h>

#include <atomic>
#include <cstdint>
#include <limits>
#include <optional>
#include <thread>
#include <vector>

#include "evclass/core/error.hpp"

namespace evclass::core {

int hardware_threads() {
  int n = omp_get_num_procs();
  return n > 0 ? n : 1;
}

int Context::resolved_threads() const { return threads > 0 ? threads : hardware_threads(); }

namespace {

/// Runs calls made from worker threads, keeping the first exception one of them raised; once one
/// has failed, the calls after it are skipped.
class FirstError {
 public:
  template <class F>
  void run(F&& call) {
    if (failed_.load(std::memory_order_relaxed)) return;
    try {
      call();
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!first_) first_ = std::current_exception();
      failed_.store(true, std::memory_order_relaxed);
    }
  }
  /// In the caller, after the workers have joined.
  void rethrow() const {
    if (first_) std::rethrow_exception(first_);
  }

 private:
  std::exception_ptr first_;
  std::mutex mutex_;
  std::atomic<bool> failed_{false};
};

}  // namespace

void parallel_for(std::size_t n, const Context& ctx, const std::function<void(std::size_t)>& fn) {
  if (n == 0) return;
  const int threads = static_cast<int>(std::min<std::size_t>(n, static_cast<std::size_t>(ctx.resolved_threads())));
  if (threads <= 1) {
    for (std::size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  FirstError errors;
  const auto count = static_cast<long long>(n);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
  for (long long i = 0; i < count; ++i) errors.run([&] { fn(static_cast<std::size_t>(i)); });
  errors.rethrow();
}

namespace {

/// Tells the core that this thread is busy-waiting (on x86 the PAUSE instruction), so that the
/// wait takes little from another hardware thread of the same core.
inline void spin_pause() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#else
  std::this_thread::yield();
#endif
}

/// The items of one share still to be run, taken from the front by the owner and from the back by
/// helpers: [front, back) packed in one atomic word so that both ends move with one
/// compare-and-swap. Padded to its own cache line: the owner takes from it at every item.
struct alignas(64) ShareCursor {
  std::atomic<std::uint64_t> range{0};
  std::atomic<bool> prepared{false};  ///< set (release) once prepare() for the share has returned or thrown

  void set(std::uint32_t front, std::uint32_t back) { range.store(pack(front, back), std::memory_order_relaxed); }
  /// The next item from the front (owner) or the back (helper), or nothing when none is left.
  std::optional<std::uint32_t> take(bool from_front) {
    std::uint64_t r = range.load(std::memory_order_relaxed);
    for (;;) {
      const auto front = static_cast<std::uint32_t>(r), back = static_cast<std::uint32_t>(r >> 32);
      if (front >= back) return std::nullopt;
      const std::uint64_t next = from_front ? pack(front + 1, back) : pack(front, back - 1);
      if (range.compare_exchange_weak(r, next, std::memory_order_relaxed)) return from_front ? front : back - 1;
    }
  }

 private:
  static std::uint64_t pack(std::uint32_t front, std::uint32_t back) { return (std::uint64_t{back} << 32) | front; }
};

}  // namespace

void parallel_shares(std::span<const std::size_t> bounds, const Context& ctx, const std::function<void(int)>& prepare,
                     const std::function<void(std::size_t)>& item) {
  if (bounds.size() < 2) return;
  const int shares = static_cast<int>(bounds.size() - 1);
  EVC_ASSERT(bounds.back() <= std::numeric_limits<std::uint32_t>::max(), "parallel_shares: too many items");
  const int threads = std::min(shares, ctx.resolved_threads());
  if (threads <= 1) {
    for (int t = 0; t < shares; ++t) prepare(t);
    for (std::size_t i = bounds.front(); i < bounds.back(); ++i) item(i);
    return;
  }
  std::vector<ShareCursor> cursors(static_cast<std::size_t>(shares));
  for (int t = 0; t < shares; ++t)
    cursors[static_cast<std::size_t>(t)].set(static_cast<std::uint32_t>(bounds[static_cast<std::size_t>(t)]),
                                             static_cast<std::uint32_t>(bounds[static_cast<std::size_t>(t) + 1]));
  FirstError errors;
#pragma omp parallel num_threads(threads)
  {
    // More shares than threads: thread t owns shares t, t + threads, ...
    const int me = omp_get_thread_num(), team = omp_get_num_threads();
    for (int s = me; s < shares; s += team) {
      errors.run([&] { prepare(s); });
      cursors[static_cast<std::size_t>(s)].prepared.store(true, std::memory_order_release);
    }
    // Instead of a barrier, each share waits only for its own and the earlier shares' preparation
    // (every thread prepares all its shares before it waits on any, so the wait always ends).
    int known_prepared = 0;  // shares [0, known_prepared) are prepared
    auto await_prepared = [&](int s) {
      for (; known_prepared <= s; ++known_prepared)
        while (!cursors[static_cast<std::size_t>(known_prepared)].prepared.load(std::memory_order_acquire))
          spin_pause();
    };
    for (int s = me; s < shares; s += team) {
      await_prepared(s);
      while (auto i = cursors[static_cast<std::size_t>(s)].take(true)) errors.run([&] { item(*i); });
    }
    for (int k = 1; k < shares; ++k) {
      const int s = (me + k) % shares;
      await_prepared(s);
      while (auto i = cursors[static_cast<std::size_t>(s)].take(false)) errors.run([&] { item(*i); });
    }
  }
  errors.rethrow();
}

}  // namespace evclass::core
