// The stage loop against the real broker: the offsets it stores and commits
// reach the group coordinator, while it runs and when it stops. Its decisions
// (retry, narrowing, quarantine) are unit-tested in core/stage_loop_test.cc.
#include <gtest/gtest.h>
#include <unistd.h>

#include <set>

#include "core/kafka.h"
#include "core/kafka_admin.h"
#include "core/stage_loop.h"
#include "tests/kafka_test_support.h"

namespace herald {
namespace {

// Writes records keyed k<from> .. k<to - 1> to topic, and waits for them.
void ProduceKeys(kafka::Producer& producer, const std::string& topic, int from, int to) {
  for (int i = from; i < to; ++i) ASSERT_TRUE(producer.Produce(topic, "k" + std::to_string(i), "v"));
  ASSERT_TRUE(producer.Flush(std::chrono::seconds(30)));
}

// A running loop's offsets reach the broker through the consumer's periodic
// commits, without waiting for the loop to stop.
TEST(StageLoopIntegrationTest, StoredOffsetsAreCommittedWhileTheLoopRuns) {
  if (!std::getenv("HERALD_TEST_KAFKA_DIR")) GTEST_SKIP() << "run under ctest, whose kafka fixture starts the broker";
  std::string brokers = testing::Brokers();
  std::string topic = "periodic-" + std::to_string(::getpid());
  std::string group = "group-" + topic;
  ASSERT_TRUE(kafka::EnsureTopics(kafka::ProducerProperties(brokers), {topic}, 1));
  auto producer = kafka::Producer::Create(kafka::ProducerProperties(brokers));
  ASSERT_TRUE(producer);
  ProduceKeys(**producer, topic, 0, 30);

  auto consumer = kafka::Consumer::Create(kafka::ConsumerProperties(brokers, group), {topic});
  ASSERT_TRUE(consumer);
  StageMetrics metrics("test");
  std::stop_source stop;
  std::jthread loop([&] {
    EXPECT_TRUE(RunStageLoop(**consumer, {.stage = "test", .batch_size = 4, .metrics = &metrics},
                             [](const kafka::Batch& batch) -> Result<BatchOutcome> {
                               return BatchOutcome{.records_out = static_cast<int64_t>(batch.size())};
                             },
                             stop.get_token(), {}));
  });
  EXPECT_TRUE(testing::WaitFor([&] { return metrics.committed.value() >= 30; }, std::chrono::seconds(120)));
  // Asks the group coordinator (librdkafka's calls are thread-safe).
  int64_t committed = -1;
  EXPECT_TRUE(testing::WaitFor(
      [&] {
        auto offset = (*consumer)->Committed(topic, 0, std::chrono::seconds(5));
        if (offset) committed = *offset;
        return committed == 30;
      },
      std::chrono::seconds(30)))
      << "committed offset " << committed;
  stop.request_stop();
}

// Offsets are stored for periodic commits while the loop runs; the last ones
// synchronously when it stops: a new member of the group starts after them.
TEST(StageLoopIntegrationTest, StoppedLoopLeavesItsGroupAfterTheLastRecord) {
  if (!std::getenv("HERALD_TEST_KAFKA_DIR")) GTEST_SKIP() << "run under ctest, whose kafka fixture starts the broker";
  std::string brokers = testing::Brokers();
  std::string topic = "commits-" + std::to_string(::getpid());
  std::string group = "group-" + topic;
  ASSERT_TRUE(kafka::EnsureTopics(kafka::ProducerProperties(brokers), {topic}, 2));
  auto producer = kafka::Producer::Create(kafka::ProducerProperties(brokers));
  ASSERT_TRUE(producer);
  ProduceKeys(**producer, topic, 0, 50);
  {
    auto consumer = kafka::Consumer::Create(kafka::ConsumerProperties(brokers, group), {topic});
    ASSERT_TRUE(consumer);
    StageMetrics metrics("test");
    std::stop_source stop;
    auto handle = [&](const kafka::Batch& batch) -> Result<BatchOutcome> {
      return BatchOutcome{.records_out = static_cast<int64_t>(batch.size())};
    };
    std::jthread loop([&] {
      EXPECT_TRUE(RunStageLoop(**consumer, {.stage = "test", .batch_size = 7, .metrics = &metrics}, handle,
                               stop.get_token(), {}));
    });
    EXPECT_TRUE(testing::WaitFor([&] { return metrics.committed.value() >= 50; }, std::chrono::seconds(120)));
    stop.request_stop();
    loop.join();
    (*consumer)->Close();
  }
  ProduceKeys(**producer, topic, 50, 53);
  auto next = kafka::Consumer::Create(kafka::ConsumerProperties(brokers, group), {topic});
  ASSERT_TRUE(next);
  std::set<std::string> keys;
  testing::WaitFor(
      [&] {
        auto batch = (*next)->Poll(100, std::chrono::milliseconds(500));
        if (batch) {
          for (const kafka::Record& r : *batch) keys.insert(std::string(r.key()));
        }
        return keys.size() >= 3;
      },
      std::chrono::seconds(60));
  EXPECT_EQ(keys, (std::set<std::string>{"k50", "k51", "k52"})) << "only the records produced after the stop";
}

}  // namespace
}  // namespace herald
