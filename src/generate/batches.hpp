#pragma once
// Parallel generation in batches with output in batch order.
//
// A sample is cut into batches of kBatchEvents events. Each batch draws from its own random
// streams (seeded from seed, sample and batch index), so its events do not depend on which thread
// made it or when. Batches are made a few at a time in parallel and handed to `consume` in batch
// order, so memory stays bounded (a few batches) whatever the sample size.

#include <algorithm>
#include <cstdint>
#include <future>
#include <utility>
#include <vector>

#include "evclass/core/parallel.hpp"

namespace evclass::generate::detail {

/// Events per batch: 5-10 MB of columns; small enough that modest samples still spread over all
/// threads, large enough to amortise the per-batch work.
inline constexpr std::int64_t kBatchEvents = 10'000;
/// Batches generated at once, at most (with the wave being written, this bounds memory on
/// many-core machines).
inline constexpr int kMaxBatchesInFlight = 16;

[[nodiscard]] inline std::int64_t batch_count(std::int64_t events) { return (events + kBatchEvents - 1) / kBatchEvents; }

/// Events in batch `batch` of a sample of `events` events.
[[nodiscard]] inline std::int64_t events_in_batch(std::int64_t events, std::int64_t batch) {
  return std::min(kBatchEvents, events - batch * kBatchEvents);
}

/// Calls make(batch_index, Batch&) for every batch, a wave of batches at a time in parallel, and
/// consume(batch_index, Batch&) for every batch in increasing batch order on one other thread, so
/// that writing one wave overlaps with generating the next.
template <class Batch, class Make, class Consume>
void run_in_batches(std::int64_t batches, int threads, Make&& make, Consume&& consume) {
  const core::Context ctx{threads};
  const std::int64_t in_flight = std::min<std::int64_t>(2 * ctx.resolved_threads(), kMaxBatchesInFlight);
  std::vector<Batch> generating, writing;
  std::future<void> written;  // the consumer of the previous wave
  for (std::int64_t first = 0; first < batches; first += in_flight) {
    const std::int64_t count = std::min(in_flight, batches - first);
    generating.clear();
    generating.resize(static_cast<std::size_t>(count));
    core::parallel_for(static_cast<std::size_t>(count), ctx, [&](std::size_t i) {
      make(first + static_cast<std::int64_t>(i), generating[i]);
    });
    if (written.valid()) written.get();  // rethrows what the consumer threw
    std::swap(generating, writing);
    written = std::async(std::launch::async, [&consume, &writing, first] {
      for (std::size_t i = 0; i < writing.size(); ++i) consume(first + static_cast<std::int64_t>(i), writing[i]);
    });
  }
  if (written.valid()) written.get();
}

}  // namespace evclass::generate::detail
