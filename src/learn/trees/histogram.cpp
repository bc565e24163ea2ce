// The hot loops of tree training. Row-major bins are loaded four at a time (one 32-bit load
// instead of four byte loads measured 3x faster on this loop), and a row's words are added to
// each feature's slot for its bin.

#include "learn/trees/histogram.hpp"

#include <algorithm>
#include <cstring>

#include "evclass/core/error.hpp"

namespace evclass::learn::trees {

namespace {

constexpr std::size_t kPrefetchAhead = 16;

template <int W>
void accumulate_all_fixed(const BinnedRows& bins, std::span<const std::uint32_t> rows, const std::int64_t* packed,
                          std::int64_t* hist, std::size_t first, std::size_t last) {
  const std::size_t stride = bins.stride();
  const std::size_t n = rows.size();
  const std::uint8_t* base = bins.data();
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t r = rows[i];
    if (i + kPrefetchAhead < n) {
      const std::size_t ahead = rows[i + kPrefetchAhead];
      __builtin_prefetch(base + ahead * stride);
      __builtin_prefetch(packed + ahead * W);
    }
    const std::uint8_t* row = base + r * stride;
    std::int64_t value[W];
    for (int w = 0; w < W; ++w) value[w] = packed[r * W + static_cast<std::size_t>(w)];
    for (std::size_t f = first; f < last; f += 4) {
      std::uint32_t four;
      std::memcpy(&four, row + f, 4);
      std::int64_t* h = hist + f * kHistBins * W;
      const std::size_t b0 = four & 0xffu, b1 = (four >> 8) & 0xffu, b2 = (four >> 16) & 0xffu, b3 = four >> 24;
      for (int w = 0; w < W; ++w) {
        h[b0 * W + w] += value[w];
        h[(kHistBins + b1) * W + w] += value[w];
        h[(2 * kHistBins + b2) * W + w] += value[w];
        h[(3 * kHistBins + b3) * W + w] += value[w];
      }
    }
  }
}

void accumulate_all_any(const BinnedRows& bins, std::span<const std::uint32_t> rows, const std::int64_t* packed,
                        std::size_t words, std::int64_t* hist, std::size_t first, std::size_t last) {
  for (const std::uint32_t r : rows) {
    const std::uint8_t* row = bins.row(r);
    const std::int64_t* value = packed + static_cast<std::size_t>(r) * words;
    for (std::size_t f = first; f < last; ++f) {
      std::int64_t* h = hist + (f * kHistBins + row[f]) * words;
      for (std::size_t w = 0; w < words; ++w) h[w] += value[w];
    }
  }
}

template <int W>
void accumulate_some_fixed(const BinnedRows& bins, std::span<const std::uint32_t> rows, const std::int64_t* packed,
                           std::span<const std::uint32_t> features, std::int64_t* hist) {
  const std::size_t n = rows.size();
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t r = rows[i];
    if (i + kPrefetchAhead < n) __builtin_prefetch(bins.row(rows[i + kPrefetchAhead]));
    const std::uint8_t* row = bins.row(r);
    const std::int64_t* value = packed + r * W;
    for (const std::uint32_t f : features) {
      std::int64_t* h = hist + (static_cast<std::size_t>(f) * kHistBins + row[f]) * W;
      for (int w = 0; w < W; ++w) h[w] += value[w];
    }
  }
}

}  // namespace

void accumulate_all(const BinnedRows& bins, std::span<const std::uint32_t> rows, const std::int64_t* packed,
                    const HistShape& shape, std::int64_t* hist) {
  EVC_ASSERT(shape.features == bins.stride(), "histogram shape matches the bins");
  accumulate_range(bins, rows, packed, shape, 0, bins.stride(), hist);
}

void accumulate_range(const BinnedRows& bins, std::span<const std::uint32_t> rows, const std::int64_t* packed,
                      const HistShape& shape, std::size_t first, std::size_t last, std::int64_t* hist) {
  EVC_ASSERT(shape.features == bins.stride() && first % 4 == 0 && last % 4 == 0 && last <= bins.stride(),
             "feature range on whole words of the bins");
  switch (shape.words) {
    case 1: accumulate_all_fixed<1>(bins, rows, packed, hist, first, last); return;
    case 2: accumulate_all_fixed<2>(bins, rows, packed, hist, first, last); return;
    default: accumulate_all_any(bins, rows, packed, static_cast<std::size_t>(shape.words), hist, first, last); return;
  }
}

void accumulate_some(const BinnedRows& bins, std::span<const std::uint32_t> rows, const std::int64_t* packed,
                     const HistShape& shape, std::span<const std::uint32_t> features, std::int64_t* hist) {
  EVC_ASSERT(shape.features == bins.stride(), "histogram shape matches the bins");
  switch (shape.words) {
    case 1: accumulate_some_fixed<1>(bins, rows, packed, features, hist); return;
    case 2: accumulate_some_fixed<2>(bins, rows, packed, features, hist); return;
    case 3: accumulate_some_fixed<3>(bins, rows, packed, features, hist); return;
    default: break;
  }
  const auto words = static_cast<std::size_t>(shape.words);
  for (const std::uint32_t r : rows) {
    const std::uint8_t* row = bins.row(r);
    const std::int64_t* value = packed + static_cast<std::size_t>(r) * words;
    for (const std::uint32_t f : features) {
      std::int64_t* h = hist + (static_cast<std::size_t>(f) * kHistBins + row[f]) * words;
      for (std::size_t w = 0; w < words; ++w) h[w] += value[w];
    }
  }
}

void subtract(const std::int64_t* parent, const std::int64_t* child, std::int64_t* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = parent[i] - child[i];
}

std::vector<std::int64_t> HistPool::take() {
  if (free_.empty()) return std::vector<std::int64_t>(shape_.size(), 0);
  std::vector<std::int64_t> buffer = std::move(free_.back());
  free_.pop_back();
  std::fill(buffer.begin(), buffer.end(), 0);
  return buffer;
}

void HistPool::give(std::vector<std::int64_t>&& buffer) {
  if (buffer.size() == shape_.size()) free_.push_back(std::move(buffer));
}

}  // namespace evclass::learn::trees
