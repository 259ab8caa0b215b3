#include "core/stage_metrics.h"

#include <simdjson.h>

#include <algorithm>
#include <optional>

#include "core/log.h"

namespace herald {
namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::unique_ptr<metrics::Registry> OwnRegistryUnless(metrics::Registry* given) {
  return given ? nullptr : std::make_unique<metrics::Registry>();
}

}  // namespace

StageMetrics::StageMetrics(std::string stage, metrics::Registry* registry)
    : stage_(std::move(stage)),
      own_registry_(OwnRegistryUnless(registry)),
      registry_(registry ? *registry : *own_registry_),
      records_in(registry_.AddCounter("herald_records_in_total", "Records consumed and handled.", {{"stage", stage_}})),
      records_out(registry_.AddCounter("herald_records_out_total", "Results handed on: events, rows, alerts.",
                                       {{"stage", stage_}})),
      dead_lettered(registry_.AddCounter("herald_dead_lettered_total", "Records sent to the dead-letter topic.",
                                         {{"stage", stage_}})),
      committed(registry_.AddCounter("herald_records_committed_total",
                                     "Records whose offsets are committed (exactly-once) or stored for the consumer's "
                                     "next automatic commit, at most a second later (at-least-once).",
                                     {{"stage", stage_}})),
      batch_seconds(registry_.AddHistogram("herald_batch_duration_seconds",
                                           "Time to handle a batch and make its results and offsets durable.",
                                           {{"stage", stage_}})),
      record_latency_seconds(registry_.AddHistogram(
          "herald_record_latency_seconds",
          "From a record's Kafka timestamp (when it was produced) to its commit by this stage.", {{"stage", stage_}})),
      last_turn_ms_(NowMs()) {
  registry_.AddCollector([this](metrics::Samples& out) { Collect(out); });
}

metrics::Counter& StageMetrics::DeadLetterCounter(ErrorCode code) const {
  return registry_.AddCounter("herald_dead_letters_total", "Records sent to the dead-letter topic, by error code.",
                              {{"stage", stage_}, {"code", v1::ErrorCode_Name(code)}});
}

void StageMetrics::CountDeadLetters(ErrorCode code, int64_t n) {
  dead_lettered.Add(n);
  DeadLetterCounter(code).Add(n);
}

int64_t StageMetrics::dead_letters(ErrorCode code) const { return DeadLetterCounter(code).value(); }

metrics::Histogram& StageMetrics::sink_write_seconds(const std::string& sink) {
  return registry_.AddHistogram("herald_sink_write_seconds", "Time to write one batch to the stage's sink.",
                                {{"stage", stage_}, {"sink", sink}});
}

void StageMetrics::Heartbeat() { last_turn_ms_.store(NowMs(), std::memory_order_relaxed); }

void StageMetrics::OnKafkaStatistics(std::string_view client, std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS) {
    log::Debug("unreadable librdkafka statistics", {{"client", client}});
    return;
  }
  int up = 0;
  simdjson::dom::object brokers;
  if (root["brokers"].get(brokers) == simdjson::SUCCESS) {
    for (auto [name, broker] : brokers) {
      std::string_view state;
      if (broker["state"].get(state) == simdjson::SUCCESS && state == "UP") ++up;
    }
  }
  int64_t queued = 0, queued_bytes = 0;
  if (client == "producer") {
    if (root["msg_cnt"].get(queued) != simdjson::SUCCESS) queued = 0;
    if (root["msg_size"].get(queued_bytes) != simdjson::SUCCESS) queued_bytes = 0;
  }
  std::lock_guard lock(mutex_);
  brokers_up_[std::string(client)] = up;
  if (client == "producer") {
    producer_queue_messages_ = queued;
    producer_queue_bytes_ = queued_bytes;
  }
}

Status StageMetrics::Liveness(std::chrono::seconds stall) const {
  int64_t idle_ms = NowMs() - last_turn_ms_.load(std::memory_order_relaxed);
  if (idle_ms > std::chrono::duration_cast<std::chrono::milliseconds>(stall).count()) {
    return Fatal("the " + stage_ + " loop has not turned for " + std::to_string(idle_ms / 1000) + " s");
  }
  return {};
}

void StageMetrics::SetSinkProblem(const std::string& sink, std::string problem) {
  std::lock_guard lock(mutex_);
  if (problem.empty()) {
    sink_problems_.erase(sink);
  } else {
    sink_problems_[sink] = std::move(problem);
  }
}

void StageMetrics::SetLag(kafka::Consumer::PartitionLag lag) {
  std::lock_guard lock(mutex_);
  lag_ = std::move(lag);
}

void StageMetrics::BatchStarted() { batch_started_ms_.store(NowMs(), std::memory_order_relaxed); }
void StageMetrics::BatchEnded() { batch_started_ms_.store(0, std::memory_order_relaxed); }

Status StageMetrics::Readiness(std::chrono::seconds batch_stuck) const {
  if (!consuming_) return Retriable("not consuming yet");
  if (!sink_healthy_) return Retriable("the last write to the sink failed");
  // Blocked in a Kafka or sink call (a broker outage inside a transaction, a
  // database that does not answer), the loop cannot say so itself.
  if (const int64_t started = batch_started_ms_.load(std::memory_order_relaxed); started != 0) {
    const int64_t in_hand_ms = NowMs() - started;
    if (in_hand_ms > std::chrono::duration_cast<std::chrono::milliseconds>(batch_stuck).count()) {
      return Retriable("a batch has been in hand for " + std::to_string(in_hand_ms / 1000) +
                       " s: the brokers or the sink are not answering");
    }
  }
  std::lock_guard lock(mutex_);
  if (!sink_problems_.empty()) return Retriable(sink_problems_.begin()->second);
  auto it = brokers_up_.find("consumer");
  if (it == brokers_up_.end()) it = brokers_up_.find("producer");  // a stage that only produces (produce --watch)
  if (it == brokers_up_.end()) return Retriable("no broker statistics yet");
  if (it->second == 0) return Retriable("no Kafka broker connection is up");
  return {};
}

void StageMetrics::Collect(metrics::Samples& out) const {
  std::lock_guard lock(mutex_);
  for (const auto& [tp, lag] : lag_) {
    out.Gauge(
        "herald_consumer_lag", "Records behind the partition's end: its end offset less the group's committed offset.",
        {{"stage", stage_}, {"topic", tp.first}, {"partition", std::to_string(tp.second)}}, static_cast<double>(lag));
  }
  for (const auto& [client, up] : brokers_up_) {
    out.Gauge("herald_kafka_brokers_up", "Broker connections in state UP.", {{"stage", stage_}, {"client", client}},
              up);
  }
  if (brokers_up_.contains("producer")) {
    out.Gauge("herald_producer_queue_messages", "Messages in the producer's queues, not yet acknowledged.",
              {{"stage", stage_}}, static_cast<double>(producer_queue_messages_));
    out.Gauge("herald_producer_queue_bytes", "Bytes in the producer's queues, not yet acknowledged.",
              {{"stage", stage_}}, static_cast<double>(producer_queue_bytes_));
  }
  out.Gauge("herald_stage_consuming", "1 while the stage's consumer is polling.", {{"stage", stage_}},
            consuming_ ? 1 : 0);
}

}  // namespace herald
