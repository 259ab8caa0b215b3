// kafka.h: herald's thin wrappers over librdkafka's C++ client.
//
// Purpose: give every stage the same producer and consumer behaviour (idempotent
// producer that accounts for every delivery report; consumer with manual offset
// commits after the stage's own sink has committed) and turn librdkafka's error
// codes into herald::Error with the right ErrorKind.
//
//   auto producer = kafka::Producer::Create(kafka::ProducerProperties(brokers));
//   if (!producer) return producer.error();
//   (*producer)->Produce("herald.events.v1", key, bytes, headers);
//   auto flushed = (*producer)->Flush(std::chrono::seconds(30));  // every report in
//
//   auto consumer = kafka::Consumer::Create(kafka::ConsumerProperties(brokers, group), {topic});
//   Result<kafka::Batch> batch = (*consumer)->Poll(500, std::chrono::milliseconds(100));
//   ... handle *batch, make its results durable ...
//   (*consumer)->StoreOffsets(*batch);   // committed by librdkafka within a second
//   ...
//   (*consumer)->CommitPending();        // at stop: the stored offsets, synchronously
//
// Thread-safety: a Producer may be used from several threads. A Consumer belongs
// to one thread.
// Failure: Create fails with a fatal Error on a bad property. Poll reports a
// fatal error through its status; transient broker errors are logged and retried
// by librdkafka itself.
#pragma once

#include <librdkafka/rdkafkacpp.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/enum_names.h"
#include "core/status.h"

namespace herald::kafka {

using Properties = std::vector<std::pair<std::string, std::string>>;

// Receives librdkafka's statistics JSON every statistics.interval.ms (5000
// unless the properties set it), on a librdkafka thread.
using StatisticsHandler = std::function<void(std::string_view json)>;

struct Header {
  std::string key;
  std::string value;
};
using Headers = std::vector<Header>;

// What the client presets aim for. kThroughput lets the producer wait a few
// milliseconds to fill batches (linger.ms 5, lz4); kLatency sends records
// almost at once (linger.ms 1, Nagle off) and has consumers ask the broker
// again sooner, at the price of more, smaller requests.
enum class Tuning { kThroughput, kLatency };
inline constexpr EnumName<Tuning> kTuningNames[] = {{Tuning::kThroughput, "throughput"}, {Tuning::kLatency, "latency"}};

// Defaults for herald's producers: idempotent, acks=all, the tuning's linger.
// `extra` (user pass-through properties, e.g. TLS or SASL) is applied last and wins.
Properties ProducerProperties(std::string_view brokers, const Properties& extra = {},
                              Tuning tuning = Tuning::kThroughput);
// Defaults for herald's consumers: manual commits, earliest reset, read_committed.
Properties ConsumerProperties(std::string_view brokers, std::string_view group, const Properties& extra = {},
                              Tuning tuning = Tuning::kThroughput);

// Whether librdkafka knows the property and accepts the value (checked
// without connecting). The reason is librdkafka's own message.
Status CheckProperty(const std::string& name, const std::string& value);

// Authentication failures reported by any Kafka client of this process (a
// broker refused its SASL credentials or TLS certificate): when the streak
// began, when one was last reported, and librdkafka's words. A streak ends once
// none has been reported for kAuthenticationStreakGap (librdkafka retries a
// connection at most every 10 s by default).
struct AuthenticationFailure {
  std::chrono::steady_clock::time_point first, last;
  std::string detail;
};
inline constexpr std::chrono::seconds kAuthenticationStreakGap{30};
std::optional<AuthenticationFailure> CurrentAuthenticationFailure();
namespace internal {
// Called by the clients' error callbacks; whether `code` (an rd_kafka_resp_err_t) is one.
void NoteClientError(int code, const std::string& detail);
}  // namespace internal

// A consumed record. Owns librdkafka's message; views stay valid while it lives.
class Record {
 public:
  explicit Record(std::unique_ptr<RdKafka::Message> message) : message_(std::move(message)) {}

  std::string_view key() const;
  std::string_view value() const;
  std::string topic() const { return message_->topic_name(); }
  int32_t partition() const { return message_->partition(); }
  int64_t offset() const { return message_->offset(); }
  // The record's Kafka timestamp (create or log-append time), when it has one.
  std::optional<int64_t> timestamp_ms() const;
  // The first header with this name, if any.
  std::optional<std::string_view> header(std::string_view name) const;
  Headers headers() const;

 private:
  std::unique_ptr<RdKafka::Message> message_;
};

using Batch = std::vector<Record>;

class ClientEvents;

// Bytes from malloc() that librdkafka may take over and free() once delivered.
struct FreeBytes {
  void operator()(char* p) const { std::free(p); }
};
using MallocBytes = std::unique_ptr<char, FreeBytes>;

class Producer {
 public:
  static Result<std::unique_ptr<Producer>> Create(const Properties& properties, StatisticsHandler on_statistics = {});
  ~Producer();

  // Enqueues one record; waits (serving delivery reports) while the local
  // queue is full. The outcome arrives as a delivery report, counted below.
  Status Produce(std::string_view topic, std::string_view key, std::string_view value, const Headers& headers = {});
  // The same without a copy: on success librdkafka owns value's `size` bytes
  // (value is released); on failure value still holds them.
  Status Produce(std::string_view topic, std::string_view key, MallocBytes& value, size_t size,
                 const Headers& headers = {});
  // Waits until every enqueued record has a delivery report, or the timeout.
  // Fails when records are still in flight or any delivery failed since the
  // last successful Flush.
  Status Flush(std::chrono::milliseconds timeout);

  int64_t delivered() const { return delivered_.load(); }
  int64_t failed() const { return failed_.load(); }

  // Transactions (the producer needs a transactional.id). Errors keep
  // librdkafka's classification: kRetriable (call again), kAbortTransaction
  // (abort, rewind the consumer, redo the batch), kFatal (stop).
  Status InitTransactions(std::chrono::milliseconds timeout);
  Status BeginTransaction();
  // Adds the consumer's position after each partition's last record in batch to
  // the transaction, so the offsets commit if and only if the outputs do.
  Status SendOffsetsToTransaction(const Batch& batch, class Consumer& consumer, std::chrono::milliseconds timeout);
  Status CommitTransaction(std::chrono::milliseconds timeout);
  Status AbortTransaction(std::chrono::milliseconds timeout);

 private:
  class DeliveryCounter;
  Producer() = default;
  Status Send(std::string_view topic, std::string_view key, char* value, size_t size, int flags,
              const Headers& headers);

  std::unique_ptr<DeliveryCounter> reports_;
  std::unique_ptr<ClientEvents> events_;  // outlives producer_, which calls it
  std::unique_ptr<RdKafka::Producer> producer_;
  std::atomic<int64_t> delivered_{0};
  std::atomic<int64_t> failed_{0};
  std::atomic<int64_t> failed_since_flush_{0};
  std::mutex first_failure_mutex_;
  std::string first_failure_;
};

class Consumer {
 public:
  static Result<std::unique_ptr<Consumer>> Create(const Properties& properties, const std::vector<std::string>& topics,
                                                  StatisticsHandler on_statistics = {});
  ~Consumer();

  // Up to max_records, waiting at most `wait` for the first and then taking
  // only what is already fetched. A fatal client error is returned as an Error.
  Result<Batch> Poll(size_t max_records, std::chrono::milliseconds wait);
  // Commits, synchronously, the offset after the last record of each partition in batch.
  Status Commit(const Batch& batch);
  // Stores, with librdkafka, the offset after the last record of each
  // partition in batch; its automatic commits (auto.commit.interval.ms, 1 s by
  // default, and on revocation and close) write them to the broker. librdkafka
  // keeps stored offsets per assigned partition and drops those a rebalance
  // takes away, so no commit writes offsets for a partition that has moved to
  // another member. A commit that fails, or a crash before the next one, only
  // means records are consumed again, which at-least-once stages absorb.
  void StoreOffsets(const Batch& batch);
  // Commits the stored offsets now, synchronously (a stage does when it stops).
  Status CommitPending();
  // Per assigned partition ({topic, partition}): its end offset (the high
  // watermark as last fetched) less the group's committed offset, which it asks
  // the group coordinator for; from the log's start when nothing is committed.
  // The same in both delivery modes: transactions commit offsets too.
  using PartitionLag = std::map<std::pair<std::string, int32_t>, int64_t>;
  Result<PartitionLag> Lag(std::chrono::milliseconds timeout);
  // Moves each partition in batch back to its first record, so it is consumed again.
  Status Rewind(const Batch& batch);
  // Leaves the group cleanly.
  void Close();
  RdKafka::KafkaConsumer* native() { return consumer_.get(); }

 private:
  Consumer() = default;
  std::unique_ptr<ClientEvents> events_;  // outlives consumer_, which calls it
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  bool closed_ = false;
};

// An in-process Kafka-protocol cluster (librdkafka's mock cluster) for the
// zero-install demo. It has no transaction markers: never a stand-in for a real
// broker in tests of delivery guarantees.
class MockCluster {
 public:
  static Result<std::unique_ptr<MockCluster>> Start(int brokers);
  ~MockCluster();
  const std::string& bootstrap_servers() const { return bootstrap_; }
  Status CreateTopic(const std::string& name, int partitions);

 private:
  MockCluster() = default;
  struct Handle;
  std::unique_ptr<Handle> handle_;
  std::string bootstrap_;
};

}  // namespace herald::kafka
