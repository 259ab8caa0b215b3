#include "core/kafka_cluster.h"

namespace herald::kafka {
namespace {

class BrokerCluster final : public Cluster {
 public:
  Result<std::unique_ptr<Producer>> NewProducer(const Properties& properties,
                                                StatisticsHandler on_statistics) override {
    return Producer::Create(properties, std::move(on_statistics));
  }
  Result<std::unique_ptr<Consumer>> NewConsumer(const Properties& properties, const std::vector<std::string>& topics,
                                                StatisticsHandler on_statistics) override {
    return Consumer::Create(properties, topics, std::move(on_statistics));
  }
  Result<TopicLimits> DescribeTopicLimits(const Properties& properties, const std::vector<std::string>& topics,
                                          std::chrono::milliseconds timeout) override {
    return kafka::DescribeTopicLimits(properties, topics, timeout);
  }
};

}  // namespace

Cluster& Brokers() {
  static BrokerCluster brokers;
  return brokers;
}

}  // namespace herald::kafka
