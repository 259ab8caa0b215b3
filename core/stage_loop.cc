#include "core/stage_loop.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/log.h"

namespace herald {
namespace {

// Sleeps for `d` unless stop is requested first.
void SleepUnlessStopped(std::chrono::milliseconds d, std::stop_token stop) {
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock lock(m);
  cv.wait_for(lock, stop, d, [] { return false; });
}

Status Loop(kafka::Consumer& consumer, const StageLoopOptions& options, const BatchHandler& handle,
            std::stop_token stop) {
  std::chrono::milliseconds backoff{100};
  while (!stop.stop_requested()) {
    auto batch = consumer.Poll(options.batch_size, options.poll_wait);
    if (!batch) return std::unexpected(batch.error());
    if (options.counters) options.counters->ready = true;
    if (batch->empty()) continue;
    if (options.counters) options.counters->records_in += static_cast<int64_t>(batch->size());
    Result<BatchOutcome> handled = handle(*batch);
    if (handled) {
      if (options.counters) {
        options.counters->records_out += handled->records_out;
        options.counters->dead_lettered += handled->dead_lettered;
      }
      Status committed = options.commit_offsets ? consumer.Commit(*batch) : Status{};
      if (!committed) {
        log::Warn("offset commit failed; the records will be consumed again",
                  {{"stage", options.stage}, {"reason", committed.error().reason}});
      } else if (options.counters) {
        options.counters->committed += static_cast<int64_t>(batch->size());
      }
      backoff = std::chrono::milliseconds(100);
      continue;
    }
    const Error& e = handled.error();
    if (e.kind == ErrorKind::kFatal || e.kind == ErrorKind::kPermanent) {
      log::Error("stage failed", {{"stage", options.stage}, {"reason", e.reason}});
      return std::unexpected(e);
    }
    log::Warn("batch failed; rewinding to retry",
              {{"stage", options.stage}, {"kind", e.kind_name()}, {"reason", e.reason},
               {"backoff_ms", std::to_string(backoff.count())}});
    if (options.counters) options.counters->records_in -= static_cast<int64_t>(batch->size());
    if (Status r = consumer.Rewind(*batch); !r) {
      log::Warn("rewind failed", {{"stage", options.stage}, {"reason", r.error().reason}});
    }
    SleepUnlessStopped(backoff, stop);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
  return {};
}

}  // namespace

Status RunStageLoop(kafka::Consumer& consumer, const StageLoopOptions& options, const BatchHandler& handle,
                    std::stop_token stop) {
  Status s = Loop(consumer, options, handle, stop);
  consumer.Close();
  return s;
}

}  // namespace herald
