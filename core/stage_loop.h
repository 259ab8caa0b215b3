// stage_loop.h: the loop every consuming stage runs: poll a batch, hand it to
// the stage, commit the batch's offsets once the stage has made its results
// durable, and rewind and retry when it could not. A batch's offsets are stored
// for the consumer's automatic commit, at most a second later (a lost commit
// only repeats records, which at-least-once sinks absorb); the last ones are
// committed synchronously when the loop stops.
//
//   StageLoopOptions loop{.batch_size = 500, .metrics = &metrics};
//   Status s = RunStageLoop(*consumer, loop, [&](const kafka::Batch& batch) -> Result<BatchOutcome> {
//     for (const kafka::Record& r : batch) { ... }
//     if (Status f = producer->Flush(std::chrono::seconds(30)); !f) return Unexpected(f.error());
//     return outcome;   // records_out and dead letters by code, durable before the commit
//   }, stop_token);
//
// What the handler's Error::kind means to the loop:
//   kRetriable, kAbortTransaction: rewind to the batch's first offsets, back off
//     (exponential from first_backoff, capped at 5 s), consume the batch again. A batch that fails
//     twice is halved on every further failure until the failing record is
//     alone; one that fails alone twice, after max_attempts in all, is a poison
//     message: it goes to `quarantine` (which dead-letters it, as a truncated
//     copy if need be) and the loop moves past it instead of blocking its
//     partition;
//   kFatal: return the error; the daemon exits non-zero;
//   kPermanent: a handler reports permanent, per-record errors by dead-lettering
//     them itself; returned from the handler it is treated as fatal.
// Returns when stop is requested (after the batch in hand is committed) or on a
// fatal error, having closed the consumer (it leaves the group). Along the way
// it keeps the stage's metrics: counts, batch durations, each record's latency
// from its Kafka timestamp to the commit, the heartbeat /healthz watches.
// Thread-safety: runs on the calling thread, which owns the consumer.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <stop_token>
#include <string>

#include "core/kafka.h"
#include "core/options.h"
#include "core/record_format.h"
#include "core/record_limits.h"
#include "core/stage_metrics.h"
#include "core/status.h"

namespace herald {

struct StageLoopOptions {
  std::string stage;  // for log lines
  size_t batch_size = 500;
  std::chrono::milliseconds poll_wait{100};
  StageMetrics* metrics = nullptr;
  // False when the handler commits the offsets itself (inside a Kafka transaction).
  bool commit_offsets = true;
  int max_attempts = 6;
  // The wait before a failed batch is tried again; it doubles on each further
  // failure, up to 5 s, and starts again after a success.
  std::chrono::milliseconds first_backoff{100};
  // Called on every turn of the loop, between batches (the alerter reloads its rules here).
  std::function<void()> between_batches = {};
};

// What a handled batch produced, for the stage's metrics.
struct BatchOutcome {
  int64_t records_out = 0;
  std::map<ErrorCode, int64_t> dead_letters = {};  // by code

  void DeadLettered(ErrorCode code) { ++dead_letters[code]; }
  int64_t dead_lettered() const;
};

using BatchHandler = std::function<Result<BatchOutcome>(const kafka::Batch&)>;

// Dead-letters a one-record batch that failed `attempts` times with `error`, and
// makes that durable (committing the offset too when the stage commits its own).
using QuarantineHandler = std::function<Result<BatchOutcome>(const kafka::Batch&, const Error& error, int attempts)>;

Status RunStageLoop(kafka::Consumer& consumer, const StageLoopOptions& options, const BatchHandler& handle,
                    std::stop_token stop, const QuarantineHandler& quarantine = {});

// Every stage's quarantine: the record goes to `dlq` through `producer` (as a
// truncated copy if need be) under the stage's name, with the error and the
// attempts. Transactional stages dead-letter it in a transaction with its offset
// (TransactBatch); the others flush it, and the loop then commits the offset.
QuarantineHandler DeadLetterQuarantine(kafka::Producer& producer, kafka::Consumer& consumer, const DeadLetterQueue& dlq,
                                       std::string_view stage, bool transactional);

// Runs `produce` inside one Kafka transaction together with the batch's
// consumed offsets: begin, produce, send offsets, commit. On failure the
// transaction is aborted and the error comes back as kAbortTransaction (the
// loop rewinds and redoes the batch), or kFatal when the producer cannot go on.
Result<BatchOutcome> TransactBatch(kafka::Producer& producer, kafka::Consumer& consumer, const kafka::Batch& batch,
                                   const std::function<Result<BatchOutcome>()>& produce);

// The handler of a stage whose results are Kafka records: `produce` enqueues a
// batch's outputs (counting them in the outcome); exactly-once runs it in a
// transaction with the batch's offsets (TransactBatch), at-least-once flushes
// after it (the loop then commits the offsets). The durable part is timed into
// metrics' sink_write_seconds("kafka") and sets the sink's health.
using ProduceBatch = std::function<Status(const kafka::Batch&, BatchOutcome*)>;
BatchHandler ProducingHandler(kafka::Producer& producer, kafka::Consumer& consumer, bool exactly_once,
                              StageMetrics& metrics, ProduceBatch produce);

// The transactional.id and group.instance.id properties of a stage instance
// (every stage's consumer has the group.instance.id; the rest is exactly-once's): "herald-<stage>.<group>.<instance>",
// instance defaulting to the host name.
struct TransactionalIdentity {
  std::string instance;
  kafka::Properties producer, consumer;
};
TransactionalIdentity MakeTransactionalIdentity(std::string_view stage, std::string_view group, std::string instance);

// init_transactions, retried while the coordinator is not ready; fences any
// earlier producer with the same transactional.id.
Status InitTransactions(kafka::Producer& producer, std::stop_token stop);

// The properties of a stage's two clients: `client`'s presets and pass-through
// properties, static group membership from the instance name for the consumer
// in either mode, and exactly-once's transactional identity.
struct StageClientProperties {
  kafka::Properties producer, consumer;
  std::string instance;
};
StageClientProperties MakeStageClientProperties(std::string_view stage, const KafkaOptions& client,
                                                const std::string& group, const std::string& instance_id,
                                                bool exactly_once);

// The topics a producing stage reads and writes: its input, the topics its
// results go to, and its dead-letter topic.
struct StageTopics {
  std::string input;
  std::vector<std::string> outputs;
  std::string dead_letters;
};

// A producing stage's two clients, both reporting librdkafka statistics to
// metrics and both configured by `client` (brokers, tuning preset, pass-through
// properties). Before creating them it asks the brokers for the topics' limits
// and checks them against the clients' settings (core/record_limits.h): a clash
// fails start-up with the settings named. Exactly-once: the producer carries
// the instance's transactional.id (transactions initialised, predecessors
// fenced). Every consumer has static membership from the instance name, so a
// restarted instance takes its partitions back at once.
struct StageClients {
  std::unique_ptr<kafka::Producer> producer;
  std::unique_ptr<kafka::Consumer> consumer;
  std::string instance;
  RecordLimits limits;           // per output topic
  DeadLetterQueue dead_letters;  // the DLQ topic and its limit
};
// The clients come from context.cluster (kafka::Brokers() when null); statistics
// go to context.metrics, and waiting for the brokers ends at context.stop.
Result<StageClients> OpenStageClients(std::string_view stage, const KafkaOptions& client, const std::string& group,
                                      const std::string& instance_id, const StageTopics& topics, bool exactly_once,
                                      const StageContext& context);

}  // namespace herald
