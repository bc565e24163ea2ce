// Unit tests of evclass/core/parallel.hpp: parallel_for and the thread-count Context.

#include <gtest/gtest.h>

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
