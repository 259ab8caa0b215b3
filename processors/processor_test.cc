// The processor's wiring, on librdkafka's in-process mock cluster (no broker to
// start): articles in, event records and dead letters out, offsets committed. The
// delivery guarantees themselves are proven against the real broker (tests/).
#include "processors/processor.h"

#include <gtest/gtest.h>

#include "core/kafka.h"
#include "core/record_format.h"
#include "tests/kafka_test_support.h"

namespace herald {
namespace {

using testing::ReadRecord;
using testing::ReadTopic;
using testing::RunStageUntilCommitted;

TEST(ProcessorWiringTest, ArticlesBecomeEventsAndBadOnesDeadLettersWithTheirCode) {
  auto cluster = kafka::MockCluster::Start(1);
  ASSERT_TRUE(cluster) << cluster.error().reason;
  const std::string brokers = (*cluster)->bootstrap_servers();
  ProcessorOptions options;
  options.kafka.brokers = brokers;
  options.topics = {"wiring.raw", "wiring.events", "wiring.alerts", "wiring.dlq"};
  options.delivery = Delivery::kAtLeastOnce;  // the mock cluster writes no transaction markers
  options.threads = 1;
  for (const std::string& t : {options.topics.raw, options.topics.events, options.topics.dlq}) {
    ASSERT_TRUE((*cluster)->CreateTopic(t, 1));
  }
  auto producer = kafka::Producer::Create(kafka::ProducerProperties(brokers));
  ASSERT_TRUE(producer);
  ASSERT_TRUE((*producer)->Produce(options.topics.raw, "good-text", "Talks\nJapan and Korea met in Seoul.",
                                   {{"content-type", "text/plain"}}));
  ASSERT_TRUE((*producer)->Produce(options.topics.raw, "truncated", "{\"title\": \"x\", \"body\": \"abc",
                                   {{"content-type", "application/json"}}));
  ASSERT_TRUE((*producer)->Produce(options.topics.raw, "good-json", R"({"title":"T","body":"France and Germany met."})",
                                   {{"content-type", "application/json"}}));
  ASSERT_TRUE((*producer)->Flush(std::chrono::seconds(10)));

  StageMetrics metrics(std::string(kProcessorStage.name));
  Status result;
  EXPECT_TRUE(RunStageUntilCommitted(
      metrics, 3, [&](const StageContext& c) { return RunProcessor(options, c); }, &result));
  EXPECT_TRUE(result) << result.error().reason;

  std::vector<ReadRecord> dead = ReadTopic(brokers, options.topics.dlq, 1);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].key, "truncated");
  EXPECT_EQ(dead[0].header(header::kDlqErrorCode), "MALFORMED_JSON");
  EXPECT_EQ(metrics.records_out.value(), 2);
  EXPECT_EQ(metrics.dead_letters(v1::MALFORMED_JSON), 1);
}

}  // namespace
}  // namespace herald
