// Unit tests of evclass/core/parallel.hpp: parallel_for, parallel_shares and the thread-count Context.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "evclass/core/parallel.hpp"

namespace evclass::core {
namespace {

// Runs parallel_for and returns how many times each index was visited.
std::vector<int> visit_counts(std::size_t n, int threads) {
  auto counts = std::make_unique<std::atomic<int>[]>(n);
  for (std::size_t i = 0; i < n; ++i) counts[i] = 0;
  parallel_for(n, Context{threads}, [&](std::size_t i) {
    if (i >= n) throw std::logic_error("index out of range: " + std::to_string(i));
    counts[i].fetch_add(1);
  });
  std::vector<int> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = counts[i].load();
  return out;
}

TEST(ParallelFor, VisitsEveryIndexExactlyOnceForSeveralThreadCounts) {
  for (int threads : {1, 2, 3, 4, 8, 0}) {
    for (std::size_t n : {std::size_t{1}, std::size_t{2}, std::size_t{7}, std::size_t{1000}}) {
      const auto counts = visit_counts(n, threads);
      for (std::size_t i = 0; i < n; ++i)
        ASSERT_EQ(counts[i], 1) << "index " << i << " with n=" << n << " and threads=" << threads;
    }
  }
}

TEST(ParallelFor, WorksWithMoreThreadsThanIndices) {
  const auto counts = visit_counts(3, 16);
  EXPECT_EQ(counts, (std::vector<int>{1, 1, 1}));
}

TEST(ParallelFor, ZeroIndicesNeverCallsTheFunction) {
  for (int threads : {1, 4, 0}) {
    int calls = 0;
    parallel_for(0, Context{threads}, [&](std::size_t) { ++calls; });
    EXPECT_EQ(calls, 0) << "threads=" << threads;
  }
}

TEST(ParallelFor, OneThreadVisitsIndicesInOrder) {
  std::vector<std::size_t> order;
  parallel_for(50, Context{1}, [&](std::size_t i) { order.push_back(i); });
  ASSERT_EQ(order.size(), 50u);
  for (std::size_t i = 0; i < order.size(); ++i) EXPECT_EQ(order[i], i);
}

TEST(ParallelFor, UsesMoreThanOneThreadWhenAskedTo) {
  if (hardware_threads() < 2) GTEST_SKIP() << "only one core available";
  std::mutex m;
  std::set<std::thread::id> ids;
  std::atomic<int> inside{0};
  // The first call waits (up to 5 s, so that a loaded machine has time to start the other
  // worker) until a second call has begun; otherwise one worker could take every index.
  parallel_for(64, Context{4}, [&](std::size_t) {
    inside.fetch_add(1);
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (inside.load() < 2 && std::chrono::steady_clock::now() < give_up) std::this_thread::yield();
    {
      std::lock_guard<std::mutex> lock(m);
      ids.insert(std::this_thread::get_id());
    }
  });
  EXPECT_GE(ids.size(), 2u);
}

TEST(ParallelFor, RethrowsTheExceptionAWorkerThrew) {
  for (int threads : {1, 4}) {
    try {
      parallel_for(100, Context{threads}, [](std::size_t i) {
        if (i == 37) throw std::runtime_error("bad index 37");
      });
      ADD_FAILURE() << "no exception with threads=" << threads;
    } catch (const std::runtime_error& e) {
      EXPECT_STREQ(e.what(), "bad index 37") << "threads=" << threads;
    }
  }
}

TEST(ParallelFor, KeepsTheTypeOfTheRethrownException) {
  EXPECT_THROW(parallel_for(10, Context{3}, [](std::size_t i) {
                 if (i == 5) throw std::out_of_range("five");
               }),
               std::out_of_range);
}

TEST(ParallelFor, RethrowsExactlyOneOfTheExceptionsWhenSeveralWorkersThrow) {
  // Every index throws its own message; the caller must see one of them, intact.
  try {
    parallel_for(200, Context{4}, [](std::size_t i) { throw std::runtime_error("index " + std::to_string(i)); });
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    const std::string msg = e.what();
    ASSERT_EQ(msg.rfind("index ", 0), 0u) << msg;
    const int i = std::stoi(msg.substr(6));
    EXPECT_GE(i, 0);
    EXPECT_LT(i, 200);
  }
}

TEST(ParallelFor, SkipsTheRemainingCallsAfterAnException) {
  std::atomic<int> calls{0};
  EXPECT_THROW(parallel_for(100000, Context{2}, [&](std::size_t i) {
                 calls.fetch_add(1);
                 if (i == 0) throw std::runtime_error("stop");
               }),
               std::runtime_error);
  EXPECT_LT(calls.load(), 100000);
}

TEST(ParallelFor, OneThreadStopsAtTheFirstException) {
  int calls = 0;
  EXPECT_THROW(parallel_for(10, Context{1}, [&](std::size_t i) {
                 ++calls;
                 if (i == 3) throw std::runtime_error("stop");
               }),
               std::runtime_error);
  EXPECT_EQ(calls, 4);
}

// parallel_shares over shares with these bounds: how many times each item and each share's
// preparation ran, and whether every item ran after its own and every earlier share's preparation.
struct SharesRun {
  std::vector<int> items, prepared;
  bool prepared_before_items = true;
};

SharesRun run_shares(const std::vector<std::size_t>& bounds, int threads) {
  const std::size_t n = bounds.back(), shares = bounds.size() - 1;
  auto items = std::make_unique<std::atomic<int>[]>(n);
  auto prepared = std::make_unique<std::atomic<int>[]>(shares);
  for (std::size_t i = 0; i < n; ++i) items[i] = 0;
  for (std::size_t s = 0; s < shares; ++s) prepared[s] = 0;
  std::atomic<bool> early{false};
  parallel_shares(
      bounds, Context{threads},
      [&](int s) {
        // Even shares take a while to prepare, so that a thread done with an odd share reaches
        // them, or the shares after them, while they are still being prepared.
        if (s % 2 == 0) std::this_thread::sleep_for(std::chrono::microseconds(100));
        prepared[static_cast<std::size_t>(s)].fetch_add(1);
      },
      [&](std::size_t i) {
        if (i >= n) throw std::logic_error("item out of range: " + std::to_string(i));
        // The share holding item i (the last one whose first item is at or before it).
        const auto share = static_cast<std::size_t>(std::upper_bound(bounds.begin(), bounds.end() - 1, i) -
                                                    bounds.begin()) - 1;
        for (std::size_t s = 0; s <= share; ++s)
          if (prepared[s].load() != 1) early = true;
        items[i].fetch_add(1);
      });
  SharesRun out;
  for (std::size_t i = 0; i < n; ++i) out.items.push_back(items[i].load());
  for (std::size_t s = 0; s < shares; ++s) out.prepared.push_back(prepared[s].load());
  out.prepared_before_items = !early.load();
  return out;
}

TEST(ParallelShares, RunsEveryItemOnceAfterItsOwnAndEveryEarlierShareWasPrepared) {
  const std::vector<std::vector<std::size_t>> cases{
      {0, 0}, {0, 1}, {0, 5}, {0, 3, 7}, {0, 0, 5, 5, 9}, {0, 100, 101, 400, 1000}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}};
  for (const int threads : {1, 2, 3, 4, 8, 0}) {
    for (const auto& bounds : cases) {
      for (int repeat = 0; repeat < 20; ++repeat) {
        const SharesRun run = run_shares(bounds, threads);
        for (std::size_t i = 0; i < run.items.size(); ++i)
          ASSERT_EQ(run.items[i], 1) << "item " << i << ", " << bounds.size() - 1 << " shares, threads=" << threads;
        for (std::size_t s = 0; s < run.prepared.size(); ++s)
          ASSERT_EQ(run.prepared[s], 1) << "share " << s << ", threads=" << threads;
        ASSERT_TRUE(run.prepared_before_items) << "threads=" << threads;
      }
    }
  }
}

// No barrier: the owner of share 0 runs its items while share 1 is still being prepared (share
// 1's preparation waits, up to 5 s, for share 0's first item).
TEST(ParallelShares, AShareThatIsReadyDoesNotWaitForALaterSharesPreparation) {
  if (hardware_threads() < 2) GTEST_SKIP() << "only one core available";
  const std::vector<std::size_t> bounds{0, 10, 20};
  std::atomic<bool> first_item_ran{false}, ran_during_preparation{false};
  parallel_shares(
      bounds, Context{2},
      [&](int s) {
        if (s != 1) return;
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (!first_item_ran.load() && std::chrono::steady_clock::now() < give_up) std::this_thread::yield();
        ran_during_preparation = first_item_ran.load();
      },
      [&](std::size_t i) {
        if (i < 10) first_item_ran = true;
      });
  EXPECT_TRUE(ran_during_preparation) << "share 0's items waited for share 1's preparation";
}

TEST(ParallelShares, OneThreadRunsTheItemsInOrder) {
  std::vector<std::size_t> order;
  std::vector<int> prepared;
  const std::vector<std::size_t> bounds{0, 4, 10};
  parallel_shares(
      bounds, Context{1}, [&](int s) { prepared.push_back(s); }, [&](std::size_t i) { order.push_back(i); });
  EXPECT_EQ(prepared, (std::vector<int>{0, 1}));
  ASSERT_EQ(order.size(), 10u);
  for (std::size_t i = 0; i < order.size(); ++i) EXPECT_EQ(order[i], i);
}

TEST(ParallelShares, AHelperTakesFromTheBackWhileTheOwnerGoesOnFromTheFront) {
  if (hardware_threads() < 2) GTEST_SKIP() << "only one core available";
  // Share 0 holds items 0..19, share 1 only item 20. The owner of share 0 waits in item 0 (up to
  // 5 s) until the other thread, done with share 1, has come to help.
  const std::vector<std::size_t> bounds{0, 20, 21};
  std::mutex m;
  std::vector<std::thread::id> by(21);
  std::atomic<int> helped{0};
  std::thread::id owner;
  parallel_shares(
      bounds, Context{2},
      [&](int s) {
        if (s == 0) owner = std::this_thread::get_id();
      },
      [&](std::size_t i) {
        const auto me = std::this_thread::get_id();
        if (i < 20 && me != owner) helped.fetch_add(1);
        if (i == 0) {
          const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
          while (helped.load() == 0 && std::chrono::steady_clock::now() < give_up) std::this_thread::yield();
        }
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        std::lock_guard<std::mutex> lock(m);
        by[i] = me;
      });
  ASSERT_GT(helped.load(), 0) << "the second thread never helped";
  // The owner's items are a stretch from the front, the helper's a stretch from the back.
  std::size_t k = 0;
  while (k < 20 && by[k] == owner) ++k;
  EXPECT_GE(k, 1u);
  for (std::size_t i = k; i < 20; ++i) EXPECT_NE(by[i], owner) << "item " << i << " interleaved";
  EXPECT_NE(by[19], owner);
}

TEST(ParallelShares, TheSameShareGoesToTheSameThreadFromCallToCall) {
  const std::vector<std::size_t> bounds{0, 10, 20};
  auto owners = [&] {
    std::vector<std::thread::id> who(2);
    parallel_shares(
        bounds, Context{2}, [&](int s) { who[static_cast<std::size_t>(s)] = std::this_thread::get_id(); },
        [](std::size_t) {});
    return who;
  };
  const auto first = owners();
  for (int call = 0; call < 20; ++call) ASSERT_EQ(owners(), first) << "call " << call;
  EXPECT_NE(first[0], first[1]);
}

TEST(ParallelShares, AFailedPreparationRunsNoItemOfItsOrALaterShareAndIsRethrown) {
  for (const int threads : {1, 2, 4}) {
    for (int repeat = 0; repeat < 20; ++repeat) {
      std::atomic<int> later_items{0};
      const std::vector<std::size_t> bounds{0, 50, 100, 150};
      try {
        parallel_shares(
            bounds, Context{threads},
            [](int s) {
              if (s == 1) throw std::out_of_range("share 1 cannot be prepared");
            },
            [&](std::size_t i) {
              if (i >= 50) later_items.fetch_add(1);
            });
        ADD_FAILURE() << "no exception with threads=" << threads;
      } catch (const std::out_of_range& e) {
        EXPECT_STREQ(e.what(), "share 1 cannot be prepared");
      }
      ASSERT_EQ(later_items.load(), 0) << "threads=" << threads;
    }
  }
}

TEST(ParallelShares, RethrowsTheExceptionAnItemThrewAndSkipsTheRest) {
  for (const int threads : {1, 2, 4}) {
    std::atomic<int> calls{0};
    const std::vector<std::size_t> bounds{0, 50000, 100000};
    try {
      parallel_shares(
          bounds, Context{threads}, [](int) {},
          [&](std::size_t i) {
            calls.fetch_add(1);
            if (i == 0 || i == 50000) throw std::runtime_error("bad item " + std::to_string(i));
          });
      ADD_FAILURE() << "no exception with threads=" << threads;
    } catch (const std::runtime_error& e) {
      const std::string msg = e.what();
      EXPECT_TRUE(msg == "bad item 0" || msg == "bad item 50000") << msg;
    }
    EXPECT_LT(calls.load(), 100000) << "threads=" << threads;
  }
}

TEST(Context, ZeroThreadsResolvesToTheHardwareThreads) {
  EXPECT_EQ(Context{0}.resolved_threads(), hardware_threads());
  EXPECT_EQ(Context{}.resolved_threads(), hardware_threads());
}

TEST(Context, HardwareThreadsIsAtLeastOneAndAtMostTheMachinesCores) {
  EXPECT_GE(hardware_threads(), 1);
  const unsigned cores = std::thread::hardware_concurrency();
  if (cores > 0) {
    EXPECT_LE(hardware_threads(), static_cast<int>(cores));
  }
}

TEST(Context, PositiveThreadCountIsKept) {
  EXPECT_EQ(Context{1}.resolved_threads(), 1);
  EXPECT_EQ(Context{7}.resolved_threads(), 7);
}

}  // namespace
}  // namespace evclass::core
