#include "consumers/store/query_api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <thread>

#include "consumers/store/query_testing.h"
#include "consumers/store/sqlite_store.h"
#include "core/scoped_temp_dir.h"

namespace herald {
namespace {

using ::testing::HasSubstr;

class QueryApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = SqliteEventStore::Open(path_);
    ASSERT_TRUE(store) << store.error().reason;
    ASSERT_TRUE(store::testing::WriteFixedRecords(**store));
    auto reader = store::OpenQueryReader({.sqlite_path = path_}, std::chrono::seconds(5));
    ASSERT_TRUE(reader) << reader.error().reason;
    reader_ = std::move(*reader);
  }
  HttpAnswer Get(std::string_view path, std::string_view query = "") {
    return AnswerQuery({.method = "GET", .path = path, .query = query}, *reader_);
  }

  ScopedTempDir dir_{"herald-query-api-test"};
  std::string path_ = (dir_.path() / "store.db").string();
  std::unique_ptr<store::QueryReader> reader_;
};

TEST_F(QueryApiTest, AModeIsAPathAndItsParametersTheUrlQuery) {
  HttpAnswer a = Get("/v1/events", "country=UKR&format=ndjson");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.content_type, "application/x-ndjson");
  EXPECT_EQ(std::count(a.body.begin(), a.body.end(), '\n'), 2);
  a = Get("/v1/articles", "text=ceasefire+talks&limit=1");
  EXPECT_EQ(a.status, 200);
  EXPECT_THAT(a.body, HasSubstr("\"id\":\"a3\""));
  a = Get("/v1/articles", "limit=1");
  ASSERT_EQ(a.headers.size(), 1u);
  EXPECT_EQ(a.headers[0].first, "X-Next-Cursor");
  a = Get("/v1/top-persons", "person=Lloyd%20Austin");
  EXPECT_THAT(a.body, HasSubstr("\"rows\":[{\"name\":\"Lloyd Austin\",\"articles\":1}]"));
}

TEST_F(QueryApiTest, HostileRequestsAre4xxWithAReasonAndTouchNothing) {
  const std::vector<std::tuple<std::string, std::string, int, std::string>> cases = {
      {"/v1/articles", "limit=-1", 400, "limit: expected a number"},
      {"/v1/articles", "from=yesterday", 400, "from: expected a date"},
      {"/v1/articles", "text=%zz", 400, "malformed %-escape"},
      {"/v1/articles", "country", 400, "country: expected name=value"},
      {"/v1/articles", "mode=events", 400, "mode: given by the path"},
      {"/v1/articles", "sql=DROP%20TABLE%20articles", 400, "sql: no such parameter"},
      {"/v1/articles", "text=" + std::string(5000, 'a'), 400, "text: expected 1 to 200 bytes"},
      {"/v1/articles", "person=%FF%FE", 400, "person: not valid UTF-8"},
      {"/v1/tables", "", 404, "no such path"},
  };
  for (const auto& [path, query, status, reason] : cases) {
    HttpAnswer a = Get(path, query);
    EXPECT_EQ(a.status, status) << path << "?" << query.substr(0, 40);
    EXPECT_THAT(a.body, HasSubstr(reason)) << path << "?" << query.substr(0, 40);
  }
  HttpAnswer quoted = Get("/v1/articles", "person=x%27%3B%20DELETE%20FROM%20articles%3B--");
  EXPECT_EQ(quoted.status, 200);
  EXPECT_THAT(quoted.body, HasSubstr("\"count\":0"));
  EXPECT_THAT(Get("/v1/articles").body, HasSubstr("\"count\":4"));
}

TEST(UrlQueryTest, PairsArePercentDecoded) {
  auto pairs = ParseUrlQuery("a=1&text=cease%2Bfire+talks&&empty=&%6Eame=%C3%A9");
  ASSERT_TRUE(pairs) << pairs.error().reason;
  EXPECT_EQ(*pairs, (std::vector<std::pair<std::string, std::string>>{
                        {"a", "1"}, {"text", "cease+fire talks"}, {"empty", ""}, {"name", "\xc3\xa9"}}));
  EXPECT_FALSE(ParseUrlQuery("a=%4"));
}

TEST(QueryServerTest, ASlowQueryDoesNotHoldUpTheProbes) {
  // The API's handler blocks until released; /healthz answers meanwhile.
  std::atomic<bool> started = false, release = false;
  metrics::Registry registry;
  auto server = AdminServer::Start({.host = "127.0.0.1", .port = 0}, registry, {}, {},
                                   {.prefix = "/v1/", .threads = 1, .handler = [&](const HttpRequest&, int) {
                                      started = true;
                                      while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(5));
                                      return HttpAnswer{.body = "{}"};
                                    }});
  ASSERT_TRUE(server) << server.error().reason;
  const int port = (*server)->port();
  std::thread slow([&] {
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(std::chrono::seconds(10));
    auto answer = client.Get("/v1/events");
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->status, 200);
  });
  while (!started) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  httplib::Client probe("127.0.0.1", port);
  probe.set_read_timeout(std::chrono::seconds(10));
  auto health = probe.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_FALSE(release) << "the probe was answered while the query was still running";
  release = true;
  slow.join();
}

TEST(OpenApiTest, EveryModeIsAPathWithEveryParameter) {
  const std::string doc = OpenApiDocument();
  for (const auto& m : store::kQueryModeNames) EXPECT_THAT(doc, HasSubstr("\"/v1/" + std::string(m.name) + "\""));
  for (const store::QueryParameter& p : store::QueryParameters()) {
    if (p.name == "mode") continue;  // the path
    EXPECT_THAT(doc, HasSubstr("{\"name\":\"" + std::string(p.name) + "\""));
  }
}

}  // namespace
}  // namespace herald
