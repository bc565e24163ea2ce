// How a read's baskets are shared between its threads (root/work_plan.hpp).

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "root/work_plan.hpp"

namespace evclass::root::detail {
namespace {

// Every task once; shares are non-empty stretches of neighbouring tasks, and the order lists each
// share's own tasks within its bounds.
void expect_shares_of_neighbours(const WorkPlan& plan, std::size_t n) {
  ASSERT_EQ(plan.order.size(), n);
  ASSERT_GE(plan.shares.size(), 2u);
  EXPECT_EQ(plan.shares.front(), 0u);
  EXPECT_EQ(plan.shares.back(), n);
  for (std::size_t s = 0; s + 1 < plan.shares.size(); ++s) {
    if (n > 0) {
      EXPECT_LT(plan.shares[s], plan.shares[s + 1]) << "empty share " << s;
    }
    std::vector<std::size_t> mine(plan.order.begin() + static_cast<std::ptrdiff_t>(plan.shares[s]),
                                  plan.order.begin() + static_cast<std::ptrdiff_t>(plan.shares[s + 1]));
    std::sort(mine.begin(), mine.end());
    for (std::size_t k = 0; k < mine.size(); ++k)
      ASSERT_EQ(mine[k], plan.shares[s] + k) << "share " << s << " holds a task of another share";
  }
}

TEST(WorkPlan, OneThreadTakesEveryBasketInOrderAsOneShare) {
  const std::vector<std::int64_t> bytes{5, 900, 3, 3, 70};
  const WorkPlan plan = plan_work(bytes, 1);
  expect_shares_of_neighbours(plan, bytes.size());
  EXPECT_EQ(plan.order, (std::vector<std::size_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(plan.shares, (std::vector<std::size_t>{0, 5}));
}

TEST(WorkPlan, NoBasketsMakeOneEmptyShare) {
  const WorkPlan plan = plan_work({}, 4);
  EXPECT_TRUE(plan.order.empty());
  EXPECT_EQ(plan.shares, (std::vector<std::size_t>{0, 0}));
}

TEST(WorkPlan, SharesHoldAboutTheSameBytesWithTheLargestFirstAndTheRestInOrder) {
  std::mt19937 rng(7);
  for (const int threads : {2, 3, 8}) {
    std::vector<std::int64_t> bytes(5000);
    for (auto& b : bytes) b = 1000 + static_cast<std::int64_t>(rng() % 50000);
    const WorkPlan plan = plan_work(bytes, threads);
    expect_shares_of_neighbours(plan, bytes.size());
    ASSERT_EQ(plan.shares.size(), static_cast<std::size_t>(threads) + 1);
    const std::int64_t total = std::accumulate(bytes.begin(), bytes.end(), std::int64_t{0});
    const std::int64_t largest = *std::max_element(bytes.begin(), bytes.end());
    for (std::size_t s = 0; s + 1 < plan.shares.size(); ++s) {
      const auto begin = plan.order.begin() + static_cast<std::ptrdiff_t>(plan.shares[s]);
      const auto end = plan.order.begin() + static_cast<std::ptrdiff_t>(plan.shares[s + 1]);
      std::int64_t mine = 0;
      for (auto it = begin; it != end; ++it) mine += bytes[*it];
      EXPECT_LE(std::abs(mine - total / threads), largest) << "share " << s << " of " << threads;
      // Its 8 largest first, largest to smallest; then the others in the caller's order.
      for (auto it = begin; it + 1 != begin + 8; ++it) EXPECT_GE(bytes[*it], bytes[*(it + 1)]);
      std::int64_t smallest_first = INT64_MAX, largest_rest = 0;
      for (auto it = begin; it != begin + 8; ++it) smallest_first = std::min(smallest_first, bytes[*it]);
      for (auto it = begin + 8; it != end; ++it) largest_rest = std::max(largest_rest, bytes[*it]);
      EXPECT_GE(smallest_first, largest_rest) << "share " << s;
      EXPECT_TRUE(std::is_sorted(begin + 8, end)) << "share " << s;
    }
  }
}

TEST(WorkPlan, ABasketLargerThanAShareFillsItsShareAlone) {
  const std::vector<std::int64_t> bytes{1, 1000, 1, 1};
  const WorkPlan plan = plan_work(bytes, 2);
  expect_shares_of_neighbours(plan, bytes.size());
  EXPECT_EQ(plan.shares, (std::vector<std::size_t>{0, 2, 4}));
  EXPECT_EQ(plan.order, (std::vector<std::size_t>{1, 0, 2, 3}));
}

TEST(WorkPlan, FewerBasketsThanThreadsGiveOneShareEach) {
  const std::vector<std::int64_t> bytes{10, 20, 30};
  const WorkPlan plan = plan_work(bytes, 8);
  expect_shares_of_neighbours(plan, bytes.size());
  EXPECT_EQ(plan.shares, (std::vector<std::size_t>{0, 1, 2, 3}));
  // Even where the bytes would put everything in the first share, every share gets a basket.
  const std::vector<std::int64_t> skewed{1000, 1, 1};
  EXPECT_EQ(plan_work(skewed, 3).shares, (std::vector<std::size_t>{0, 1, 2, 3}));
  const std::vector<std::int64_t> zeros(5, 0);
  const WorkPlan flat = plan_work(zeros, 2);
  expect_shares_of_neighbours(flat, zeros.size());
  EXPECT_EQ(flat.shares.size(), 3u);
}

TEST(WorkPlan, SmallReadsStartOneThreadPer32KiB) {
  EXPECT_EQ(threads_for({}, 8), 1);
  const std::vector<std::int64_t> small{4000, 6000, 0};
  EXPECT_EQ(threads_for(small, 2), 1);
  const std::vector<std::int64_t> hundred_kib(100, 1024);
  EXPECT_EQ(threads_for(hundred_kib, 8), 3);
  EXPECT_EQ(threads_for(hundred_kib, 2), 2);
  const std::vector<std::int64_t> large(1000, 1 << 20);
  EXPECT_EQ(threads_for(large, 16), 16);
  EXPECT_EQ(threads_for(large, 1), 1);
  const std::vector<std::int64_t> negative{-5'000'000, 10};
  EXPECT_EQ(threads_for(negative, 4), 1) << "sizes below zero count as nothing";
}

}  // namespace
}  // namespace evclass::root::detail
