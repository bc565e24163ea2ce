// Binning: every value lands in the bin whose edges enclose it, bins grow with the value, few
// distinct values get a bin each, and quantiles follow the weights.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "learn/trees/binning.hpp"

namespace evclass::learn::trees {
namespace {

const core::Context kTwoThreads{2};

std::vector<float> noisy_column(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 3.0f);
  std::vector<float> v(n);
  for (auto& x : v) x = std::round(normal(rng) * 100.0f) / 100.0f;  // many repeated values
  for (std::size_t i = 0; i < n; i += 97) v[i] = std::numeric_limits<float>::quiet_NaN();
  return v;
}

TEST(Binning, EveryValueLiesBetweenTheEdgesOfItsBinAndNaNGoesToTheMissingBin) {
  const std::vector<float> col = noisy_column(50000, 1);
  const FeatureMatrix x{col, col.size(), 1};
  const BinCuts cuts = fit_bin_cuts(x, {}, 255, 7, kTwoThreads);
  ASSERT_GE(cuts.n_bins(0), 200);
  ASSERT_LE(cuts.n_bins(0), 255);
  for (const float v : col) {
    const std::uint8_t b = cuts.bin(0, v);
    if (std::isnan(v)) {
      EXPECT_EQ(b, kMissingBin);
      continue;
    }
    ASSERT_LT(b, cuts.n_bins(0));
    EXPECT_LE(v, cuts.edge(0, b));
    if (b > 0) {
      EXPECT_GT(v, cuts.edge(0, b - 1));
    }
  }
  // Values outside the training range go to the first and last bins.
  EXPECT_EQ(cuts.bin(0, -1e30f), 0);
  EXPECT_EQ(cuts.bin(0, 1e30f), cuts.n_bins(0) - 1);
  EXPECT_EQ(cuts.bin(0, std::numeric_limits<float>::infinity()), cuts.n_bins(0) - 1);
}

TEST(Binning, BinsNeverDecreaseAsTheValueGrows) {
  const std::vector<float> col = noisy_column(20000, 2);
  const FeatureMatrix x{col, col.size(), 1};
  const BinCuts cuts = fit_bin_cuts(x, {}, 64, 7, kTwoThreads);
  std::vector<float> sorted;
  for (float v : col)
    if (!std::isnan(v)) sorted.push_back(v);
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 1; i < sorted.size(); ++i) ASSERT_LE(cuts.bin(0, sorted[i - 1]), cuts.bin(0, sorted[i]));
  for (int b = 1; b < cuts.n_bins(0); ++b) ASSERT_LT(cuts.edge(0, b - 1), cuts.edge(0, b));
}

TEST(Binning, FewDistinctValuesGetOneBinEach) {
  std::vector<float> col;
  for (int i = 0; i < 1000; ++i) col.push_back(static_cast<float>(i % 7) * 1.5f - 3.0f);
  const FeatureMatrix x{col, col.size(), 1};
  const BinCuts cuts = fit_bin_cuts(x, {}, 255, 1, kTwoThreads);
  ASSERT_EQ(cuts.n_bins(0), 7);
  for (int k = 0; k < 7; ++k) EXPECT_EQ(cuts.bin(0, static_cast<float>(k) * 1.5f - 3.0f), k);
}

TEST(Binning, QuantilesFollowTheWeights) {
  // Values 0..9999; the lower half weighs 9 times the upper half, so 90% of the bins (by
  // weighted quantiles) lie below 5000.
  std::vector<float> col(10000);
  std::vector<double> w(col.size());
  for (std::size_t i = 0; i < col.size(); ++i) {
    col[i] = static_cast<float>(i);
    w[i] = i < 5000 ? 9.0 : 1.0;
  }
  const FeatureMatrix x{col, col.size(), 1};
  const BinCuts cuts = fit_bin_cuts(x, w, 100, 1, kTwoThreads);
  ASSERT_EQ(cuts.n_bins(0), 100);
  int below = 0;
  for (int b = 0; b + 1 < cuts.n_bins(0); ++b) below += cuts.edge(0, b) < 5000.0f ? 1 : 0;
  EXPECT_GE(below, 88);
  EXPECT_LE(below, 91);
}

TEST(Binning, RowMajorAndColumnMajorBinsAgreeWithTheCuts) {
  const std::size_t n = 3001, f = 5;  // 5 features: the row stride is padded to 8
  std::vector<float> x(n * f);
  for (std::size_t j = 0; j < f; ++j) {
    const auto col = noisy_column(n, 10 + j);
    std::copy(col.begin(), col.end(), x.begin() + static_cast<std::ptrdiff_t>(j * n));
  }
  const FeatureMatrix m{x, n, f};
  const BinCuts cuts = fit_bin_cuts(m, {}, 255, 3, kTwoThreads);
  const BinnedRows rows = bin_rows(m, cuts, kTwoThreads);
  const BinnedColumns columns(rows, kTwoThreads);
  ASSERT_EQ(rows.stride(), 8u);
  for (std::size_t r = 0; r < n; ++r)
    for (std::size_t j = 0; j < f; ++j) {
      ASSERT_EQ(rows.row(r)[j], cuts.bin(j, x[j * n + r]));
      ASSERT_EQ(columns.column(j)[r], rows.row(r)[j]);
    }
  for (std::size_t r = 0; r < n; ++r)
    for (std::size_t j = f; j < rows.stride(); ++j) ASSERT_EQ(rows.row(r)[j], 0) << "padding bytes are zero";
}

TEST(Binning, IsTheSameForAnyThreadCountAndSampledRowsAreSeeded) {
  const std::vector<float> col = noisy_column(kBinningSampleRows + 50000, 4);  // more rows than binning looks at
  const FeatureMatrix x{col, col.size(), 1};
  const BinCuts a = fit_bin_cuts(x, {}, 255, 9, core::Context{1});
  const BinCuts b = fit_bin_cuts(x, {}, 255, 9, core::Context{2});
  EXPECT_EQ(a.edges(), b.edges());
  const BinCuts c = fit_bin_cuts(x, {}, 255, 10, core::Context{2});
  EXPECT_NE(a.edges(), c.edges()) << "another seed samples other rows";
}

}  // namespace
}  // namespace evclass::learn::trees
