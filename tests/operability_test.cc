// What an operator sees, against the real broker: the consumer lag a stage
// reports is the brokers' (end offset less committed) in both delivery modes,
// and credentials the brokers refuse stop a daemon with a reason that says so.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <thread>

#include "core/admin_server.h"
#include "core/kafka.h"
#include "core/kafka_admin.h"
#include "core/scoped_temp_dir.h"
#include "core/stage_loop.h"
#include "processors/processor.h"
#include "tests/kafka_test_support.h"

namespace herald {
namespace {

using testing::Daemon;
using ::testing::HasSubstr;
using testing::ReadFile;
using testing::WaitFor;

double Sample(const metrics::Registry& registry, const std::string& series) {
  return testing::Sample(registry.RenderPrometheus(), series);
}

class OperabilityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::getenv("HERALD_TEST_KAFKA_DIR")) GTEST_SKIP() << "run under ctest, whose kafka fixture starts the broker";
    brokers_ = testing::Brokers();
    ASSERT_FALSE(brokers_.empty());
    suffix_ = std::to_string(::getpid()) + "-" + std::to_string(++tests_);
    topics_ = {"op-raw-" + suffix_, "op-events-" + suffix_, "op-alerts-" + suffix_, "op-dlq-" + suffix_};
    ASSERT_TRUE(
        kafka::EnsureTopics(kafka::ProducerProperties(brokers_), {topics_.raw, topics_.events, topics_.dlq}, 1));
  }

  static inline int tests_ = 0;
  std::string brokers_, suffix_;
  Topics topics_;
};

class DeliveryTest : public OperabilityTest, public ::testing::WithParamInterface<Delivery> {};

TEST_P(DeliveryTest, ConsumerLagIsTheEndOffsetLessTheCommittedOne) {
  auto producer = kafka::Producer::Create(kafka::ProducerProperties(brokers_));
  ASSERT_TRUE(producer);
  constexpr int kArticles = 40;
  for (int i = 0; i < kArticles; ++i) {
    ASSERT_TRUE((*producer)->Produce(topics_.raw, "lag-" + std::to_string(i),
                                     "Officials in Paris and Berlin met on trade, report " + std::to_string(i) + ".",
                                     {{"content-type", "text/plain"}}));
  }
  ASSERT_TRUE((*producer)->Flush(std::chrono::seconds(30)));
  ProcessorOptions p;
  p.kafka.brokers = brokers_;
  p.topics = topics_;
  p.group = "processor-" + topics_.raw;
  p.instance_id = topics_.raw;
  p.delivery = GetParam();
  p.batch_size = 10;
  metrics::Registry registry;
  StageMetrics metrics("processor", &registry);
  std::stop_source stop;
  std::jthread processor([&] { EXPECT_TRUE(RunProcessor(p, {.stop = stop.get_token(), .metrics = &metrics})); });
  const std::string lag = "herald_consumer_lag{stage=\"processor\",topic=\"" + topics_.raw + "\",partition=\"0\"}";
  ASSERT_TRUE(WaitFor([&] { return metrics.committed.value() == kArticles; }));
  // Caught up: nothing between the committed offset and the end, whatever was processed since the start.
  EXPECT_TRUE(WaitFor([&] { return Sample(registry, lag) == 0; }, std::chrono::seconds(30)))
      << registry.RenderPrometheus();
  stop.request_stop();
}

// A stage that consumes but commits nothing is as far behind as the whole log,
// however much it has fetched.
TEST_F(OperabilityTest, ConsumerLagCountsWhatIsNotCommittedNotWhatWasFetched) {
  auto producer = kafka::Producer::Create(kafka::ProducerProperties(brokers_));
  ASSERT_TRUE(producer);
  for (int i = 0; i < 25; ++i) ASSERT_TRUE((*producer)->Produce(topics_.raw, "k" + std::to_string(i), "v"));
  ASSERT_TRUE((*producer)->Flush(std::chrono::seconds(30)));
  auto consumer = kafka::Consumer::Create(kafka::ConsumerProperties(brokers_, "stuck-" + topics_.raw), {topics_.raw});
  ASSERT_TRUE(consumer);
  metrics::Registry registry;
  StageMetrics metrics("stuck", &registry);
  std::stop_source stop;
  int tries = 0;
  std::jthread loop([&] {
    (void)RunStageLoop(
        **consumer, {.stage = "stuck", .batch_size = 5, .metrics = &metrics},
        [&](const kafka::Batch&) -> Result<BatchOutcome> {
          ++tries;
          return Retriable("the sink is down");
        },
        stop.get_token());
  });
  const std::string lag = "herald_consumer_lag{stage=\"stuck\",topic=\"" + topics_.raw + "\",partition=\"0\"}";
  EXPECT_TRUE(WaitFor([&] { return Sample(registry, lag) == 25; }, std::chrono::seconds(30)))
      << registry.RenderPrometheus();
  EXPECT_GT(tries, 0);
  stop.request_stop();
}

INSTANTIATE_TEST_SUITE_P(Delivery, DeliveryTest, ::testing::Values(Delivery::kExactlyOnce, Delivery::kAtLeastOnce),
                         [](const auto& info) {
                           return info.param == Delivery::kExactlyOnce ? "ExactlyOnce" : "AtLeastOnce";
                         });

class SaslTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* dir = std::getenv("HERALD_TEST_KAFKA_DIR");
    if (!dir) GTEST_SKIP() << "run under ctest, whose kafka fixture starts the broker";
    std::ifstream in(std::string(dir) + "/sasl_bootstrap");
    std::getline(in, sasl_brokers_);
    ASSERT_FALSE(sasl_brokers_.empty()) << "the test broker opened no SASL_PLAINTEXT listener";
  }

  std::unique_ptr<Daemon> Store(const std::string& password, int admin_port) {
    const std::string name = "sasl-" + std::to_string(::getpid()) + "-" + password;
    return std::make_unique<Daemon>(std::vector<std::string>{HERALD_BINARY,
                                                             "store",
                                                             "--brokers",
                                                             sasl_brokers_,
                                                             "--group",
                                                             name,
                                                             "--events-topic",
                                                             "sasl-events-" + name,
                                                             "--dlq-topic",
                                                             "sasl-dlq-" + name,
                                                             "--sqlite",
                                                             dir_.path() / (name + ".db"),
                                                             "--admin-port",
                                                             std::to_string(admin_port),
                                                             "--auth-failure-timeout",
                                                             "5",
                                                             "-X",
                                                             "security.protocol=SASL_PLAINTEXT",
                                                             "-X",
                                                             "sasl.mechanism=PLAIN",
                                                             "-X",
                                                             "sasl.username=herald",
                                                             "-X",
                                                             "sasl.password=" + password,
                                                             "-X",
                                                             "statistics.interval.ms=500"},
                                    Log(password));
  }
  std::string Log(const std::string& password) const { return dir_.path() / ("store-" + password + ".log"); }

  std::string sasl_brokers_;
  ScopedTempDir dir_{"herald-sasl-test"};
};

TEST_F(SaslTest, RefusedCredentialsStopTheDaemonWithAReasonThatSaysSo) {
  auto store = Store("wrong-secret", 0);
  EXPECT_EQ(store->WaitForExit(std::chrono::seconds(90)), 1) << ReadFile(Log("wrong-secret"));
  const std::string log = ReadFile(Log("wrong-secret"));
  EXPECT_THAT(log, HasSubstr("Kafka authentication failed"));
  EXPECT_THAT(log, HasSubstr("Kafka authentication has failed for"));
}

TEST_F(SaslTest, ProduceNamesRefusedCredentialsAsTheReasonNothingWasDelivered) {
  Daemon produce(
      {HERALD_BINARY, "produce", "--brokers", sasl_brokers_, "--raw-topic", "sasl-raw-produce", "-X",
       "security.protocol=SASL_PLAINTEXT", "-X", "sasl.mechanism=PLAIN", "-X", "sasl.username=herald", "-X",
       "sasl.password=wrong-secret", "-X", "message.timeout.ms=3000", "samples/us-china-military-hotline.txt"},
      Log("produce"));
  EXPECT_NE(produce.WaitForExit(std::chrono::seconds(60)), 0);
  EXPECT_THAT(ReadFile(Log("produce")), HasSubstr("the brokers refuse this client's credentials"));
}

TEST_F(SaslTest, TheRightCredentialsWork) {
  const int port = FreeLoopbackPort();
  auto store = Store("herald-secret", port);
  EXPECT_TRUE(WaitFor([&] {
    httplib::Client client("127.0.0.1", port);
    auto r = client.Get("/readyz");
    return r && r->status == 200;
  })) << ReadFile(Log("herald-secret"));
  EXPECT_EQ(store->Terminate(), 0) << ReadFile(Log("herald-secret"));
}

}  // namespace
}  // namespace herald
