// fake_kafka.h: an in-memory Kafka cluster, for unit tests of stage wiring.
//
// Purpose: run a stage's Run function, the stage loop and the dead-letter path
// with no broker and no group join, so that a test of the wiring (records in,
// outputs and dead letters out, offsets committed) takes milliseconds. A stage
// gets it through its context (StageContext::cluster) and opens its clients
// from it as it would from the brokers.
//
//   kafka::FakeCluster cluster;
//   cluster.CreateTopic("raw", 2);
//   cluster.Append("raw", "key", "value", {{"content-type", "text/plain"}});
//   StageContext context{.stop = stop.get_token(), .metrics = &metrics, .cluster = &cluster};
//   std::jthread stage([&] { RunProcessor(options, context); });
//   ... wait for metrics.committed, stop ...
//   cluster.Records("events");                          // what the stage produced
//   cluster.CommittedOffset("herald-processor", "raw", 0);
//
// What it models: topics of partitions with a record-size limit
// (max.message.bytes, Kafka's default unless given); keyed records land on a
// partition by their key, the others round-robin; consumer groups with
// committed offsets, read from the earliest when none; transactions whose
// records and offsets appear together at commit and vanish at abort (consumers
// see only committed records); delivery failures for unknown topics and
// records over the limit, reported by Flush and CommitTransaction as
// librdkafka's would be. It assigns every consumer all partitions of its topics
// (no rebalancing: use one consumer per group), commits stored offsets at once
// (as if auto.commit.interval.ms were 0), and has no replication, compression,
// fencing or statistics. Not a stand-in for the broker in tests of delivery
// guarantees: those run against a real Kafka broker (tests/).
// Thread-safety: the cluster and its clients may be used from any thread (one
// mutex); the clients must not outlive the cluster.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/kafka.h"
#include "core/kafka_cluster.h"

namespace herald::kafka {

class FakeCluster final : public Cluster {
 public:
  // Kafka's default max.message.bytes.
  static constexpr int64_t kDefaultMaxMessageBytes = 1048588;

  FakeCluster() = default;
  FakeCluster(const FakeCluster&) = delete;
  FakeCluster& operator=(const FakeCluster&) = delete;

  // Creates a topic (again: no change).
  void CreateTopic(const std::string& name, int partitions, int64_t max_message_bytes = kDefaultMaxMessageBytes);
  // Appends a committed record, as a producer outside a transaction would.
  // False when the topic does not exist.
  bool Append(const std::string& topic, std::string_view key, std::string_view value, const Headers& headers = {});
  // The committed records of a topic, partition by partition in offset order.
  Batch Records(const std::string& topic) const;
  // The group's committed offset of a partition (the next record to read), or nullopt.
  std::optional<int64_t> CommittedOffset(const std::string& group, const std::string& topic, int32_t partition) const;

  Result<std::unique_ptr<Producer>> NewProducer(const Properties& properties,
                                                StatisticsHandler on_statistics = {}) override;
  Result<std::unique_ptr<Consumer>> NewConsumer(const Properties& properties, const std::vector<std::string>& topics,
                                                StatisticsHandler on_statistics = {}) override;
  // The max.message.bytes of the topics that exist.
  Result<TopicLimits> DescribeTopicLimits(const Properties& properties, const std::vector<std::string>& topics,
                                          std::chrono::milliseconds timeout) override;

 private:
  friend class FakeProducer;
  friend class FakeConsumer;
  using Partition = std::vector<std::shared_ptr<const RecordData>>;
  struct Topic {
    std::vector<Partition> partitions;
    int64_t max_message_bytes = kDefaultMaxMessageBytes;
    size_t next_partition = 0;  // for records without a key
  };
  using TopicPartition = std::pair<std::string, int32_t>;

  // Why the record cannot be appended, or "" (it can). Needs mutex_.
  std::string Refusal(const std::string& topic, std::string_view key, std::string_view value,
                      const Headers& headers) const;
  // Appends a record that can be; needs mutex_.
  void AppendLocked(const std::string& topic, std::string_view key, std::string_view value, const Headers& headers);
  // Sets a group's committed offsets; needs mutex_.
  void CommitLocked(const std::string& group, const std::map<TopicPartition, int64_t>& offsets);

  mutable std::mutex mutex_;  // guards what follows
  std::condition_variable appended_;
  std::map<std::string, Topic> topics_;
  std::map<std::string, std::map<TopicPartition, int64_t>> committed_;  // by group
};

}  // namespace herald::kafka
