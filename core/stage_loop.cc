#include "core/stage_loop.h"

#include <algorithm>
#include <optional>
#include <thread>

#include <unistd.h>

#include "core/kafka_admin.h"
#include "core/kafka_cluster.h"
#include "core/log.h"
#include "core/stop.h"

namespace herald {
namespace {

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

// Which records the loop is trying, and how often they failed: a failing batch
// is retried once whole (a transient fault passes), then halved on each failure
// until the record that fails is alone; that record, once it has failed alone
// twice and max_attempts times in all, is quarantined. After a success the
// batch grows back, doubling, to its full size.
class Narrowing {
 public:
  explicit Narrowing(size_t batch_size) : batch_size_(batch_size), limit_(batch_size) {}
  size_t limit() const { return limit_; }
  int attempts() const { return attempts_; }
  // Whether `batch`, about to be handled, starts where the failing one did.
  void Observe(const kafka::Batch& batch) {
    if (FirstRecordKey(batch) != failing_) attempts_ = alone_ = 0;
  }
  bool Quarantines(const kafka::Batch& batch, int max_attempts) const {
    return batch.size() == 1 && alone_ >= 1 && attempts_ + 1 >= max_attempts;
  }
  void Succeeded() {
    failing_.clear();
    attempts_ = alone_ = 0;
    limit_ = std::min(batch_size_, limit_ * 2);
  }
  void Failed(const kafka::Batch& batch) {
    failing_ = FirstRecordKey(batch);
    ++attempts_;
    if (batch.size() == 1) ++alone_;
    if (attempts_ >= 2) limit_ = std::max<size_t>(1, batch.size() / 2);
  }

 private:
  size_t batch_size_;
  size_t limit_;
  std::string failing_;  // first record of the batch that last failed
  int attempts_ = 0;     // failures of batches starting at failing_
  int alone_ = 0;        // of those, with failing_ alone
};

// How often the loop asks the brokers for its consumer's lag.
constexpr std::chrono::seconds kLagInterval{5};

void CountHandled(const kafka::Batch& batch, const BatchOutcome& outcome, StageMetrics& metrics,
                  std::chrono::steady_clock::time_point started) {
  metrics.records_in.Add(static_cast<int64_t>(batch.size()));
  metrics.records_out.Add(outcome.records_out);
  for (const auto& [code, n] : outcome.dead_letters) metrics.CountDeadLetters(code, n);
  metrics.committed.Add(static_cast<int64_t>(batch.size()));
  metrics.batch_seconds.Observe(SecondsSince(started));
  ObserveLatencies(batch, metrics.record_latency_seconds);
}

Status Loop(kafka::Consumer& consumer, const StageLoopOptions& options, StageMetrics& metrics,
            const BatchHandler& handle, std::stop_token stop, const QuarantineHandler& quarantine) {
  std::chrono::milliseconds backoff = options.first_backoff;
  Narrowing narrowing(options.batch_size);
  std::chrono::steady_clock::time_point lag_asked{};
  while (!stop.stop_requested()) {
    metrics.Heartbeat();
    if (options.between_batches) options.between_batches();
    if (std::chrono::steady_clock::now() - lag_asked >= kLagInterval) {
      lag_asked = std::chrono::steady_clock::now();
      if (auto lag = consumer.Lag(std::chrono::seconds(2))) metrics.SetLag(std::move(*lag));
    }
    auto batch = consumer.Poll(narrowing.limit(), options.poll_wait);
    if (!batch) return Unexpected(batch.error());
    metrics.SetConsuming(true);
    if (batch->empty()) continue;
    narrowing.Observe(*batch);
    const auto started = std::chrono::steady_clock::now();
    metrics.BatchStarted();
    Result<BatchOutcome> handled = handle(*batch);
    if (!handled && quarantine && handled.error().kind != ErrorKind::kFatal &&
        narrowing.Quarantines(*batch, options.max_attempts)) {
      log::Error("quarantining a record that keeps failing", {{"stage", options.stage},
                                                              {"record", FirstRecordKey(*batch)},
                                                              {"reason", handled.error().reason},
                                                              {"attempts", std::to_string(narrowing.attempts() + 1)}});
      handled = quarantine(*batch, handled.error(), narrowing.attempts() + 1);
    }
    metrics.BatchEnded();
    if (handled) {
      // Stored for librdkafka's periodic commit: the next batch need not sit
      // out a round trip. The stage's last offsets are committed synchronously when it stops.
      if (options.commit_offsets) consumer.StoreOffsets(*batch);
      CountHandled(*batch, *handled, metrics, started);
      backoff = options.first_backoff;
      narrowing.Succeeded();
      continue;
    }
    const Error& e = handled.error();
    if (e.kind == ErrorKind::kFatal || e.kind == ErrorKind::kPermanent) {
      log::Error("stage failed", {{"stage", options.stage}, {"reason", e.reason}});
      return Unexpected(e);
    }
    narrowing.Failed(*batch);
    log::Warn("batch failed; rewinding to retry", {{"stage", options.stage},
                                                   {"kind", e.kind_name()},
                                                   {"reason", e.reason},
                                                   {"records", std::to_string(batch->size())},
                                                   {"attempt", std::to_string(narrowing.attempts())},
                                                   {"backoff_ms", std::to_string(backoff.count())}});
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

namespace {

// Calls `step` again while it fails retriably, at most `retries` more times.
Status Retrying(int retries, const std::function<Status()>& step) {
  Status s = step();
  for (int i = 0; i < retries && !s && s.error().kind == ErrorKind::kRetriable; ++i) s = step();
  return s;
}

}  // namespace

Result<BatchOutcome> TransactBatch(kafka::Producer& producer, kafka::Consumer& consumer, const kafka::Batch& batch,
                                   const std::function<Result<BatchOutcome>()>& produce) {
  Result<BatchOutcome> outcome = BatchOutcome{};
  Status s = producer.BeginTransaction();
  if (s) {
    outcome = produce();
    if (!outcome) s = Unexpected(outcome.error());
  }
  if (s) s = producer.SendOffsetsToTransaction(batch, consumer, std::chrono::seconds(30));
  // A commit that timed out may still be under way: librdkafka wants the same
  // call again (an abort now would conflict with it), then an abort.
  if (s) s = Retrying(2, [&] { return producer.CommitTransaction(std::chrono::seconds(30)); });
  if (s) return outcome;
  if (s.error().kind == ErrorKind::kFatal) return Unexpected(s.error());
  Status aborted = Retrying(3, [&] { return producer.AbortTransaction(std::chrono::seconds(30)); });
  if (!aborted) {
    // Neither committed nor aborted: every later transaction would conflict
    // with this one. Stop, so that a restart fences it, rather than wedge.
    return Fatal("the transaction could neither commit (" + s.error().reason + ") nor abort (" +
                 aborted.error().reason + ")");
  }
  Error e = s.error();
  e.kind = ErrorKind::kAbortTransaction;
  return Unexpected(e);
}

QuarantineHandler DeadLetterQuarantine(kafka::Producer& producer, kafka::Consumer& consumer, const DeadLetterQueue& dlq,
                                       std::string_view stage, bool transactional) {
  return [&producer, &consumer, &dlq, stage = std::string(stage), transactional](
             const kafka::Batch& batch, const Error& error, int attempts) -> Result<BatchOutcome> {
    auto dead_letter = [&]() -> Result<BatchOutcome> {
      if (Status s = DeadLetter(producer, dlq, batch.front(), stage, error, attempts); !s) return Unexpected(s.error());
      BatchOutcome o;
      o.DeadLettered(error.code);
      return o;
    };
    if (transactional) return TransactBatch(producer, consumer, batch, dead_letter);
    auto outcome = dead_letter();
    if (!outcome) return outcome;
    if (Status f = producer.Flush(std::chrono::seconds(60)); !f) return Unexpected(f.error());
    return outcome;
  };
}

BatchHandler ProducingHandler(kafka::Producer& producer, kafka::Consumer& consumer, bool exactly_once,
                              StageMetrics& metrics, ProduceBatch produce) {
  metrics::Histogram& write_seconds = metrics.sink_write_seconds("kafka");
  return [&producer, &consumer, exactly_once, &metrics, &write_seconds,
          produce = std::move(produce)](const kafka::Batch& batch) -> Result<BatchOutcome> {
    return metrics.TimedSinkWrite(write_seconds, [&]() -> Result<BatchOutcome> {
      if (exactly_once) {
        return TransactBatch(producer, consumer, batch, [&]() -> Result<BatchOutcome> {
          BatchOutcome o;
          if (Status s = produce(batch, &o); !s) return Unexpected(s.error());
          return o;
        });
      }
      BatchOutcome o;
      Status s = produce(batch, &o);
      if (s) s = producer.Flush(std::chrono::seconds(60));
      if (!s) return Unexpected(s.error());
      return o;
    });
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

StageClientProperties MakeStageClientProperties(std::string_view stage, const KafkaOptions& client,
                                                const std::string& group, const std::string& instance_id,
                                                bool exactly_once) {
  TransactionalIdentity identity = MakeTransactionalIdentity(stage, group, instance_id);
  StageClientProperties out{client.ProducerProperties(), client.ConsumerProperties(group), identity.instance};
  out.consumer.emplace_back("group.instance.id", identity.instance);
  if (exactly_once) {
    out.producer.insert(out.producer.end(), identity.producer.begin(), identity.producer.end());
    out.consumer.insert(out.consumer.end(), identity.consumer.begin(), identity.consumer.end());
  }
  return out;
}

namespace {

// The brokers' limits for the stage's topics, asked until they answer (a
// daemon may start before its cluster) or stop is requested.
Result<kafka::TopicLimits> AwaitTopicLimits(kafka::Cluster& cluster, std::string_view stage,
                                            const kafka::Properties& properties, const StageTopics& topics,
                                            std::stop_token stop) {
  std::vector<std::string> names = topics.outputs;
  names.push_back(topics.input);
  names.push_back(topics.dead_letters);
  std::chrono::milliseconds backoff{500};
  for (;;) {
    auto limits = cluster.DescribeTopicLimits(properties, names, std::chrono::seconds(10));
    if (limits || limits.error().kind == ErrorKind::kFatal || stop.stop_requested()) return limits;
    log::Warn("cannot read the topics' limits yet; retrying",
              {{"stage", std::string(stage)}, {"reason", limits.error().reason}});
    SleepUnlessStopped(backoff, stop);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
}

}  // namespace

Result<StageClients> OpenStageClients(std::string_view stage, const KafkaOptions& client, const std::string& group,
                                      const std::string& instance_id, const StageTopics& topics, bool exactly_once,
                                      const StageContext& context) {
  kafka::Cluster& cluster = context.cluster ? *context.cluster : kafka::Brokers();
  StageMetrics& metrics = *context.metrics;
  StageClientProperties properties = MakeStageClientProperties(stage, client, group, instance_id, exactly_once);
  kafka::Properties& producer_properties = properties.producer;
  kafka::Properties& consumer_properties = properties.consumer;
  auto brokers = AwaitTopicLimits(cluster, stage, producer_properties, topics, context.stop);
  if (!brokers) return Unexpected(brokers.error());
  std::vector<std::string> outputs = topics.outputs;
  outputs.push_back(topics.dead_letters);
  auto limits = ResolveRecordLimits(producer_properties, consumer_properties, *brokers, topics.input, outputs);
  if (!limits) return Unexpected(limits.error());
  producer_properties.insert(producer_properties.end(), limits->producer_overrides.begin(),
                             limits->producer_overrides.end());
  StageClients clients{
      .instance = properties.instance,
      .limits = *limits,
      .dead_letters = {.topic = topics.dead_letters, .max_record_bytes = limits->For(topics.dead_letters)}};
  std::string resolved;
  for (const auto& [topic, bytes] : limits->max_record_bytes) {
    resolved += (resolved.empty() ? "" : " ") + topic + "=" + std::to_string(bytes);
  }
  log::Info("largest records to produce, in bytes", {{"stage", std::string(stage)}, {"topics", resolved}});
  auto producer = cluster.NewProducer(producer_properties,
                                      [&metrics](std::string_view s) { metrics.OnKafkaStatistics("producer", s); });
  if (!producer) return Unexpected(producer.error());
  clients.producer = std::move(*producer);
  if (exactly_once) {
    if (Status init = InitTransactions(*clients.producer, context.stop); !init) return Unexpected(init.error());
  }
  auto consumer = cluster.NewConsumer(consumer_properties, {topics.input},
                                      [&metrics](std::string_view s) { metrics.OnKafkaStatistics("consumer", s); });
  if (!consumer) return Unexpected(consumer.error());
  clients.consumer = std::move(*consumer);
  return clients;
}

}  // namespace herald
