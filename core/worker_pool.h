// worker_pool.h: a fixed set of threads that run one index range at a time,
// for a stage that spreads a batch's records over cores and keeps their order.
//
//   WorkerPool pool(4);  // the calling thread is one of the four
//   pool.ForEach(batch.size(), [&](size_t i, size_t worker) {
//     results[i] = Work(batch[i], scratch[worker]);  // per-worker state by index
//   });
//   // every index has run; results are read in batch order
//
// ForEach hands indexes out in small chunks to whichever worker is free and
// returns when fn has run for every index in [0, n). With one worker it is a
// plain loop on the calling thread.
//
// Thread-safety: ForEach is called from one thread at a time (the stage's);
// fn runs concurrently on up to size() threads, each with its own worker
// number in [0, size()), and must not throw.
// Failure: none; a thread that cannot start aborts at construction.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace herald {

class WorkerPool {
 public:
  // threads == 0: one per CPU this process may run on.
  explicit WorkerPool(size_t threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  size_t size() const { return threads_.size() + 1; }
  void ForEach(size_t n, const std::function<void(size_t index, size_t worker)>& fn);

  // The CPUs this process may run on (its affinity mask), at least 1.
  static size_t AvailableCpus();

 private:
  void Work(size_t worker);
  void RunChunks(size_t worker);

  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable done_;
  const std::function<void(size_t, size_t)>* job_ = nullptr;
  size_t job_size_ = 0;
  size_t next_index_ = 0;    // guarded by mutex_
  uint64_t generation_ = 0;  // bumped per ForEach; workers wait for a new one
  size_t busy_ = 0;          // workers still on the current job
  bool stopping_ = false;
};

}  // namespace herald
