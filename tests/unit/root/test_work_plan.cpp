// How a read's baskets are handed to its threads (root/work_plan.hpp).

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "root/work_plan.hpp"

namespace evclass::root::detail {
namespace {

void expect_every_task_once(const WorkPlan& plan, std::size_t n) {
  ASSERT_EQ(plan.order.size(), n);
  std::vector<std::size_t> sorted = plan.order;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t k = 0; k < n; ++k) ASSERT_EQ(sorted[k], k) << "task " << k << " missing or twice";
  ASSERT_FALSE(plan.runs.empty());
  EXPECT_EQ(plan.runs.front(), 0u);
  EXPECT_EQ(plan.runs.back(), n);
  for (std::size_t r = 0; r + 1 < plan.runs.size(); ++r) EXPECT_LT(plan.runs[r], plan.runs[r + 1]) << "empty run " << r;
}

TEST(WorkPlan, OneThreadTakesEveryBasketInOrderAsOneRun) {
  const std::vector<std::int64_t> bytes{5, 900, 3, 3, 70};
  const WorkPlan plan = plan_work(bytes, 1);
  expect_every_task_once(plan, bytes.size());
  EXPECT_EQ(plan.order, (std::vector<std::size_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(plan.runs, (std::vector<std::size_t>{0, 5}));
  EXPECT_EQ(plan_work({}, 4).runs, std::vector<std::size_t>{0});
}

TEST(WorkPlan, TheLargestGoFirstAloneAndTheRestInTheirOwnOrderInRunsOfNeighbours) {
  std::mt19937 rng(7);
  for (const int threads : {2, 3, 8}) {
    std::vector<std::int64_t> bytes(5000);
    for (auto& b : bytes) b = 1000 + static_cast<std::int64_t>(rng() % 50000);
    const WorkPlan plan = plan_work(bytes, threads);
    expect_every_task_once(plan, bytes.size());
    const std::size_t first = 8 * static_cast<std::size_t>(threads);
    // The first `first` runs are single baskets, larger than any basket after them.
    for (std::size_t r = 0; r < first; ++r) EXPECT_EQ(plan.runs[r + 1] - plan.runs[r], 1u);
    std::int64_t min_first = INT64_MAX, max_rest = 0;
    for (std::size_t k = 0; k < first; ++k) min_first = std::min(min_first, bytes[plan.order[k]]);
    for (std::size_t k = first; k < bytes.size(); ++k) max_rest = std::max(max_rest, bytes[plan.order[k]]);
    EXPECT_GE(min_first, max_rest);
    // After them, the tasks keep the caller's order (neighbouring baskets of a branch together).
    EXPECT_TRUE(std::is_sorted(plan.order.begin() + static_cast<std::ptrdiff_t>(first), plan.order.end()));
    // Runs group neighbours, yet leave enough of them for the threads to even out.
    const std::size_t runs = plan.runs.size() - 1 - first;
    EXPECT_GE(runs, 16u * static_cast<std::size_t>(threads)) << threads << " threads";
    EXPECT_LT(runs, bytes.size() - first) << "every run holds a single basket";
  }
}

TEST(WorkPlan, FewBasketsAreHandedOutOneAtATime) {
  const std::vector<std::int64_t> bytes{10, 20, 30, 40, 50};
  const WorkPlan plan = plan_work(bytes, 2);
  expect_every_task_once(plan, bytes.size());
  EXPECT_EQ(plan.order, (std::vector<std::size_t>{4, 3, 2, 1, 0}));
  EXPECT_EQ(plan.runs.size(), bytes.size() + 1);
}

}  // namespace
}  // namespace evclass::root::detail
