#pragma once
// Feature binning for histogram trees: per feature up to 255 value bins chosen as weighted
// quantiles of the training values (every distinct value its own bin when there are few), plus
// one bin for missing values (NaN). Values are stored as one byte per (row, feature), row-major.
//
// Why row-major: a node's rows are a scattered subset of all rows. Row-major bins put all of a
// row's features in one cache line, so building a node's histograms touches one line per row;
// column-major bins would touch one line per row and feature (measured on 800k x 28: 1.0 vs
// 2-6 ns per (row, feature) once nodes are deeper than the root; see docs/trees.md).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "evclass/core/parallel.hpp"
#include "evclass/learn/data.hpp"

namespace evclass::learn::trees {

inline constexpr int kMaxValueBins = 255;          ///< value bins per feature (0..254)
inline constexpr std::uint8_t kMissingBin = 255;   ///< the bin of NaN
inline constexpr std::size_t kHistBins = 256;      ///< histogram slots per feature (values + missing)

/// Upper edges of every feature's bins: value v of feature f falls into the first bin b with
/// v <= edge(f, b); the last edge of a feature is +inf. NaN falls into kMissingBin.
class BinCuts {
 public:
  BinCuts() = default;
  /// edges[offsets[f] .. offsets[f+1]) are feature f's edges, strictly increasing, last = +inf.
  BinCuts(std::vector<float> edges, std::vector<std::uint32_t> offsets);

  [[nodiscard]] std::size_t n_features() const { return offsets_.empty() ? 0 : offsets_.size() - 1; }
  /// Value bins of feature f (1..255).
  [[nodiscard]] int n_bins(std::size_t f) const { return static_cast<int>(offsets_[f + 1] - offsets_[f]); }
  [[nodiscard]] float edge(std::size_t f, int b) const { return edges_[offsets_[f] + static_cast<std::size_t>(b)]; }
  [[nodiscard]] std::uint8_t bin(std::size_t f, float v) const;

  [[nodiscard]] const std::vector<float>& edges() const { return edges_; }
  [[nodiscard]] const std::vector<std::uint32_t>& offsets() const { return offsets_; }

 private:
  std::vector<float> edges_;
  std::vector<std::uint32_t> offsets_;
};

/// How many rows binning looks at: all rows up to this, a seeded random subset beyond.
inline constexpr std::size_t kBinningSampleRows = 1u << 18;

/// Chooses at most `max_bins` (<= 255) bins per feature from the finite values of x, weighted by
/// |weights| (empty = all 1). Deterministic for a given seed, whatever the thread count.
[[nodiscard]] BinCuts fit_bin_cuts(const FeatureMatrix& x, std::span<const double> weights, int max_bins,
                                   std::uint64_t seed, const core::Context& ctx);

/// Bins of every (row, feature), row-major: row r's bins are row(r)[0 .. features).
/// The row stride is a multiple of 4 (padding bytes are 0) so kernels can load 4 bins at once.
class BinnedRows {
 public:
  BinnedRows() = default;
  BinnedRows(std::size_t rows, std::size_t features);

  [[nodiscard]] std::size_t rows() const { return rows_; }
  [[nodiscard]] std::size_t features() const { return features_; }
  [[nodiscard]] std::size_t stride() const { return stride_; }
  [[nodiscard]] const std::uint8_t* row(std::size_t r) const { return data_.data() + r * stride_; }
  [[nodiscard]] std::uint8_t* row(std::size_t r) { return data_.data() + r * stride_; }
  [[nodiscard]] const std::uint8_t* data() const { return data_.data(); }

 private:
  std::size_t rows_ = 0, features_ = 0, stride_ = 0;
  std::vector<std::uint8_t> data_;
};

/// The same bins column by column: column(f)[r]. Partitioning a node's rows by one feature reads
/// one byte per row from a compact column instead of one cache line per row.
class BinnedColumns {
 public:
  BinnedColumns() = default;
  explicit BinnedColumns(const BinnedRows& rows, const core::Context& ctx);
  [[nodiscard]] const std::uint8_t* column(std::size_t f) const { return data_.data() + f * rows_; }

 private:
  std::size_t rows_ = 0;
  std::vector<std::uint8_t> data_;
};

/// The bins of every value of x.
[[nodiscard]] BinnedRows bin_rows(const FeatureMatrix& x, const BinCuts& cuts, const core::Context& ctx);

}  // namespace evclass::learn::trees
