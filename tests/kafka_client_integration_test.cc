// The Kafka client wrappers against the real broker.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <thread>

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

// Two callers on one producer each wait for their own records' reports: one
// whose records reach the broker is told so, although the other's cannot be
// delivered (too large for its topic) and stay failed.
TEST(KafkaClientIntegrationTest, TrackedDeliveriesAreEachCallersOwn) {
  if (!std::getenv("HERALD_TEST_KAFKA_DIR")) GTEST_SKIP() << "run under ctest, whose kafka fixture starts the broker";
  std::string brokers = testing::Brokers();
  const std::string open = "tracked-" + std::to_string(::getpid()), small = open + "-small";
  ASSERT_TRUE(kafka::EnsureTopics(kafka::ProducerProperties(brokers), {open}, 1));
  ASSERT_TRUE(kafka::EnsureTopics(kafka::ProducerProperties(brokers), {small}, 1, std::chrono::seconds(30),
                                  {{"max.message.bytes", "2000"}}));
  auto producer = kafka::Producer::Create(kafka::ProducerProperties(brokers, {{"compression.type", "none"}}));
  ASSERT_TRUE(producer);
  auto good = std::make_shared<kafka::Deliveries>(), bad = std::make_shared<kafka::Deliveries>();
  Status good_acked, bad_acked;
  std::jthread bad_caller([&] {
    ASSERT_TRUE((*producer)->ProduceTracked(small, "big", std::string(50'000, 'x'), {}, bad));
    bad_acked = bad->Wait(**producer, std::chrono::seconds(30));
  });
  for (int i = 0; i < 20; ++i) ASSERT_TRUE((*producer)->ProduceTracked(open, "k", "v" + std::to_string(i), {}, good));
  good_acked = good->Wait(**producer, std::chrono::seconds(30));
  bad_caller.join();
  EXPECT_TRUE(good_acked) << good_acked.error().reason;
  ASSERT_FALSE(bad_acked);
  EXPECT_NE(bad_acked.error().reason.find("too large"), std::string::npos) << bad_acked.error().reason;
  EXPECT_EQ(testing::ReadTopic(brokers, open, 20).size(), 20u);
}

}  // namespace
}  // namespace herald
