// kafka_cluster.h: where a stage's Kafka clients come from.
//
// Purpose: a stage opens its producer and consumer, and asks its topics'
// limits, through a Cluster, so that the same wiring runs against the brokers
// its properties name (Brokers(): librdkafka's clients and admin calls) and, in
// the unit tests of that wiring, against an in-memory cluster
// (kafka::FakeCluster, core/fake_kafka.h) that needs no broker and no group join.
//
//   kafka::Cluster& cluster = context.cluster ? *context.cluster : kafka::Brokers();
//   auto producer = cluster.NewProducer(kafka::ProducerProperties(brokers), {});
//
// Thread-safety: Brokers() may be used from any thread; see each implementation.
// Failure: as Producer::Create, Consumer::Create and DescribeTopicLimits.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/kafka.h"
#include "core/kafka_admin.h"
#include "core/status.h"

namespace herald::kafka {

class Cluster {
 public:
  virtual ~Cluster() = default;
  virtual Result<std::unique_ptr<Producer>> NewProducer(const Properties& properties,
                                                        StatisticsHandler on_statistics) = 0;
  virtual Result<std::unique_ptr<Consumer>> NewConsumer(const Properties& properties,
                                                        const std::vector<std::string>& topics,
                                                        StatisticsHandler on_statistics) = 0;
  // As kafka::DescribeTopicLimits.
  virtual Result<TopicLimits> DescribeTopicLimits(const Properties& properties, const std::vector<std::string>& topics,
                                                  std::chrono::milliseconds timeout) = 0;
};

// The brokers the properties name, through librdkafka.
Cluster& Brokers();

}  // namespace herald::kafka
