#pragma once
// Histograms of integer statistics per (feature, bin). Every row carries `words` 64-bit words,
// each packing two signed 32-bit channels (high and low half): for gradient boosting the
// quantised gradient and hessian, for classification trees the quantised weight of each class.
// Adding packed words adds both channels at once, and integer sums are exact, so a histogram
// is the same whatever the order or the number of threads that built it, and a parent equals
// the sum of its children bit for bit.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "learn/trees/binning.hpp"

namespace evclass::learn::trees {

/// Packs two channels: value = high * 2^32 + low. Both must stay within int32 in every sum.
[[nodiscard]] constexpr std::int64_t pack(std::int32_t high, std::int32_t low) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(static_cast<std::int64_t>(high)) << 32) +
         static_cast<std::int64_t>(low);
}
[[nodiscard]] constexpr std::int32_t low_channel(std::int64_t word) {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(static_cast<std::uint64_t>(word) & 0xffffffffu));
}
[[nodiscard]] constexpr std::int32_t high_channel(std::int64_t word) {
  return static_cast<std::int32_t>((word - low_channel(word)) >> 32);
}

/// The shape of the histograms of one tree: `features` (the bins' row stride, so padding
/// features have slots too) × kHistBins × `words`.
struct HistShape {
  std::size_t features = 0;
  int words = 1;
  [[nodiscard]] std::size_t size() const { return features * kHistBins * static_cast<std::size_t>(words); }
  [[nodiscard]] std::size_t feature_offset(std::size_t f) const { return f * kHistBins * static_cast<std::size_t>(words); }
};

/// Adds the packed words of `rows` (packed[r * words + w]) into hist, for every feature.
/// hist has shape.size() words and is not cleared first.
void accumulate_all(const BinnedRows& bins, std::span<const std::uint32_t> rows, const std::int64_t* packed,
                    const HistShape& shape, std::int64_t* hist);

/// The same for features [first, last) only; both multiples of 4 (or last = the row stride).
void accumulate_range(const BinnedRows& bins, std::span<const std::uint32_t> rows, const std::int64_t* packed,
                      const HistShape& shape, std::size_t first, std::size_t last, std::int64_t* hist);

/// The same for the listed features only (other features' slots are left as they are).
void accumulate_some(const BinnedRows& bins, std::span<const std::uint32_t> rows, const std::int64_t* packed,
                     const HistShape& shape, std::span<const std::uint32_t> features, std::int64_t* hist);

/// out = parent - child over n words (a sibling's histogram).
void subtract(const std::int64_t* parent, const std::int64_t* child, std::int64_t* out, std::size_t n);

/// A pool of histogram buffers of one shape, reused across nodes and trees.
class HistPool {
 public:
  explicit HistPool(HistShape shape) : shape_(shape) {}
  [[nodiscard]] const HistShape& shape() const { return shape_; }
  /// A buffer of shape().size() words, all zero.
  [[nodiscard]] std::vector<std::int64_t> take();
  void give(std::vector<std::int64_t>&& buffer);

 private:
  HistShape shape_;
  std::vector<std::vector<std::int64_t>> free_;
};

}  // namespace evclass::learn::trees
