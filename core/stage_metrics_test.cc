#include "core/stage_metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace herald {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The parts of librdkafka's statistics JSON that herald reads.
constexpr std::string_view kConsumerStatistics = R"({
  "name": "rdkafka#consumer-1", "type": "consumer", "msg_cnt": 0,
  "brokers": {
    "localhost:9092/bootstrap": {"name": "localhost:9092/bootstrap", "nodeid": -1, "state": "INIT"},
    "localhost:9092/1": {"name": "localhost:9092/1", "nodeid": 1, "state": "UP"}
  },
  "topics": {
    "herald.articles.raw": {
      "topic": "herald.articles.raw",
      "partitions": {
        "0": {"partition": 0, "consumer_lag": 42, "fetch_state": "active"},
        "1": {"partition": 1, "consumer_lag": -1, "fetch_state": "none"},
        "2": {"partition": 2, "consumer_lag": -1, "fetch_state": "active", "ls_offset": 30, "lo_offset": 0,
              "app_offset": 25},
        "-1": {"partition": -1, "consumer_lag": -1}
      }
    }
  }
})";

TEST(StageMetricsTest, ReadsBrokersAndQueuesFromKafkaStatistics) {
  metrics::Registry registry;
  StageMetrics m("processor", &registry);
  m.OnKafkaStatistics("consumer", kConsumerStatistics);
  m.OnKafkaStatistics("producer", R"({"type": "producer", "msg_cnt": 12, "msg_size": 3400, "brokers": {}})");
  std::string text = registry.RenderPrometheus();
  EXPECT_THAT(text, Not(HasSubstr("herald_consumer_lag"))) << "lag is the brokers', not librdkafka's guess";
  EXPECT_THAT(text, HasSubstr("herald_kafka_brokers_up{stage=\"processor\",client=\"consumer\"} 1"));
  EXPECT_THAT(text, HasSubstr("herald_producer_queue_messages{stage=\"processor\"} 12"));
  EXPECT_THAT(text, HasSubstr("herald_producer_queue_bytes{stage=\"processor\"} 3400"));
  m.OnKafkaStatistics("producer", "{not json");  // ignored, the last good figures stay
  EXPECT_THAT(registry.RenderPrometheus(), HasSubstr("herald_producer_queue_messages{stage=\"processor\"} 12"));
}

TEST(StageMetricsTest, LagIsWhatTheLoopReports) {
  metrics::Registry registry;
  StageMetrics m("processor", &registry);
  m.SetLag({{{"herald.articles.raw", 0}, 42}, {{"herald.articles.raw", 2}, 5}});
  std::string text = registry.RenderPrometheus();
  EXPECT_THAT(text,
              HasSubstr("herald_consumer_lag{stage=\"processor\",topic=\"herald.articles.raw\",partition=\"0\"} 42"));
  EXPECT_THAT(text, HasSubstr("partition=\"2\"} 5"));
  m.SetLag({{{"herald.articles.raw", 2}, 0}});
  EXPECT_THAT(registry.RenderPrometheus(), Not(HasSubstr("partition=\"0\""))) << "revoked: left out";
}

TEST(StageMetricsTest, AStageThatOnlyProducesIsReadyOnItsProducersBrokers) {
  StageMetrics m("producer");
  m.SetConsuming(true);
  m.OnKafkaStatistics("producer", R"({"brokers": {"b/1": {"state": "DOWN"}}})");
  EXPECT_THAT(m.Readiness().error().reason, HasSubstr("no Kafka broker connection is up"));
  m.OnKafkaStatistics("producer", R"({"brokers": {"b/1": {"state": "UP"}}})");
  EXPECT_TRUE(m.Readiness());
}

TEST(StageMetricsTest, ReadyOnlyWhenConsumingWithABrokerUpAndAHealthySink) {
  StageMetrics m("store");
  EXPECT_FALSE(m.Readiness());
  m.SetConsuming(true);
  EXPECT_THAT(m.Readiness().error().reason, HasSubstr("no broker statistics yet"));
  m.OnKafkaStatistics("consumer", R"({"brokers": {"b/1": {"state": "DOWN"}}})");
  EXPECT_THAT(m.Readiness().error().reason, HasSubstr("no Kafka broker connection is up"));
  m.OnKafkaStatistics("consumer", kConsumerStatistics);
  EXPECT_TRUE(m.Readiness());
  m.SetSinkProblem("webhook", "webhook http://h/ is failing");
  EXPECT_EQ(m.Readiness().error().reason, "webhook http://h/ is failing");
  m.SetSinkProblem("webhook", "");
  EXPECT_TRUE(m.Readiness());
  m.BatchStarted();
  EXPECT_TRUE(m.Readiness()) << "a batch in hand for a moment";
  EXPECT_THAT(m.Readiness(std::chrono::seconds(-1)).error().reason, HasSubstr("a batch has been in hand for"));
  m.BatchEnded();
  EXPECT_TRUE(m.Readiness(std::chrono::seconds(-1)));
  m.SetSinkHealthy(false);
  EXPECT_THAT(m.Readiness().error().reason, HasSubstr("sink"));
}

TEST(StageMetricsTest, LivenessFollowsTheHeartbeat) {
  StageMetrics m("alert");
  EXPECT_TRUE(m.Liveness(std::chrono::seconds(60)));
  EXPECT_FALSE(m.Liveness(std::chrono::seconds(-1))) << "a heartbeat older than the allowed stall";
  m.Heartbeat();
  EXPECT_TRUE(m.Liveness(std::chrono::seconds(60)));
}

TEST(StageMetricsTest, DeadLettersCountByCode) {
  metrics::Registry registry;
  StageMetrics m("processor", &registry);
  m.CountDeadLetters(v1::MALFORMED_JSON, 2);
  m.CountDeadLetters(v1::EMPTY_ARTICLE, 1);
  EXPECT_EQ(m.dead_lettered.value(), 3);
  EXPECT_EQ(m.dead_letters(v1::MALFORMED_JSON), 2);
  EXPECT_THAT(registry.RenderPrometheus(),
              HasSubstr("herald_dead_letters_total{stage=\"processor\",code=\"MALFORMED_JSON\"} 2"));
}

TEST(StageMetricsTest, TimedSinkWritesAreCountedAndSetTheSinksHealth) {
  metrics::Registry registry;
  StageMetrics m("store", &registry);
  m.SetConsuming(true);
  m.OnKafkaStatistics("consumer", kConsumerStatistics);
  metrics::Histogram& sqlite = m.sink_write_seconds("sqlite");
  Status failed = m.TimedSinkWrite(sqlite, [] { return Status(Retriable("database is locked")); });
  EXPECT_FALSE(failed);
  EXPECT_THAT(m.Readiness().error().reason, HasSubstr("sink"));
  Result<int> written = m.TimedSinkWrite(sqlite, [] { return Result<int>(7); });
  ASSERT_TRUE(written);
  EXPECT_EQ(*written, 7) << "the write's result comes back";
  EXPECT_TRUE(m.Readiness());
  EXPECT_THAT(registry.RenderPrometheus(),
              HasSubstr("herald_sink_write_seconds_count{stage=\"store\",sink=\"sqlite\"} 2"));
}

}  // namespace
}  // namespace herald
