// The article API on the in-memory cluster: what it accepts, what it refuses
// and why, and the HTTP answers around it (auth, limits, methods).
#include "producers/ingest.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <thread>

#include "core/admin_server.h"
#include "core/fake_kafka.h"
#include "core/record_format.h"

namespace herald {
namespace {

class IngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_.CreateTopic(options_.topics.raw, 1);
    producer_ = std::move(*cluster_.NewProducer({}, {}));
  }
  IngestAnswer Send(std::string_view type, std::string_view body) {
    return IngestArticles(*producer_, options_, unacknowledged_, type, body, "partner-a");
  }

  IngestOptions options_;
  UnacknowledgedBytes unacknowledged_{options_.max_unacknowledged_bytes};
  kafka::FakeCluster cluster_;
  std::unique_ptr<kafka::Producer> producer_;
};

TEST_F(IngestTest, AcceptsAnEnvelopeOrABatchAndSendsEachWithHeraldsHeaders) {
  IngestAnswer one = Send("application/json; charset=utf-8", R"({"id": "a-1", "title": "T", "body": "B"})");
  EXPECT_EQ(one.status, 202) << one.body;
  EXPECT_EQ(one.body, R"({"accepted":1,"ids":["a-1"]})");
  IngestAnswer batch = Send("application/x-ndjson",
                            "{\"url\": \"https://x/2\", \"body\": \"two\"}\r\n\n"
                            "{\"html\": \"<p>three</p>\"}\n");
  EXPECT_EQ(batch.status, 202) << batch.body;
  EXPECT_EQ(batch.accepted, 2);
  kafka::Batch records = cluster_.Records(options_.topics.raw);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].key(), "a-1");
  EXPECT_EQ(records[1].key(), "https://x/2");
  EXPECT_EQ(records[2].key().substr(0, 2), "h:");  // no id or url: its content hash
  EXPECT_EQ(records[0].header(header::kContentType), "application/json");
  EXPECT_EQ(records[0].header(header::kSource), "partner-a");
  EXPECT_TRUE(records[0].header(header::kIngestedAt).has_value());
}

TEST_F(IngestTest, OneBadEnvelopeRefusesTheRequestWithEachLinesReason) {
  options_.max_article_bytes = 300;
  std::string body =
      "{\"title\": \"fine\"}\n"
      "not json\n"
      "{\"title\": 7}\n"
      "{\"id\": \"no text\"}\n"
      "[1, 2]\n"
      "{\"body\": \"caf\xC3\"}\n"
      "{\"body\": \"" +
      std::string(400, 'x') + "\"}\n";
  IngestAnswer a = Send("application/x-ndjson", body);
  EXPECT_EQ(a.status, 400);
  for (std::string_view expected :
       {R"("line":2,"reason":"not JSON)", R"("line":3,"reason":"field 'title' must be a string")",
        R"("line":4,"reason":"no title, body or html text")", R"("line":5,"reason":"not a JSON object")",
        R"("line":6,"reason":"not valid UTF-8")", R"("line":7,"reason":"envelope of )"})
    EXPECT_NE(a.body.find(expected), std::string::npos) << expected << " not in " << a.body;
  EXPECT_EQ(a.body.find(R"("line":1,)"), std::string::npos);
  EXPECT_TRUE(cluster_.Records(options_.topics.raw).empty()) << "nothing is sent from a refused request";
  EXPECT_EQ(Send("application/json", "").status, 400);
  EXPECT_EQ(Send("application/x-ndjson", "\n \n").status, 400);
  EXPECT_EQ(Send("text/plain", "{\"title\": \"t\"}").status, 415);
  EXPECT_EQ(Send("", "{\"title\": \"t\"}").status, 415);
}

TEST(UnacknowledgedBytesTest, ARequestAloneIsAlwaysTakenOthersOnlyWithinTheLimit) {
  UnacknowledgedBytes u(100);
  EXPECT_TRUE(u.TryTake(500)) << "nothing else held: a request larger than the limit still goes";
  EXPECT_FALSE(u.TryTake(1));
  u.Give(500);
  EXPECT_TRUE(u.TryTake(60));
  EXPECT_TRUE(u.TryTake(40));
  EXPECT_FALSE(u.TryTake(1));
  u.Give(40);
  EXPECT_TRUE(u.TryTake(40));
}

TEST_F(IngestTest, WhileEarlierArticlesAwaitTheBrokerAFurtherRequestIsToldToComeBack) {
  ASSERT_TRUE(unacknowledged_.TryTake(options_.max_unacknowledged_bytes));  // another request's, in flight
  IngestAnswer a = Send("application/json", R"({"id": "a-1", "title": "T", "body": "B"})");
  EXPECT_EQ(a.status, 429) << a.body;
  ASSERT_EQ(a.headers.size(), 1u);
  EXPECT_EQ(a.headers[0], (std::pair<std::string, std::string>{"Retry-After", "1"}));
  EXPECT_TRUE(cluster_.Records(options_.topics.raw).empty());
  unacknowledged_.Give(options_.max_unacknowledged_bytes);
  EXPECT_EQ(Send("application/json", R"({"id": "a-1", "title": "T", "body": "B"})").status, 202);
}

TEST(IngestServerTest, AnswersAuthLimitsAndMethodsOverHttp) {
  kafka::FakeCluster cluster;
  IngestOptions o;
  cluster.CreateTopic(o.topics.raw, 1);
  o.port = FreeLoopbackPort();
  o.tokens = {"s3cret"};
  o.max_request_bytes = 4096;
  StageMetrics metrics("ingest");
  std::stop_source stop;
  std::jthread daemon(
      [&] { EXPECT_TRUE(RunIngest(o, {.stop = stop.get_token(), .metrics = &metrics, .cluster = &cluster})); });
  struct StopOnExit {
    std::stop_source& s;
    ~StopOnExit() { s.request_stop(); }
  } stop_on_exit{stop};
  httplib::Client client("127.0.0.1", o.port);
  bool up = false;
  for (int i = 0; i < 200 && !up; ++i) {
    auto health = client.Get("/v1/openapi.json");
    up = health && health->status == 200;
    if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ASSERT_TRUE(up) << "the article API did not come up";
  const std::string article = R"({"id": "p-1", "title": "Hello", "body": "World"})";
  auto anonymous = client.Post("/v1/articles", article, "application/json");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  EXPECT_EQ(anonymous->get_header_value("WWW-Authenticate"), "Bearer realm=\"herald\"");
  httplib::Headers auth = {{"Authorization", "Bearer s3cret"}, {"X-Herald-Source", "partner"}};
  auto wrong = client.Post("/v1/articles", {{"Authorization", "Bearer s3cret2"}}, article, "application/json");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  auto accepted = client.Post("/v1/articles", auth, article, "application/json");
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->status, 202) << accepted->body;
  auto big = client.Post("/v1/articles", auth, std::string(8192, ' '), "application/json");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  // A body of unknown size (chunked) is read up to the limit, and refused past it.
  auto chunked = [&](const std::string& body) {
    httplib::Client own("127.0.0.1", o.port);
    return own.Post(
        "/v1/articles", auth,
        [&](size_t offset, httplib::DataSink& sink) {
          for (size_t at = offset; at < body.size(); at += 1000)
            sink.write(body.data() + at, std::min<size_t>(1000, body.size() - at));
          sink.done();
          return true;
        },
        "application/json");
  };
  auto small_chunked = chunked(article);
  ASSERT_TRUE(small_chunked);
  EXPECT_EQ(small_chunked->status, 202) << small_chunked->body;
  auto big_chunked = chunked(R"({"title": ")" + std::string(8192, 'x') + R"("})");
  ASSERT_TRUE(big_chunked);
  EXPECT_EQ(big_chunked->status, 413);
  // Ten in a row, each accepted: the daemon's own use of the producer does not crowd requests out.
  for (int i = 0; i < 10; ++i) {
    auto again = client.Post("/v1/articles", auth, article, "application/json");
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 202) << again->body;
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
  }
  // Requests at once: each waits for its own articles alone, and each is accepted.
  std::vector<std::jthread> senders;
  std::atomic<int> accepted_at_once{0};
  for (int t = 0; t < 6; ++t) {
    senders.emplace_back([&, t] {
      httplib::Client own("127.0.0.1", o.port);
      for (int i = 0; i < 5; ++i) {
        const std::string one = R"({"id": "c-)" + std::to_string(t) + "-" + std::to_string(i) + R"(", "body": "B"})";
        auto r = own.Post("/v1/articles", auth, one, "application/json");
        if (r && r->status == 202) ++accepted_at_once;
      }
    });
  }
  senders.clear();  // joins
  EXPECT_EQ(accepted_at_once.load(), 30);
  auto description = client.Get("/v1/openapi.json");
  ASSERT_TRUE(description);
  EXPECT_EQ(description->body, IngestOpenApiDocument());
  auto get = client.Get("/v1/articles", auth);
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 405);
  auto elsewhere = client.Post("/v2/other", auth, article, "application/json");
  ASSERT_TRUE(elsewhere);
  EXPECT_EQ(elsewhere->status, 404);
  const std::string metrics_page = metrics.registry().RenderPrometheus();
  EXPECT_NE(metrics_page.find("herald_ingest_requests_total{code=\"401\"} 2"), std::string::npos) << metrics_page;
  EXPECT_EQ(client.Get(kLivenessPath)->status, 404) << "the probes are on the admin port, not the API's";
  ASSERT_EQ(cluster.Records(o.topics.raw).size(), 42u);
  EXPECT_EQ(cluster.Records(o.topics.raw)[0].header(header::kSource), "partner");
}

}  // namespace
}  // namespace herald
