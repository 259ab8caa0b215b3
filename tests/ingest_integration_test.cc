// `herald ingest` against the real broker: 202 only once the broker has the
// articles (read back by another client), 503 with Retry-After when no broker answers.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <thread>

#include "core/admin_server.h"
#include "core/record_format.h"
#include "producers/ingest.h"
#include "tests/kafka_test_support.h"

namespace herald {
namespace {

// Runs the API until the test ends; its client once it answers.
class IngestDaemon {
 public:
  explicit IngestDaemon(IngestOptions o) : options_(std::move(o)), metrics_("ingest") {
    options_.port = FreeLoopbackPort();
    thread_ =
        std::jthread([this] { status_ = RunIngest(options_, {.stop = stop_.get_token(), .metrics = &metrics_}); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", options_.port);
    for (int i = 0; i < 400 && !client_->Get("/v1/openapi.json"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ~IngestDaemon() { stop_.request_stop(); }
  httplib::Client& client() { return *client_; }
  int port() const { return options_.port; }

 private:
  IngestOptions options_;
  StageMetrics metrics_;
  std::stop_source stop_;
  Status status_;
  std::unique_ptr<httplib::Client> client_;
  std::jthread thread_;
};

TEST(IngestIntegrationTest, AcceptedMeansTheBrokerHasEveryArticle) {
  if (!std::getenv("HERALD_TEST_KAFKA_DIR")) GTEST_SKIP() << "run under ctest, whose kafka fixture starts the broker";
  IngestOptions o;
  o.kafka.brokers = testing::Brokers();
  o.topics.raw = "ingest-raw-" + std::to_string(::getpid());
  ASSERT_TRUE(kafka::EnsureTopics(kafka::ProducerProperties(o.kafka.brokers), {o.topics.raw}, 3));
  IngestDaemon daemon(o);
  std::string batch;
  for (int i = 0; i < 50; ++i)
    batch += "{\"id\": \"partner-" + std::to_string(i) + "\", \"title\": \"Story " + std::to_string(i) +
             "\", \"body\": \"Text of story " + std::to_string(i) + ".\"}\n";
  auto answer =
      daemon.client().Post("/v1/articles", {{"X-Herald-Source", "Partner Wire"}}, batch, "application/x-ndjson");
  ASSERT_TRUE(answer);
  ASSERT_EQ(answer->status, 202) << answer->body;
  EXPECT_NE(answer->body.find("\"accepted\":50"), std::string::npos);
  // Requests at once on one producer: each answered once its own articles are in.
  std::atomic<int> accepted{0};
  {
    std::vector<std::jthread> senders;
    for (int t = 0; t < 4; ++t) {
      senders.emplace_back([&, t] {
        httplib::Client own("127.0.0.1", daemon.port());
        for (int i = 0; i < 5; ++i) {
          auto r = own.Post("/v1/articles",
                            R"({"id": "at-once-)" + std::to_string(t) + "-" + std::to_string(i) + R"(", "body": "B"})",
                            "application/json");
          if (r && r->status == 202) ++accepted;
        }
      });
    }
  }
  EXPECT_EQ(accepted.load(), 20);
  auto records = testing::ReadTopic(o.kafka.brokers, o.topics.raw, 70);
  ASSERT_EQ(records.size(), 70u);
  EXPECT_EQ(records[0].header(header::kSource), "Partner Wire");
  EXPECT_EQ(records[0].header(header::kContentType), "application/json");
}

TEST(IngestIntegrationTest, WithoutABrokerTheAnswerIsRetryLaterNotAccepted) {
  IngestOptions o;
  o.kafka.brokers = "127.0.0.1:1";  // nothing listens
  o.ack_timeout_ms = 1500;
  IngestDaemon daemon(o);
  auto answer = daemon.client().Post("/v1/articles", R"({"title": "T", "body": "B"})", "application/json");
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 503) << answer->body;
  EXPECT_EQ(answer->get_header_value("Retry-After"), "5");
}

}  // namespace
}  // namespace herald
