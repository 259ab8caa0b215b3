#include "core/stage_loop.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include <unistd.h>

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

std::string FirstRecordKey(const kafka::Batch& batch) {
  const kafka::Record& r = batch.front();
  return r.topic() + "/" + std::to_string(r.partition()) + "/" + std::to_string(r.offset());
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void ObserveLatencies(const kafka::Batch& batch, metrics::Histogram& latency) {
  const int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  for (const kafka::Record& r : batch) {
    if (std::optional<int64_t> t = r.timestamp_ms()) latency.Observe(std::max<int64_t>(0, now_ms - *t) / 1000.0);
  }
}

Status Loop(kafka::Consumer& consumer, const StageLoopOptions& options, StageMetrics& metrics,
            const BatchHandler& handle, std::stop_token stop, const QuarantineHandler& quarantine) {
  std::chrono::milliseconds backoff{100};
  std::string failing;  // first record of the batch that last failed
  int attempts = 0;
  while (!stop.stop_requested()) {
    metrics.Heartbeat();
    if (options.between_batches) options.between_batches();
    // After half the attempts, retry the failing record alone to find the poison.
    size_t max_records = attempts >= options.max_attempts / 2 ? 1 : options.batch_size;
    auto batch = consumer.Poll(max_records, options.poll_wait);
    if (!batch) return Unexpected(batch.error());
    metrics.SetConsuming(true);
    if (batch->empty()) continue;
    if (FirstRecordKey(*batch) != failing) attempts = 0;
    const auto started = std::chrono::steady_clock::now();
    Result<BatchOutcome> handled = handle(*batch);
    if (!handled && batch->size() == 1 && attempts + 1 >= options.max_attempts && quarantine &&
        handled.error().kind != ErrorKind::kFatal) {
      log::Error("quarantining a record that keeps failing",
                 {{"stage", options.stage}, {"record", FirstRecordKey(*batch)}, {"reason", handled.error().reason},
                  {"attempts", std::to_string(attempts + 1)}});
      handled = quarantine(*batch, handled.error(), attempts + 1);
    }
    if (handled) {
      metrics.records_in.Add(static_cast<int64_t>(batch->size()));
      metrics.records_out.Add(handled->records_out);
      for (const auto& [code, n] : handled->dead_letters) metrics.CountDeadLetters(code, n);
      // Stored for librdkafka's periodic commit: the next batch need not sit
      // out a round trip. The stage's last offsets are committed synchronously when it stops.
      if (options.commit_offsets) consumer.StoreOffsets(*batch);
      metrics.committed.Add(static_cast<int64_t>(batch->size()));
      metrics.batch_seconds.Observe(SecondsSince(started));
      ObserveLatencies(*batch, metrics.record_latency_seconds);
      backoff = std::chrono::milliseconds(100);
      failing.clear();
      attempts = 0;
      continue;
    }
    const Error& e = handled.error();
    if (e.kind == ErrorKind::kFatal || e.kind == ErrorKind::kPermanent) {
      log::Error("stage failed", {{"stage", options.stage}, {"reason", e.reason}});
      return Unexpected(e);
    }
    failing = FirstRecordKey(*batch);
    ++attempts;
    log::Warn("batch failed; rewinding to retry",
              {{"stage", options.stage}, {"kind", e.kind_name()}, {"reason", e.reason},
               {"attempt", std::to_string(attempts)}, {"backoff_ms", std::to_string(backoff.count())}});
    if (Status r = consumer.Rewind(*batch); !r) {
      log::Warn("rewind failed", {{"stage", options.stage}, {"reason", r.error().reason}});
    }
    SleepUnlessStopped(backoff, stop);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
  if (Status committed = consumer.CommitPending(); !committed) {
    log::Warn("final offset commit failed; the last records will be consumed again",
              {{"stage", options.stage}, {"reason", committed.error().reason}});
  }
  return {};
}

}  // namespace

int64_t BatchOutcome::dead_lettered() const {
  int64_t n = 0;
  for (const auto& [code, count] : dead_letters) n += count;
  return n;
}

Status RunStageLoop(kafka::Consumer& consumer, const StageLoopOptions& options, const BatchHandler& handle,
                    std::stop_token stop, const QuarantineHandler& quarantine) {
  std::optional<StageMetrics> unobserved;
  if (!options.metrics) unobserved.emplace(options.stage);
  StageMetrics& metrics = options.metrics ? *options.metrics : *unobserved;
  Status s = Loop(consumer, options, metrics, handle, stop, quarantine);
  metrics.SetConsuming(false);
  consumer.Close();
  return s;
}

Result<BatchOutcome> TransactBatch(kafka::Producer& producer, kafka::Consumer& consumer, const kafka::Batch& batch,
                                   const std::function<Result<BatchOutcome>()>& produce) {
  Result<BatchOutcome> outcome = BatchOutcome{};
  Status s = producer.BeginTransaction();
  if (s) {
    outcome = produce();
    if (!outcome) s = Unexpected(outcome.error());
  }
  if (s) s = producer.SendOffsetsToTransaction(batch, consumer, std::chrono::seconds(30));
  if (s) s = producer.CommitTransaction(std::chrono::seconds(60));
  if (s) return outcome;
  if (s.error().kind == ErrorKind::kFatal) return Unexpected(s.error());
  if (Status aborted = producer.AbortTransaction(std::chrono::seconds(30)); !aborted) {
    if (aborted.error().kind == ErrorKind::kFatal) return Unexpected(aborted.error());
  }
  Error e = s.error();
  e.kind = ErrorKind::kAbortTransaction;
  return Unexpected(e);
}

BatchHandler ProducingHandler(kafka::Producer& producer, kafka::Consumer& consumer, bool exactly_once,
                              StageMetrics& metrics, ProduceBatch produce) {
  metrics::Histogram& write_seconds = metrics.sink_write_seconds("kafka");
  return [&producer, &consumer, exactly_once, &metrics, &write_seconds,
          produce = std::move(produce)](const kafka::Batch& batch) -> Result<BatchOutcome> {
    Result<BatchOutcome> outcome = BatchOutcome{};
    const auto started = std::chrono::steady_clock::now();
    if (exactly_once) {
      outcome = TransactBatch(producer, consumer, batch, [&]() -> Result<BatchOutcome> {
        BatchOutcome o;
        if (Status s = produce(batch, &o); !s) return Unexpected(s.error());
        return o;
      });
    } else {
      BatchOutcome o;
      Status s = produce(batch, &o);
      if (s) s = producer.Flush(std::chrono::seconds(60));
      outcome = s ? Result<BatchOutcome>(o) : Result<BatchOutcome>(Unexpected(s.error()));
    }
    write_seconds.Observe(SecondsSince(started));
    metrics.SetSinkHealthy(static_cast<bool>(outcome));
    return outcome;
  };
}

Status InitTransactions(kafka::Producer& producer, std::stop_token stop) {
  Status init;
  for (int attempt = 0; attempt < 10 && !stop.stop_requested(); ++attempt) {
    init = producer.InitTransactions(std::chrono::seconds(30));
    if (init || init.error().kind != ErrorKind::kRetriable) break;
  }
  return init;
}

TransactionalIdentity MakeTransactionalIdentity(std::string_view stage, std::string_view group, std::string instance) {
  if (instance.empty()) {
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    instance = host;
  }
  TransactionalIdentity id;
  id.producer = {{"transactional.id", "herald-" + std::string(stage) + "." + std::string(group) + "." + instance},
                 {"transaction.timeout.ms", "60000"},
                 // librdkafka requires message.timeout.ms <= transaction.timeout.ms.
                 {"message.timeout.ms", "60000"}};
  // Static membership: a restarted instance takes its partitions back at once.
  // The transaction commits the offsets; the consumer must not commit on its own.
  id.consumer = {{"group.instance.id", instance}, {"enable.auto.commit", "false"}};
  id.instance = std::move(instance);
  return id;
}


Result<StageClients> OpenStageClients(std::string_view stage, const KafkaOptions& client, const std::string& group,
                                      const std::string& instance_id, const std::string& topic, bool exactly_once,
                                      StageMetrics& metrics, std::stop_token stop) {
  TransactionalIdentity identity = MakeTransactionalIdentity(stage, group, instance_id);
  kafka::Properties producer_properties = client.ProducerProperties();
  kafka::Properties consumer_properties = client.ConsumerProperties(group);
  if (exactly_once) {
    producer_properties.insert(producer_properties.end(), identity.producer.begin(), identity.producer.end());
    consumer_properties.insert(consumer_properties.end(), identity.consumer.begin(), identity.consumer.end());
  }
  StageClients clients{.instance = identity.instance};
  auto producer = kafka::Producer::Create(producer_properties,
                                          [&metrics](std::string_view s) { metrics.OnKafkaStatistics("producer", s); });
  if (!producer) return Unexpected(producer.error());
  clients.producer = std::move(*producer);
  if (exactly_once) {
    if (Status init = InitTransactions(*clients.producer, stop); !init) return Unexpected(init.error());
  }
  auto consumer = kafka::Consumer::Create(consumer_properties, {topic},
                                          [&metrics](std::string_view s) { metrics.OnKafkaStatistics("consumer", s); });
  if (!consumer) return Unexpected(consumer.error());
  clients.consumer = std::move(*consumer);
  return clients;
}

}  // namespace herald
