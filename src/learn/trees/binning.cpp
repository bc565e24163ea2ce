#include "learn/trees/binning.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "evclass/core/error.hpp"
#include "evclass/core/random.hpp"

namespace evclass::learn::trees {

BinCuts::BinCuts(std::vector<float> edges, std::vector<std::uint32_t> offsets)
    : edges_(std::move(edges)), offsets_(std::move(offsets)) {
  EVC_ASSERT(!offsets_.empty() && offsets_.front() == 0 && offsets_.back() == edges_.size(), "bin offsets");
  for (std::size_t f = 0; f + 1 < offsets_.size(); ++f) {
    EVC_ASSERT(offsets_[f + 1] > offsets_[f] && offsets_[f + 1] - offsets_[f] <= kMaxValueBins, "1..255 bins");
    EVC_ASSERT(edges_[offsets_[f + 1] - 1] == std::numeric_limits<float>::infinity(), "last edge is +inf");
  }
}

std::uint8_t BinCuts::bin(std::size_t f, float v) const {
  if (std::isnan(v)) return kMissingBin;
  // The first edge >= v (the last edge is +inf, so there always is one), by a branch-free
  // binary search over the finite edges.
  const float* first = edges_.data() + offsets_[f];
  std::size_t len = offsets_[f + 1] - offsets_[f] - 1;
  if (len == 0) return 0;
  const float* base = first;
  while (len > 1) {
    const std::size_t half = len / 2;
    base += static_cast<std::size_t>(base[half - 1] < v) * half;  // arithmetic, not a branch
    len -= half;
  }
  return static_cast<std::uint8_t>((base - first) + (base[0] < v ? 1 : 0));
}

namespace {

struct WeightedValue {
  float value;
  double weight;
};

/// A cut c between neighbouring distinct values a < b with a <= c < b (so "v <= c" keeps a).
float cut_between(float a, float b) {
  const auto mid = static_cast<float>(0.5 * static_cast<double>(a) + 0.5 * static_cast<double>(b));
  return (mid >= a && mid < b) ? mid : a;
}

/// The edges of one feature from its sorted (value, weight) pairs.
std::vector<float> feature_edges(std::vector<WeightedValue>& values, int max_bins) {
  std::vector<float> edges;
  std::sort(values.begin(), values.end(), [](const WeightedValue& a, const WeightedValue& b) { return a.value < b.value; });
  // Distinct values with their total weight.
  std::vector<WeightedValue> distinct;
  for (const auto& v : values) {
    if (!distinct.empty() && distinct.back().value == v.value)
      distinct.back().weight += v.weight;
    else
      distinct.push_back(v);
  }
  if (distinct.size() <= static_cast<std::size_t>(max_bins)) {
    for (std::size_t i = 0; i + 1 < distinct.size(); ++i) edges.push_back(cut_between(distinct[i].value, distinct[i + 1].value));
  } else {
    double total = 0.0;
    for (const auto& d : distinct) total += d.weight;
    // Walk the cumulative weight; cut after the value where it first reaches each k/max_bins.
    double cumulative = 0.0;
    int next_bin = 1;
    for (std::size_t i = 0; i + 1 < distinct.size() && next_bin < max_bins; ++i) {
      cumulative += distinct[i].weight;
      if (cumulative >= total * next_bin / max_bins) {
        const float c = cut_between(distinct[i].value, distinct[i + 1].value);
        if (edges.empty() || c > edges.back()) edges.push_back(c);
        while (next_bin < max_bins && cumulative >= total * next_bin / max_bins) ++next_bin;
      }
    }
  }
  edges.push_back(std::numeric_limits<float>::infinity());
  return edges;
}

}  // namespace

BinCuts fit_bin_cuts(const FeatureMatrix& x, std::span<const double> weights, int max_bins, std::uint64_t seed,
                     const core::Context& ctx) {
  EVC_ASSERT(max_bins >= 2 && max_bins <= kMaxValueBins, "max_bins in 2..255");
  EVC_ASSERT(weights.empty() || weights.size() == x.rows, "one weight per row");
  // The rows binning looks at: every row, or a seeded Bernoulli subset of about kBinningSampleRows.
  std::vector<std::size_t> sample;
  if (x.rows <= kBinningSampleRows) {
    sample.resize(x.rows);
    for (std::size_t i = 0; i < x.rows; ++i) sample[i] = i;
  } else {
    const double keep = static_cast<double>(kBinningSampleRows) / static_cast<double>(x.rows);
    for (std::size_t i = 0; i < x.rows; ++i)
      if (core::unit_double(core::mix_key(seed, 0xb1b1, i)) < keep) sample.push_back(i);
  }
  std::vector<std::vector<float>> per_feature(x.cols);
  core::parallel_for(x.cols, ctx, [&](std::size_t f) {
    const auto col = x.column(f);
    std::vector<WeightedValue> values;
    values.reserve(sample.size());
    for (std::size_t i : sample) {
      const float v = col[i];
      if (std::isnan(v)) continue;
      const double w = weights.empty() ? 1.0 : std::abs(weights[i]);
      if (w > 0.0) values.push_back({v, w});
    }
    per_feature[f] = feature_edges(values, max_bins);
  });
  std::vector<float> edges;
  std::vector<std::uint32_t> offsets{0};
  for (const auto& e : per_feature) {
    edges.insert(edges.end(), e.begin(), e.end());
    offsets.push_back(static_cast<std::uint32_t>(edges.size()));
  }
  return BinCuts(std::move(edges), std::move(offsets));
}

BinnedRows::BinnedRows(std::size_t rows, std::size_t features)
    : rows_(rows), features_(features), stride_((features + 3) / 4 * 4), data_(rows * stride_, 0) {}

BinnedColumns::BinnedColumns(const BinnedRows& rows, const core::Context& ctx)
    : rows_(rows.rows()), data_(rows.rows() * rows.features()) {
  const core::Context serial{1};
  core::parallel_for(rows.features(), rows_ * rows.features() < (1u << 17) ? serial : ctx, [&](std::size_t f) {
    std::uint8_t* col = data_.data() + f * rows_;
    for (std::size_t r = 0; r < rows_; ++r) col[r] = rows.row(r)[f];
  });
}

BinnedRows bin_rows(const FeatureMatrix& x, const BinCuts& cuts, const core::Context& ctx) {
  EVC_ASSERT(x.cols == cuts.n_features(), "one set of cuts per feature");
  BinnedRows out(x.rows, x.cols);
  constexpr std::size_t kBlock = 4096;
  const std::size_t n_blocks = (x.rows + kBlock - 1) / kBlock;
  core::parallel_for(n_blocks, ctx, [&](std::size_t block) {
    const std::size_t begin = block * kBlock, end = std::min(x.rows, begin + kBlock);
    for (std::size_t f = 0; f < x.cols; ++f) {
      const float* col = x.data.data() + f * x.rows;
      for (std::size_t r = begin; r < end; ++r) out.row(r)[f] = cuts.bin(f, col[r]);
    }
  });
  return out;
}

}  // namespace evclass::learn::trees
