#include "core/record_limits.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace herald {
namespace {

using ::testing::HasSubstr;

const kafka::Properties kProducer = kafka::ProducerProperties("b:9092");
const kafka::Properties kConsumer = kafka::ConsumerProperties("b:9092", "g");

TEST(RecordLimitsTest, EachOutputGetsItsTopicsLimitLessFramingAndCompressionGrowth) {
  auto limits = ResolveRecordLimits(kProducer, kConsumer, {{"events", 1048588}, {"dlq", 4000000}, {"raw", 1048588}},
                                    "raw", {"events", "dlq"});
  ASSERT_TRUE(limits) << limits.error().reason;
  EXPECT_LT(limits->For("events"), 1048588u - 512);
  EXPECT_GT(limits->For("events"), 1040000u);
  EXPECT_GT(limits->For("dlq"), 3900000u);
  EXPECT_LT(limits->For("dlq"), 4000000u);
  EXPECT_EQ(limits->For("unknown"), limits->For("events")) << "Kafka's default for a topic nobody described";
}

TEST(RecordLimitsTest, TheProducersMessageMaxBytesCapsEveryTopic) {
  kafka::Properties producer = kafka::ProducerProperties("b:9092", {{"message.max.bytes", "100000"}});
  auto limits = ResolveRecordLimits(producer, kConsumer, {{"events", 50000000}}, "raw", {"events"});
  ASSERT_TRUE(limits);
  EXPECT_LE(limits->For("events"), 100000u);
}

TEST(RecordLimitsTest, MessageMaxBytesLargerThanTheQueueIsRefused) {
  kafka::Properties producer = kafka::ProducerProperties("b:9092", {{"message.max.bytes", "40000000"}});
  auto limits = ResolveRecordLimits(producer, kConsumer, {}, "raw", {"events"});
  ASSERT_FALSE(limits);
  EXPECT_EQ(limits.error().kind, ErrorKind::kFatal);
  EXPECT_THAT(limits.error().reason, HasSubstr("message.max.bytes (40000000)"));
  EXPECT_THAT(limits.error().reason, HasSubstr("queue.buffering.max.kbytes = 32768"));
}

TEST(RecordLimitsTest, ATopicTooSmallForATruncatedDeadLetterIsRefused) {
  auto limits = ResolveRecordLimits(kProducer, kConsumer, {{"dlq", 2000}}, "raw", {"dlq"});
  ASSERT_FALSE(limits);
  EXPECT_THAT(limits.error().reason, HasSubstr("topic dlq accepts records of at most"));
}

TEST(RecordLimitsTest, BatchSizeIsLoweredToTheSmallestOutputLimit) {
  auto limits =
      ResolveRecordLimits(kProducer, kConsumer, {{"events", 300000}, {"dlq", 1048588}}, "raw", {"events", "dlq"});
  ASSERT_TRUE(limits);
  ASSERT_EQ(limits->producer_overrides.size(), 1u);
  EXPECT_EQ(limits->producer_overrides[0].first, "batch.size");
  EXPECT_EQ(limits->producer_overrides[0].second, std::to_string(limits->For("events")));
  auto defaults = ResolveRecordLimits(kProducer, kConsumer, {{"events", 1048588}}, "raw", {"events"});
  ASSERT_TRUE(defaults);
  EXPECT_TRUE(defaults->producer_overrides.empty()) << "librdkafka's 1,000,000 already fits Kafka's default";
}

TEST(RecordLimitsTest, AnInputTopicWhoseRecordsTheConsumerCannotReceiveIsRefused) {
  auto limits = ResolveRecordLimits(kProducer, kConsumer, {{"raw", 200000000}}, "raw", {"events"});
  ASSERT_FALSE(limits);
  EXPECT_THAT(limits.error().reason, HasSubstr("receive.message.max.bytes"));
  kafka::Properties consumer = kafka::ConsumerProperties("b:9092", "g", {{"receive.message.max.bytes", "300000000"}});
  EXPECT_TRUE(ResolveRecordLimits(kProducer, consumer, {{"raw", 200000000}}, "raw", {"events"}));
}

TEST(RecordLimitsTest, RecordBytesCountsKeyValueAndHeaders) {
  EXPECT_EQ(RecordBytes("key", "value", {}), 8u);
  EXPECT_GT(RecordBytes("key", "value", {{"h", "v"}}), 10u);
}

}  // namespace
}  // namespace herald
