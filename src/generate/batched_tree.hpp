#pragma once
// Filling a generated tree batch by batch: every batch of kBatchEntries entries draws from its own
// random stream (seed, sample, batch index), batches run in parallel waves of one batch per thread,
// and they are appended in batch order. The output therefore does not depend on the thread count,
// and memory holds one wave of batches whatever the number of entries.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "evclass/column/column.hpp"
#include "evclass/core/parallel.hpp"
#include "evclass/root/writer.hpp"
#include "generate/event_rng.hpp"

namespace evclass::generate::mc {

inline constexpr std::int64_t kBatchEntries = 16384;

/// One column per branch spec, sized for `rows` entries; the generator writes values in place.
class ColumnBatch {
 public:
  ColumnBatch(const std::vector<root::BranchSpec>& specs, std::size_t rows) {
    columns_.reserve(specs.size());
    for (const auto& spec : specs) {
      column::Column c(spec.dtype);
      c.data().resize(rows * column::dtype_size(spec.dtype));
      columns_.push_back(std::move(c));
    }
  }
  template <class T>
  [[nodiscard]] std::span<T> values(std::size_t branch) noexcept {
    return columns_[branch].mutable_values<T>();
  }
  [[nodiscard]] const std::vector<column::Column>& columns() const noexcept { return columns_; }

 private:
  std::vector<column::Column> columns_;
};

/// Fills one batch: `first_entry` is the tree entry of the batch's first row.
using FillBatch = std::function<void(Rng& rng, std::int64_t first_entry, ColumnBatch& batch)>;

/// Appends `entries` generated entries to `tree` (whose branches are `specs`).
inline void write_batched(root::TreeWriter& tree, const std::vector<root::BranchSpec>& specs, std::int64_t entries,
                          std::uint64_t seed, std::uint64_t sample, int threads, const FillBatch& fill) {
  const std::int64_t batches = (entries + kBatchEntries - 1) / kBatchEntries;
  const core::Context ctx{threads};
  const std::int64_t wave = ctx.resolved_threads();
  for (std::int64_t start = 0; start < batches; start += wave) {
    const auto in_wave = static_cast<std::size_t>(std::min(wave, batches - start));
    std::vector<std::optional<ColumnBatch>> done(in_wave);
    core::parallel_for(in_wave, ctx, [&](std::size_t i) {
      const std::int64_t batch = start + static_cast<std::int64_t>(i);
      const std::int64_t first = batch * kBatchEntries;
      const std::int64_t rows = std::min(kBatchEntries, entries - first);
      Rng rng(seed, sample, static_cast<std::uint64_t>(batch));
      ColumnBatch columns(specs, static_cast<std::size_t>(rows));
      fill(rng, first, columns);
      done[i].emplace(std::move(columns));
    });
    for (const auto& columns : done) tree.append(columns->columns());
  }
}

}  // namespace evclass::generate::mc
