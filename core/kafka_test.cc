#include "core/kafka.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "core/options.h"
#include "core/stage_loop.h"

namespace herald {
namespace {

std::optional<std::string> Find(const kafka::Properties& properties, const std::string& name) {
  std::optional<std::string> value;
  for (const auto& [n, v] : properties) {
    if (n == name) value = v;  // the last setting wins, as in the client
  }
  return value;
}

TEST(KafkaPropertiesTest, TuningPresetsSetLingerNagleAndFetchWait) {
  auto throughput = kafka::ProducerProperties("b:9092", {}, kafka::Tuning::kThroughput);
  auto latency = kafka::ProducerProperties("b:9092", {}, kafka::Tuning::kLatency);
  EXPECT_EQ(Find(throughput, "linger.ms"), "5");
  EXPECT_EQ(Find(latency, "linger.ms"), "1");
  EXPECT_EQ(Find(latency, "socket.nagle.disable"), "true");
  EXPECT_EQ(Find(kafka::ConsumerProperties("b:9092", "g", {}, kafka::Tuning::kLatency), "fetch.wait.max.ms"), "10");
  EXPECT_EQ(Find(kafka::ConsumerProperties("b:9092", "g"), "fetch.wait.max.ms"), "100");
  for (const auto& [name, value] : latency) EXPECT_TRUE(kafka::CheckProperty(name, value)) << name;
}

TEST(KafkaPropertiesTest, AtLeastOnceConsumersCommitStoredOffsetsExactlyOnceOnesNever) {
  kafka::Properties consumer = kafka::ConsumerProperties("b:9092", "g");
  EXPECT_EQ(Find(consumer, "enable.auto.commit"), "true");
  EXPECT_EQ(Find(consumer, "enable.auto.offset.store"), "false") << "only what a stage stores is committed";
  TransactionalIdentity identity = MakeTransactionalIdentity("process", "g", "pod-1");
  consumer.insert(consumer.end(), identity.consumer.begin(), identity.consumer.end());
  EXPECT_EQ(Find(consumer, "enable.auto.commit"), "false") << "the transaction carries the offsets";
  EXPECT_EQ(Find(consumer, "group.instance.id"), "pod-1");
}

TEST(KafkaPropertiesTest, EveryStageConsumerHasStaticMembershipFromItsInstance) {
  KafkaOptions client{.brokers = "b:9092"};
  StageClientProperties store = MakeStageClientProperties("store", client, "g", "store-0", /*exactly_once=*/false);
  EXPECT_EQ(Find(store.consumer, "group.instance.id"), "store-0");
  EXPECT_EQ(Find(store.consumer, "enable.auto.commit"), "true") << "at-least-once commits what it stores";
  EXPECT_EQ(Find(store.producer, "transactional.id"), std::nullopt);
  StageClientProperties processor = MakeStageClientProperties("process", client, "g", "", /*exactly_once=*/true);
  EXPECT_FALSE(processor.instance.empty()) << "the host name";
  EXPECT_EQ(Find(processor.consumer, "group.instance.id"), processor.instance);
  EXPECT_EQ(Find(processor.consumer, "enable.auto.commit"), "false");
  EXPECT_EQ(Find(processor.producer, "transactional.id"), "herald-process.g." + processor.instance);
}

TEST(KafkaPropertiesTest, PassThroughPropertiesWinOverThePreset) {
  KafkaOptions options{.brokers = "b:9092", .tuning = kafka::Tuning::kLatency, .properties = {{"linger.ms", "2"}}};
  EXPECT_EQ(Find(options.ProducerProperties(), "linger.ms"), "2");
  EXPECT_EQ(Find(options.ProducerProperties(), "socket.nagle.disable"), "true");
  EXPECT_EQ(Find(options.ConsumerProperties("g"), "group.id"), "g");
}

}  // namespace
}  // namespace herald
