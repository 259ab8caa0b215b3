// The Kafka client wrappers against the real broker.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>

#include "core/kafka.h"
#include "core/kafka_admin.h"
#include "tests/kafka_test_support.h"

namespace herald {
namespace {

// A malloc'd payload is handed to librdkafka, not copied: the caller's pointer
// is released on success, and the bytes arrive intact with key and headers.
TEST(KafkaClientIntegrationTest, ProducedMallocBytesArriveAndChangeOwner) {
  if (!std::getenv("HERALD_TEST_KAFKA_DIR")) GTEST_SKIP() << "run under ctest, whose kafka fixture starts the broker";
  std::string brokers = testing::Brokers();
  std::string topic = "owned-" + std::to_string(::getpid());
  ASSERT_TRUE(kafka::EnsureTopics(kafka::ProducerProperties(brokers), {topic}, 1));
  auto producer = kafka::Producer::Create(kafka::ProducerProperties(brokers));
  ASSERT_TRUE(producer);
  const std::string payload(100'000, 'x');
  kafka::MallocBytes bytes(static_cast<char*>(std::malloc(payload.size())));
  std::memcpy(bytes.get(), payload.data(), payload.size());
  ASSERT_TRUE((*producer)->Produce(topic, "owned", bytes, payload.size(), {{"h", "v"}}));
  EXPECT_EQ(bytes.get(), nullptr) << "librdkafka owns the bytes now";
  ASSERT_TRUE((*producer)->Flush(std::chrono::seconds(30)));

  std::vector<testing::ReadRecord> read = testing::ReadTopic(brokers, topic, 1);
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].key, "owned");
  EXPECT_EQ(read[0].value, payload);
  EXPECT_EQ(read[0].header("h"), "v");
}

}  // namespace
}  // namespace herald
