#include "root/work_plan.hpp"

#include <algorithm>
#include <numeric>

namespace evclass::root::detail {

namespace {
// Tasks each share puts first, largest first.
constexpr std::size_t kLargestFirst = 8;
// Stored bytes below which one more thread costs more to start and join than it saves: at 0.3 to
// 3 GB/s of decompression, 32 KiB is 10 to 100 us of work, against several microseconds for
// setting up, starting and joining the threads of a read on two cores (docs/benchmarks.md).
constexpr std::int64_t kBytesPerThread = 32 * 1024;
}  // namespace

int threads_for(std::span<const std::int64_t> bytes, int threads) {
  std::int64_t total = 0;
  for (const auto b : bytes) total += std::max<std::int64_t>(0, b);
  return static_cast<int>(std::clamp<std::int64_t>(total / kBytesPerThread, 1, std::max(threads, 1)));
}

WorkPlan plan_work(std::span<const std::int64_t> bytes, int threads) {
  WorkPlan plan;
  const std::size_t n = bytes.size();
  plan.order.resize(n);
  std::iota(plan.order.begin(), plan.order.end(), std::size_t{0});
  plan.shares.push_back(0);
  if (n == 0) {
    plan.shares.push_back(0);  // one empty share
    return plan;
  }
  const std::size_t count = std::clamp<std::size_t>(static_cast<std::size_t>(std::max(threads, 1)), 1, n);

  // Share s ends at the first task where the running total reaches s + 1 parts of the whole;
  // every share keeps at least one task.
  double total = 0;
  for (const auto b : bytes) total += static_cast<double>(std::max<std::int64_t>(0, b));
  double sum = 0;
  for (std::size_t k = 0; k < n && plan.shares.size() < count; ++k) {
    sum += static_cast<double>(std::max<std::int64_t>(0, bytes[k]));
    const std::size_t s = plan.shares.size();  // the share being filled, 1-based
    const bool reached = sum >= total * static_cast<double>(s) / static_cast<double>(count);
    const bool leave_enough = n - (k + 1) >= count - s;  // one task at least for each share after
    if ((reached || n - (k + 1) == count - s) && leave_enough) plan.shares.push_back(k + 1);
  }
  plan.shares.push_back(n);
  if (count == 1) return plan;

  for (std::size_t s = 0; s + 1 < plan.shares.size(); ++s) {
    const auto begin = plan.order.begin() + static_cast<std::ptrdiff_t>(plan.shares[s]);
    const auto end = plan.order.begin() + static_cast<std::ptrdiff_t>(plan.shares[s + 1]);
    const auto first = begin + std::min<std::ptrdiff_t>(end - begin, kLargestFirst);
    std::partial_sort(begin, first, end,
                      [&](std::size_t a, std::size_t b) { return bytes[a] != bytes[b] ? bytes[a] > bytes[b] : a < b; });
    std::sort(first, end);  // partial_sort leaves the rest in no particular order
  }
  return plan;
}

}  // namespace evclass::root::detail
