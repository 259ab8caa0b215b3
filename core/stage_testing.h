// stage_testing.h: runs a stage's Run function on the in-memory cluster
// (core/fake_kafka.h), for the unit tests of its wiring.
//
//   kafka::FakeCluster cluster;
//   ... create the stage's topics, append its input ...
//   StageMetrics metrics("processor");
//   StageRun run = RunStageOnFakeCluster(cluster, metrics, 3, [&](const StageContext& c) {
//     return RunProcessor(options, c);
//   });
//   EXPECT_TRUE(run.committed);   // all 3 records handled and committed
//   EXPECT_TRUE(run.result);      // what Run returned once stopped
//
// Thread-safety: runs the stage on a thread of its own and returns once it has stopped.
#pragma once

#include <chrono>
#include <functional>
#include <stop_token>
#include <thread>

#include "core/fake_kafka.h"
#include "core/stage_metrics.h"
#include "core/status.h"

namespace herald::testing {

struct StageRun {
  bool committed = false;  // the stage committed the records before the bound
  Status result;           // what its Run function returned
};

// Runs `run` with a context on `cluster` until `metrics` count `records`
// committed, the stage returns by itself, or `bound` passes; then stops it.
inline StageRun RunStageOnFakeCluster(kafka::FakeCluster& cluster, StageMetrics& metrics, int64_t records,
                                      const std::function<Status(const StageContext&)>& run,
                                      std::chrono::seconds bound = std::chrono::seconds(30)) {
  StageRun out;
  std::stop_source stop;
  std::atomic<bool> returned = false;
  std::jthread stage([&] {
    out.result = run({.stop = stop.get_token(), .metrics = &metrics, .cluster = &cluster});
    returned = true;
  });
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (!returned && metrics.committed.value() < records && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  out.committed = metrics.committed.value() == records;
  stop.request_stop();
  stage.join();
  return out;
}

}  // namespace herald::testing
