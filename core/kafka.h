// kafka.h: herald's thin wrappers over librdkafka's C++ client.
//
// Purpose: give every stage the same producer and consumer behaviour (idempotent
// producer that accounts for every delivery report; consumer with manual offset
// commits after the stage's own sink has committed) and turn librdkafka's error
// codes into herald::Error with the right ErrorKind. Producer and Consumer are
// interfaces: Create() makes librdkafka's (core/kafka_clients.cc), and the unit
// tests of stage wiring run on an in-memory cluster's (core/fake_kafka.h).
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

// A record as stored in memory rather than in a librdkafka message
// (kafka::FakeCluster's records, core/fake_kafka.h).
struct RecordData {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string key, value;
  Headers headers;
  std::optional<int64_t> timestamp_ms;
};

// A consumed record. Owns librdkafka's message (or the in-memory record); views
// stay valid while it lives.
class Record {
 public:
  explicit Record(std::unique_ptr<RdKafka::Message> message) : message_(std::move(message)) {}
  explicit Record(std::shared_ptr<const RecordData> data) : data_(std::move(data)) {}

  std::string_view key() const;
  std::string_view value() const;
  std::string topic() const;
  int32_t partition() const;
  int64_t offset() const;
  // The record's Kafka timestamp (create or log-append time), when it has one.
  std::optional<int64_t> timestamp_ms() const;
  // The first header with this name, if any.
  std::optional<std::string_view> header(std::string_view name) const;
  Headers headers() const;

 private:
  // Exactly one of the two is set.
  std::unique_ptr<RdKafka::Message> message_;
  std::shared_ptr<const RecordData> data_;
};

using Batch = std::vector<Record>;

// Bytes from malloc() that librdkafka may take over and free() once delivered.
struct FreeBytes {
  void operator()(char* p) const { std::free(p); }
};
using MallocBytes = std::unique_ptr<char, FreeBytes>;

class Consumer;
class Producer;

// The delivery reports of the records one caller produced, apart from other
// callers' on the same producer: the article API answers each request once
// the broker has its own articles while other requests are being produced.
//
//   auto mine = std::make_shared<kafka::Deliveries>();
//   producer->ProduceTracked(topic, key, value, headers, mine);  // for each record
//   Status acked = mine->Wait(*producer, std::chrono::seconds(10));
//
// Thread-safety: reports arrive on whichever thread serves the producer's
// reports; Wait belongs to the caller that produced. A record still in flight
// when Wait gives up keeps its Deliveries alive until its report.
class Deliveries {
 public:
  // Waits, serving the producer's reports, until every record produced with
  // this has its report or the timeout; fails when any was not delivered.
  Status Wait(Producer& producer, std::chrono::milliseconds timeout);

  // For producers: a record enqueued, and a record's report (failure: empty when delivered).
  void Sent();
  void Reported(std::string_view failure);

 private:
  mutable std::mutex mutex_;
  int64_t sent_ = 0, reported_ = 0, failed_ = 0;
  std::string first_failure_;
};

// What herald asks of a producer. Create() makes librdkafka's; tests of stage
// wiring use kafka::FakeCluster's (core/fake_kafka.h).
class Producer {
 public:
  static Result<std::unique_ptr<Producer>> Create(const Properties& properties, StatisticsHandler on_statistics = {});
  virtual ~Producer() = default;

  // Enqueues one record; waits (serving delivery reports) while the local
  // queue is full. The outcome arrives as a delivery report, counted below.
  virtual Status Produce(std::string_view topic, std::string_view key, std::string_view value,
                         const Headers& headers = {}) = 0;
  // The same without a copy: on success the producer owns value's `size` bytes
  // (value is released); on failure value still holds them.
  virtual Status Produce(std::string_view topic, std::string_view key, MallocBytes& value, size_t size,
                         const Headers& headers = {}) = 0;
  // Produce, with the record's delivery report also given to `deliveries`.
  virtual Status ProduceTracked(std::string_view topic, std::string_view key, std::string_view value,
                                const Headers& headers, const std::shared_ptr<Deliveries>& deliveries) = 0;
  // Serves delivery reports (and statistics) for up to `wait`.
  virtual void ServeReports(std::chrono::milliseconds wait) = 0;
  // Waits until every enqueued record has a delivery report, or the timeout.
  // Fails when records are still in flight or any delivery failed since the
  // last successful Flush.
  virtual Status Flush(std::chrono::milliseconds timeout) = 0;

  // Delivery reports so far: records delivered, and records that failed.
  virtual int64_t delivered() const = 0;
  virtual int64_t failed() const = 0;

  // Transactions (the producer needs a transactional.id). Errors keep
  // librdkafka's classification: kRetriable (call again), kAbortTransaction
  // (abort, rewind the consumer, redo the batch), kFatal (stop).
  virtual Status InitTransactions(std::chrono::milliseconds timeout) = 0;
  virtual Status BeginTransaction() = 0;
  // Adds the consumer's position after each partition's last record in batch to
  // the transaction, so the offsets commit if and only if the outputs do. The
  // consumer comes from the same place as the producer.
  virtual Status SendOffsetsToTransaction(const Batch& batch, Consumer& consumer,
                                          std::chrono::milliseconds timeout) = 0;
  virtual Status CommitTransaction(std::chrono::milliseconds timeout) = 0;
  virtual Status AbortTransaction(std::chrono::milliseconds timeout) = 0;
};

// What herald asks of a consumer in a group. Create() makes librdkafka's; tests
// of stage wiring use kafka::FakeCluster's (core/fake_kafka.h).
class Consumer {
 public:
  static Result<std::unique_ptr<Consumer>> Create(const Properties& properties, const std::vector<std::string>& topics,
                                                  StatisticsHandler on_statistics = {});
  virtual ~Consumer() = default;

  // Up to max_records, waiting at most `wait` for the first and then taking
  // only what is already fetched. A fatal client error is returned as an Error.
  virtual Result<Batch> Poll(size_t max_records, std::chrono::milliseconds wait) = 0;
  // Commits, synchronously, the offset after the last record of each partition in batch.
  virtual Status Commit(const Batch& batch) = 0;
  // Stores, with librdkafka, the offset after the last record of each
  // partition in batch; its automatic commits (auto.commit.interval.ms, 1 s by
  // default, and on revocation and close) write them to the broker. librdkafka
  // keeps stored offsets per assigned partition and drops those a rebalance
  // takes away, so no commit writes offsets for a partition that has moved to
  // another member. A commit that fails, or a crash before the next one, only
  // means records are consumed again, which at-least-once stages absorb.
  virtual void StoreOffsets(const Batch& batch) = 0;
  // Commits the stored offsets now, synchronously (a stage does when it stops).
  virtual Status CommitPending() = 0;
  // Per assigned partition ({topic, partition}): its end offset (the high
  // watermark as last fetched) less the group's committed offset, which it asks
  // the group coordinator for; from the log's start when nothing is committed.
  // The same in both delivery modes: transactions commit offsets too.
  using PartitionLag = std::map<std::pair<std::string, int32_t>, int64_t>;
  virtual Result<PartitionLag> Lag(std::chrono::milliseconds timeout) = 0;
  // The group's committed offset of a partition (-1 when none), as the group coordinator says.
  virtual Result<int64_t> Committed(const std::string& topic, int32_t partition, std::chrono::milliseconds timeout) = 0;
  // The partitions assigned to this member now ({topic, partition}), as the
  // client knows them (no request): empty before the group has assigned any.
  virtual std::vector<std::pair<std::string, int32_t>> Assignment() = 0;
  // A partition's end offset (its high watermark), asked of its leader.
  virtual Result<int64_t> EndOffset(const std::string& topic, int32_t partition, std::chrono::milliseconds timeout) = 0;
  // Moves each partition in batch back to its first record, so it is consumed again.
  virtual Status Rewind(const Batch& batch) = 0;
  // Leaves the group cleanly.
  virtual void Close() = 0;
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
