#include "core/worker_pool.h"

#include <sched.h>

#include <algorithm>

namespace herald {
namespace {

// Indexes per hand-out: few enough trips to the lock, small enough to balance.
constexpr size_t kChunk = 8;

}  // namespace

size_t WorkerPool::AvailableCpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

WorkerPool::WorkerPool(size_t threads) {
  if (threads == 0) threads = AvailableCpus();
  for (size_t w = 1; w < threads; ++w) threads_.emplace_back([this, w] { Work(w); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void WorkerPool::RunChunks(size_t worker) {
  const auto& fn = *job_;
  for (;;) {
    size_t begin, end;
    {
      std::lock_guard lock(mutex_);
      begin = next_index_;
      end = std::min(job_size_, begin + kChunk);
      next_index_ = end;
    }
    if (begin >= end) return;
    for (size_t i = begin; i < end; ++i) fn(i, worker);
  }
}

void WorkerPool::Work(size_t worker) {
  uint64_t seen = 0;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
      if (stopping_) return;
      seen = generation_;
    }
    RunChunks(worker);
    {
      std::lock_guard lock(mutex_);
      if (--busy_ == 0) done_.notify_one();
    }
  }
}

void WorkerPool::ForEach(size_t n, const std::function<void(size_t, size_t)>& fn) {
  if (threads_.empty() || n <= 1) {
    for (size_t i = 0; i < n; ++i) fn(i, 0);
    return;
  }
  {
    std::lock_guard lock(mutex_);
    job_ = &fn;
    job_size_ = n;
    next_index_ = 0;
    busy_ = threads_.size();
    ++generation_;
  }
  wake_.notify_all();
  RunChunks(0);
  std::unique_lock lock(mutex_);
  done_.wait(lock, [&] { return busy_ == 0; });
  job_ = nullptr;
}

}  // namespace herald
