// Histograms: packed channels add as separate integers, a parent's histogram is the sum of its
// children's (bit for bit), and the kernels agree with a plain per-(feature, bin) sum.

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "learn/trees/histogram.hpp"
#include "learn/trees/split.hpp"

namespace evclass::learn::trees {
namespace {

struct RandomBins {
  BinnedRows bins;
  std::vector<std::int64_t> packed;
  std::vector<std::int32_t> high, low;  // the channels of word 0 of each row
};

RandomBins make(std::size_t rows, std::size_t features, int words, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  RandomBins d{BinnedRows(rows, features), {}, {}, {}};
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t f = 0; f < features; ++f) {
      // Mostly a few bins (repeats), sometimes the missing bin.
      const auto u = rng() % 100;
      d.bins.row(r)[f] = static_cast<std::uint8_t>(u < 5 ? kMissingBin : (u < 60 ? rng() % 4 : rng() % 200));
    }
  for (std::size_t r = 0; r < rows; ++r) {
    for (int w = 0; w < words; ++w) {
      const auto hi = static_cast<std::int32_t>(static_cast<int>(rng() % 2001) - 1000);
      const auto lo = static_cast<std::int32_t>(static_cast<int>(rng() % 2001) - 1000);
      d.packed.push_back(pack(hi, lo));
      if (w == 0) {
        d.high.push_back(hi);
        d.low.push_back(lo);
      }
    }
  }
  return d;
}

TEST(Histogram, PackedWordsAddBothChannelsAsSeparateSignedIntegers) {
  std::mt19937_64 rng(3);
  std::int64_t sum = 0, high = 0, low = 0;
  for (int i = 0; i < 100000; ++i) {
    const auto h = static_cast<std::int32_t>(static_cast<int>(rng() % 20001) - 10000);
    const auto l = static_cast<std::int32_t>(static_cast<int>(rng() % 20001) - 10000);
    sum += pack(h, l);
    high += h;
    low += l;
    ASSERT_EQ(high_channel(sum), high);
    ASSERT_EQ(low_channel(sum), low);
  }
}

TEST(Histogram, KernelsEqualAPlainSumPerFeatureAndBin) {
  for (int words : {1, 2, 3}) {
    const RandomBins d = make(5000, 7, words, 11 + static_cast<std::uint64_t>(words));
    const HistShape shape{d.bins.stride(), words};
    std::vector<std::uint32_t> rows;
    for (std::uint32_t r = 0; r < 5000; r += 3) rows.push_back(r);
    std::vector<std::int64_t> all(shape.size(), 0), some(shape.size(), 0), expected(shape.size(), 0);
    accumulate_all(d.bins, rows, d.packed.data(), shape, all.data());
    const std::vector<std::uint32_t> listed{1, 4, 6};
    accumulate_some(d.bins, rows, d.packed.data(), shape, listed, some.data());
    for (const auto r : rows)
      for (std::size_t f = 0; f < d.bins.stride(); ++f)
        for (int w = 0; w < words; ++w)
          expected[(f * kHistBins + d.bins.row(r)[f]) * static_cast<std::size_t>(words) + static_cast<std::size_t>(w)] +=
              d.packed[r * static_cast<std::size_t>(words) + static_cast<std::size_t>(w)];
    EXPECT_EQ(all, expected) << words << " words";
    for (std::size_t f = 0; f < d.bins.stride(); ++f) {
      const bool is_listed = f == 1 || f == 4 || f == 6;
      for (std::size_t i = shape.feature_offset(f); i < shape.feature_offset(f + 1); ++i)
        ASSERT_EQ(some[i], is_listed ? expected[i] : 0) << "feature " << f;
    }
  }
}

TEST(Histogram, AParentIsTheSumOfItsChildrenAndSubtractionGivesTheSibling) {
  const RandomBins d = make(20000, 9, 1, 5);
  const HistShape shape{d.bins.stride(), 1};
  std::mt19937_64 rng(8);
  std::vector<std::uint32_t> parent, left, right;
  for (std::uint32_t r = 0; r < 20000; ++r) {
    if (rng() % 3 == 0) continue;  // not in this node
    parent.push_back(r);
    (rng() % 2 ? left : right).push_back(r);
  }
  std::vector<std::int64_t> hp(shape.size(), 0), hl(shape.size(), 0), hr(shape.size(), 0), sibling(shape.size(), 0);
  accumulate_all(d.bins, parent, d.packed.data(), shape, hp.data());
  accumulate_all(d.bins, left, d.packed.data(), shape, hl.data());
  accumulate_all(d.bins, right, d.packed.data(), shape, hr.data());
  for (std::size_t i = 0; i < shape.size(); ++i) ASSERT_EQ(hp[i], hl[i] + hr[i]);
  subtract(hp.data(), hl.data(), sibling.data(), shape.size());
  EXPECT_EQ(sibling, hr);
  // The channels of every feature's slots add up to the node's totals.
  std::int64_t high = 0, low = 0;
  for (const auto r : parent) {
    high += d.high[r];
    low += d.low[r];
  }
  for (std::size_t f = 0; f < 9; ++f) {
    Stats total;
    for (std::size_t b = 0; b < kHistBins; ++b) total += unpack(hp.data() + shape.feature_offset(f) + b, 1);
    EXPECT_EQ(total.c[0], low);
    EXPECT_EQ(total.c[1], high);
  }
}

}  // namespace
}  // namespace evclass::learn::trees
