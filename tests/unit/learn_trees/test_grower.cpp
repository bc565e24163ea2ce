// Tree growth: a tree grown on bins sends every training row, from its float values, to the leaf
// the bins put it in; the chosen split is the best one found by brute force; depth and leaf limits
// hold; and growth is the same on every thread count.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "learn/trees/binning.hpp"
#include "learn/trees/grower.hpp"
#include "learn/trees/split.hpp"

namespace evclass::learn::trees {
namespace {

struct Problem {
  std::size_t rows, cols;
  std::vector<float> x;
  BinCuts cuts;
  BinnedRows bins;
  BinnedColumns columns;
  std::vector<std::int64_t> packed;
  std::vector<std::int32_t> g, h;
};

/// Features with repeated values, NaN and a signal in feature 1; integer "gradients" with a
/// dependence on feature 1 and hessians 1..20.
Problem make_problem(std::size_t rows, std::size_t cols, std::uint64_t seed, int max_bins = 255) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  Problem p{rows, cols, std::vector<float>(rows * cols), {}, {}, {}, {}, {}, {}};
  for (std::size_t j = 0; j < cols; ++j)
    for (std::size_t i = 0; i < rows; ++i) {
      float v = std::round(normal(rng) * 20.0f) / 20.0f;
      if (rng() % 50 == 0) v = std::numeric_limits<float>::quiet_NaN();
      p.x[j * rows + i] = v;
    }
  for (std::size_t i = 0; i < rows; ++i) {
    const float f1 = p.x[rows + i];
    const int base = std::isnan(f1) ? 300 : (f1 > 0.3f ? -200 : 150);
    p.g.push_back(base + static_cast<int>(rng() % 201) - 100);
    p.h.push_back(1 + static_cast<int>(rng() % 20));
    p.packed.push_back(pack(p.g.back(), p.h.back()));
  }
  const core::Context ctx{2};
  p.cuts = fit_bin_cuts({p.x, rows, cols}, {}, max_bins, 1, ctx);
  p.bins = bin_rows({p.x, rows, cols}, p.cuts, ctx);
  p.columns = BinnedColumns(p.bins, ctx);
  return p;
}

NewtonSplitFinder finder() {
  NewtonSplitFinder::Options o;
  o.lambda = 1.0;
  o.min_child_weight = 5.0;
  return NewtonSplitFinder(o);
}

GrownTree grow(const Problem& p, const GrowOptions& o, std::vector<std::uint32_t>& rows, int threads) {
  GrowWorkspace ws(HistShape{p.bins.stride(), 1});
  std::vector<std::uint32_t> features;
  for (std::uint32_t f = 0; f < p.cols; ++f) features.push_back(f);
  const NewtonSplitFinder f = finder();
  return grow_tree(p.bins, p.columns, p.cuts, rows, p.packed.data(), f, features, o, 1, 99, ws, core::Context{threads});
}

std::vector<std::uint32_t> all_rows(std::size_t n) {
  std::vector<std::uint32_t> r(n);
  for (std::size_t i = 0; i < n; ++i) r[i] = static_cast<std::uint32_t>(i);
  return r;
}

TEST(Grower, ATreeGrownOnBinsSendsEveryRowToTheSameLeafFromItsFloatValues) {
  for (const bool lossguide : {false, true}) {
    const Problem p = make_problem(20000, 6, 3, 32);  // 32 bins: many values share a bin
    GrowOptions o;
    o.max_depth = lossguide ? 0 : 7;
    o.max_leaves = lossguide ? 40 : 0;
    o.lossguide = lossguide;
    std::vector<std::uint32_t> rows = all_rows(p.rows);
    const GrownTree t = grow(p, o, rows, 2);
    ASSERT_GT(t.tree.n_leaves(), 10u);
    std::size_t checked = 0;
    for (std::size_t node = 0; node < t.tree.n_nodes(); ++node) {
      if (!t.tree.is_leaf(node)) continue;
      for (std::uint32_t i = t.node_begin[node]; i < t.node_end[node]; ++i) {
        const std::uint32_t r = rows[i];
        const std::size_t from_floats = t.tree.leaf_of([&](std::size_t f) { return p.x[f * p.rows + r]; });
        ASSERT_EQ(from_floats, node) << "row " << r;
        ASSERT_EQ(t.tree.leaf_of_bins(p.bins.row(r)), node);
        ++checked;
      }
    }
    EXPECT_EQ(checked, p.rows) << "the leaves hold every row once";
  }
}

TEST(Grower, TheRootSplitIsTheBestOneFoundByBruteForce) {
  const Problem p = make_problem(3000, 4, 5);
  GrowOptions o;
  o.max_depth = 1;
  std::vector<std::uint32_t> rows = all_rows(p.rows);
  const GrownTree t = grow(p, o, rows, 2);
  ASSERT_EQ(t.tree.n_nodes(), 3u);
  // Brute force over every feature, threshold bin and side of the missing values, with the
  // gain written out here: 1/2 (GL²/(HL+1) + GR²/(HR+1) - G²/(H+1)), children need H >= 5.
  double G = 0, H = 0;
  for (std::size_t i = 0; i < p.rows; ++i) {
    G += p.g[i];
    H += p.h[i];
  }
  const auto s = [](double g, double h) { return g * g / (h + 1.0); };
  double best = -1;
  int best_f = -1, best_b = -1;
  for (std::size_t f = 0; f < p.cols; ++f) {
    for (int b = 0; b < p.cuts.n_bins(f); ++b) {
      for (const bool missing_left : {false, true}) {
        double gl = 0, hl = 0;
        for (std::size_t i = 0; i < p.rows; ++i) {
          const std::uint8_t bin = p.bins.row(i)[f];
          const bool left = bin == kMissingBin ? missing_left : bin <= b;
          if (left) {
            gl += p.g[i];
            hl += p.h[i];
          }
        }
        if (hl < 5 || H - hl < 5) continue;
        const double gain = 0.5 * (s(gl, hl) + s(G - gl, H - hl) - s(G, H));
        if (gain > best + 1e-9) {
          best = gain;
          best_f = static_cast<int>(f);
          best_b = b;
        }
      }
    }
  }
  EXPECT_EQ(t.tree.feature[0], best_f);
  EXPECT_EQ(t.tree.threshold_bin[0], best_b);
  EXPECT_NEAR(t.tree.gain[0], best, 1e-6 * best);
  EXPECT_EQ(best_f, 1) << "the signal is in feature 1";
}

TEST(Grower, DepthAndLeafLimitsHold) {
  const Problem p = make_problem(20000, 5, 7);
  for (int depth : {1, 3, 6}) {
    GrowOptions o;
    o.max_depth = depth;
    std::vector<std::uint32_t> rows = all_rows(p.rows);
    const GrownTree t = grow(p, o, rows, 2);
    EXPECT_LE(t.tree.depth(), depth);
    EXPECT_LE(t.tree.n_leaves(), std::size_t{1} << depth);
  }
  for (int leaves : {2, 7, 31}) {
    GrowOptions o;
    o.max_depth = 0;
    o.max_leaves = leaves;
    o.lossguide = true;
    std::vector<std::uint32_t> rows = all_rows(p.rows);
    EXPECT_EQ(grow(p, o, rows, 2).tree.n_leaves(), static_cast<std::size_t>(leaves));
  }
}

TEST(Grower, GrowsTheSameTreeOnOneAndTwoThreadsAndInTheForestSchedule) {
  const Problem p = make_problem(150000, 5, 9);  // large enough for parallel chunks
  GrowOptions o;
  o.max_depth = 8;
  std::vector<std::uint32_t> r1 = all_rows(p.rows), r2 = all_rows(p.rows), r3 = all_rows(p.rows);
  const GrownTree a = grow(p, o, r1, 1);
  const GrownTree b = grow(p, o, r2, 2);
  EXPECT_EQ(a.tree.feature, b.tree.feature);
  EXPECT_EQ(a.tree.threshold, b.tree.threshold);
  EXPECT_EQ(a.tree.default_left, b.tree.default_left);
  EXPECT_EQ(r1, r2);
  // Without kept histograms (forest schedule, every feature per node) the splits are the same;
  // nodes are numbered in another order, so compare the leaves each row reaches by feature path.
  GrowOptions forest = o;
  forest.keep_histograms = false;
  const GrownTree c = grow(p, forest, r3, 2);
  EXPECT_EQ(c.tree.n_leaves(), a.tree.n_leaves());
  for (std::uint32_t r = 0; r < p.rows; r += 37) {
    const auto x = [&](std::size_t f) { return p.x[f * p.rows + r]; };
    const std::size_t la = a.tree.leaf_of(x), lc = c.tree.leaf_of(x);
    ASSERT_EQ(a.node_end[la] - a.node_begin[la], c.node_end[lc] - c.node_begin[lc]) << "row " << r;
  }
}

TEST(Grower, FeatureSamplingUsesOnlyDrawnFeaturesAndIsSeeded) {
  std::vector<std::uint32_t> from{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  const auto a = sample_features(from, 0.0, 3, 42);
  const auto b = sample_features(from, 0.0, 3, 42);
  EXPECT_EQ(a, b);
  ASSERT_EQ(a.size(), 3u);
  EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
  EXPECT_EQ(std::adjacent_find(a.begin(), a.end()), a.end()) << "no feature twice";
  // Over many keys every feature is drawn about equally often (3 of 10: 30%).
  std::vector<int> counts(10, 0);
  for (std::uint64_t key = 0; key < 3000; ++key)
    for (auto f : sample_features(from, 0.0, 3, key)) ++counts[f];
  for (int c : counts) {
    EXPECT_GT(c, 800);
    EXPECT_LT(c, 1000);
  }
  EXPECT_EQ(sample_features(from, 0.5, 0, 1).size(), 5u);
}

}  // namespace
}  // namespace evclass::learn::trees
