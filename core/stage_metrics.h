// stage_metrics.h: what a stage has done and how it is, for /metrics, /healthz
// and /readyz, and for the demo and tests that wait on a stage.
//
//   metrics::Registry registry;
//   StageMetrics m("processor", &registry);   // series labelled stage="processor"
//   StageContext context{.stop = token, .metrics = &m};
//   RunProcessor(options, context);           // the stage loop updates m
//   m.Readiness();                            // ok once consuming, a broker up, the sink writable
//
// The series (declared here, beside the stage loop that updates them):
//   herald_records_in_total, herald_records_out_total, herald_records_committed_total,
//   herald_dead_letters_total{code}, herald_batch_duration_seconds (handle + commit),
//   herald_record_latency_seconds (record's Kafka timestamp to its commit here),
//   herald_sink_write_seconds{sink}, herald_consumer_lag{topic,partition} (the
//   brokers' end offsets less the group's committed ones, asked every few
//   seconds), and from librdkafka's statistics herald_producer_queue_messages,
//   herald_producer_queue_bytes, herald_kafka_brokers_up{client}.
// Thread-safety: the stage thread and librdkafka's threads update it; any
// thread reads it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <string_view>

#include "core/kafka.h"
#include "core/metrics.h"
#include "core/status.h"

namespace herald {
namespace kafka {
class Cluster;
}  // namespace kafka

class StageMetrics {
  // Declared first: the metric references below are initialised from it.
  std::string stage_;
  std::unique_ptr<metrics::Registry> own_registry_;
  metrics::Registry& registry_;

 public:
  // Without a registry the series live in a private one (demo, tests).
  explicit StageMetrics(std::string stage, metrics::Registry* registry = nullptr);
  StageMetrics(const StageMetrics&) = delete;
  StageMetrics& operator=(const StageMetrics&) = delete;

  const std::string& stage() const { return stage_; }

  metrics::Counter& records_in;     // consumed and handled, committed or not
  metrics::Counter& records_out;    // results handed on (events, rows, alerts)
  metrics::Counter& dead_lettered;  // rejected to the DLQ, all codes
  metrics::Counter& committed;      // records whose offsets are committed or stored for the next commit
  metrics::Histogram& batch_seconds;
  metrics::Histogram& record_latency_seconds;

  void CountDeadLetters(ErrorCode code, int64_t n);
  int64_t dead_letters(ErrorCode code) const;
  metrics::Histogram& sink_write_seconds(const std::string& sink);

  // The stage loop turned (polled); /healthz watches this.
  void Heartbeat();
  // Consuming: set by the stage loop once its consumer polls.
  void SetConsuming(bool consuming) { consuming_ = consuming; }
  bool consuming() const { return consuming_; }
  // The stage's sink (database, webhook, producer) took its last write, or not.
  void SetSinkHealthy(bool healthy) { sink_healthy_ = healthy; }
  // A stage's durable write of a batch to its sink: runs `write` (which returns a
  // Status or Result), timed into `seconds` (a sink_write_seconds series, looked
  // up once), and sets the sink's health from the result, which it returns.
  //   Status s = metrics.TimedSinkWrite(sqlite_seconds, [&] { return store->Upsert(rows); });
  template <typename Write>
  auto TimedSinkWrite(metrics::Histogram& seconds, Write&& write) {
    const auto started = std::chrono::steady_clock::now();
    auto result = write();
    seconds.Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    SetSinkHealthy(static_cast<bool>(result));
    return result;
  }
  // A sink that works on its own (the alerter's webhooks) reports what is wrong
  // with it, or "" once nothing is; readiness fails while any reports a problem.
  void SetSinkProblem(const std::string& sink, std::string problem);

  // The registry the series live in, for a stage's own series.
  metrics::Registry& registry() { return registry_; }

  // librdkafka statistics JSON from one of the stage's clients ("consumer" or "producer").
  void OnKafkaStatistics(std::string_view client, std::string_view json);
  // The consumer's lag, as the stage loop asks the brokers for it (kafka::Consumer::Lag).
  void SetLag(kafka::Consumer::PartitionLag lag);
  // The stage loop has a batch in hand, or no longer: readiness fails while
  // one has been in hand for longer than its `batch_stuck`.
  void BatchStarted();
  void BatchEnded();

  // Alive unless the loop has not turned for `stall`.
  Status Liveness(std::chrono::seconds stall) const;
  // Ready when consuming, no batch in hand for longer than batch_stuck (a
  // broker or sink call that does not return), no sink reporting a problem,
  // and the consumer (in a stage without one, the producer) sees a broker up.
  Status Readiness(std::chrono::seconds batch_stuck = std::chrono::seconds(15)) const;

 private:
  void Collect(metrics::Samples& out) const;
  // herald_dead_letters_total{stage, code}, registered on first use.
  metrics::Counter& DeadLetterCounter(ErrorCode code) const;

  std::atomic<int64_t> last_turn_ms_;
  std::atomic<bool> consuming_{false};
  std::atomic<int64_t> batch_started_ms_{0};  // 0: none in hand
  std::atomic<bool> sink_healthy_{true};
  mutable std::mutex mutex_;                          // guards what follows
  std::map<std::string, int> brokers_up_;             // by client; absent until its first statistics
  std::map<std::string, std::string> sink_problems_;  // by sink, only those with one
  kafka::Consumer::PartitionLag lag_;
  int64_t producer_queue_messages_ = 0, producer_queue_bytes_ = 0;
};

// What every stage's Run function gets besides its options.
struct StageContext {
  std::stop_token stop;
  StageMetrics* metrics;
  // Counts SIGHUPs; a stage that can reload its configuration (the alerter's
  // rules) does so when the count changes. Null when nothing reloads.
  const std::atomic<uint64_t>* reloads = nullptr;
  // Where the stage's Kafka clients come from: null for the brokers its options
  // name (kafka::Brokers()); the unit tests of its wiring pass an in-memory
  // cluster (kafka::FakeCluster).
  kafka::Cluster* cluster = nullptr;
};

}  // namespace herald
