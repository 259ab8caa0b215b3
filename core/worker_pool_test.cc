#include "core/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

namespace herald {
namespace {

TEST(WorkerPoolTest, EveryIndexRunsOnceWithAWorkerNumberInRange) {
  WorkerPool pool(3);
  ASSERT_EQ(pool.size(), 3u);
  for (size_t n : {0u, 1u, 7u, 1000u}) {  // again and again on the same threads
    std::vector<std::atomic<int>> runs(n);
    std::vector<size_t> worker_of(n, SIZE_MAX);
    pool.ForEach(n, [&](size_t i, size_t worker) {
      runs[i].fetch_add(1);
      worker_of[i] = worker;
    });
    for (size_t i = 0; i < n; ++i) {
      EXPECT_EQ(runs[i].load(), 1) << "index " << i << " of " << n;
      EXPECT_LT(worker_of[i], pool.size());
    }
  }
}

TEST(WorkerPoolTest, WorkSpreadsOverThreads) {
  WorkerPool pool(2);
  std::mutex mutex;
  std::set<std::thread::id> threads;
  std::atomic<int> waiting{2};
  // The first index of each worker waits for the other's: both threads must take part.
  pool.ForEach(64, [&](size_t, size_t) {
    {
      std::lock_guard lock(mutex);
      if (!threads.insert(std::this_thread::get_id()).second) return;
    }
    waiting.fetch_sub(1);
    while (waiting.load() > 0) std::this_thread::yield();
  });
  EXPECT_EQ(threads.size(), 2u);
}

TEST(WorkerPoolTest, OneWorkerRunsOnTheCallingThreadInOrder) {
  WorkerPool pool(1);
  std::vector<size_t> order;
  const std::thread::id caller = std::this_thread::get_id();
  pool.ForEach(5, [&](size_t i, size_t worker) {
    EXPECT_EQ(worker, 0u);
    EXPECT_EQ(std::this_thread::get_id(), caller);
    order.push_back(i);
  });
  EXPECT_EQ(order, (std::vector<size_t>{0, 1, 2, 3, 4}));
}

TEST(WorkerPoolTest, ZeroMeansOnePerAvailableCpu) {
  WorkerPool pool(0);
  EXPECT_EQ(pool.size(), WorkerPool::AvailableCpus());
  EXPECT_GE(pool.size(), 1u);
}

}  // namespace
}  // namespace herald
