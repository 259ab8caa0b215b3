// stage_counters.h: what a stage has done so far, readable from other threads
// (the demo waits on them; /metrics will render them).
// Thread-safety: atomics; a stage increments, anyone reads.
#pragma once

#include <atomic>
#include <cstdint>

namespace herald {

struct StageCounters {
  std::atomic<int64_t> records_in{0};       // consumed and handled, committed or not
  std::atomic<int64_t> records_out{0};      // results handed on (events, rows, alerts)
  std::atomic<int64_t> dead_lettered{0};    // rejected to the DLQ
  std::atomic<int64_t> committed{0};        // records whose offsets are committed
  std::atomic<bool> ready{false};           // connected and consuming
};

}  // namespace herald
