// The PostgreSQL event store against a real server (scripts/postgres-local.sh,
// ctest fixture "postgres"): upserts, redelivery, reconnection, a bad URI; and
// the store daemon writing the processor's records there from the real broker.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <set>
#include <thread>

#include "consumers/postgres_store.h"
#include "consumers/store.h"
#include "processors/processor.h"
#include "producers/produce.h"
#include "tests/kafka_test_support.h"

namespace herald {
namespace {

using ::testing::HasSubstr;
using testing::WaitFor;

// The server's URI; the tests skip when it is not running.
std::string ServerUri() {
  const char* dir = std::getenv("HERALD_TEST_POSTGRES_DIR");
  return testing::ReadFile(std::string(dir ? dir : HERALD_TEST_POSTGRES_DIR) + "/uri");
}

// A database of its own for each test, so runs do not see each other's rows.
std::string FreshDatabase(const std::string& server_uri, const std::string& name) {
  PGconn* admin = PQconnectdb(server_uri.c_str());
  EXPECT_EQ(PQstatus(admin), CONNECTION_OK) << PQerrorMessage(admin);
  for (std::string sql : {"DROP DATABASE IF EXISTS " + name, "CREATE DATABASE " + name}) {
    PGresult* r = PQexec(admin, sql.c_str());
    EXPECT_EQ(PQresultStatus(r), PGRES_COMMAND_OK) << PQresultErrorMessage(r);
    PQclear(r);
  }
  PQfinish(admin);
  return server_uri.substr(0, server_uri.rfind('/') + 1) + name;
}

class PostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = ServerUri();
    while (!server_.empty() && server_.back() == '\n') server_.pop_back();
    if (server_.empty()) GTEST_SKIP() << "no PostgreSQL server: run under ctest, whose postgres fixture starts one";
    uri_ = FreshDatabase(server_, "herald_" + std::to_string(::getpid()) + "_" +
                                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
    for (char& c : uri_) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }

  static v1::EventRecord Record(const std::string& id, const std::string& title) {
    v1::EventRecord r;
    r.set_id(id);
    r.mutable_article()->set_title(title);
    r.add_countries()->set_code("USA");
    r.add_countries()->set_code("CHN");
    r.add_themes("MILITARY");
    return r;
  }

  std::string server_, uri_;
};

TEST_F(PostgresTest, UpsertsByIdInOneTransaction) {
  auto store = PostgresEventStore::Open(uri_);
  ASSERT_TRUE(store) << store.error().reason;
  v1::EventRecord a = Record("a", "first"), b = Record("b", "second");
  ASSERT_TRUE((*store)->Upsert({{&a, "events", 0, 10}, {&b, "events", 1, 11}}));
  a.mutable_article()->set_title("first, revised");
  ASSERT_TRUE((*store)->Upsert({{&a, "events", 0, 10}})) << "a redelivered record";
  EXPECT_EQ(*(*store)->Count(), 2);
  auto all = (*store)->ReadAll();
  ASSERT_TRUE(all);
  std::set<std::string> titles;
  for (const auto& r : *all) titles.insert(r.article().title());
  EXPECT_EQ(titles, (std::set<std::string>{"first, revised", "second"}));

  // The columns are queryable, the JSON as jsonb.
  PGconn* reader = PQconnectdb(uri_.c_str());
  PGresult* r = PQexec(reader,
                       "SELECT countries, record_json->'article'->>'title' FROM events "
                       "WHERE record_json @> '{\"themes\": [\"MILITARY\"]}' AND id = 'b'");
  ASSERT_EQ(PQresultStatus(r), PGRES_TUPLES_OK) << PQresultErrorMessage(r);
  ASSERT_EQ(PQntuples(r), 1);
  EXPECT_STREQ(PQgetvalue(r, 0, 0), "USA,CHN");
  EXPECT_STREQ(PQgetvalue(r, 0, 1), "second");
  PQclear(r);
  PQfinish(reader);
}

TEST_F(PostgresTest, ALostConnectionIsRetriableAndReestablished) {
  auto store = PostgresEventStore::Open(uri_);
  ASSERT_TRUE(store);
  // Terminate the store's backend, as a server restart or failover would.
  PGconn* admin = PQconnectdb(server_.c_str());
  std::string database = uri_.substr(uri_.rfind('/') + 1);
  PGresult* killed = PQexec(admin, ("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" +
                                    database + "' AND pid <> pg_backend_pid()")
                                       .c_str());
  ASSERT_EQ(PQresultStatus(killed), PGRES_TUPLES_OK);
  PQclear(killed);
  PQfinish(admin);
  v1::EventRecord a = Record("a", "after the restart");
  Status first = (*store)->Upsert({{&a, "events", 0, 1}});
  if (!first) {
    EXPECT_EQ(first.error().kind, ErrorKind::kRetriable) << first.error().reason;
  }
  // The stage loop retries the batch; the store reconnects.
  ASSERT_TRUE(WaitFor(
      [&] {
        return static_cast<bool>((*store)->Upsert({{&a, "events", 0, 1}}));
      },
      std::chrono::seconds(30)));
  EXPECT_EQ(*(*store)->Count(), 1);
}

TEST_F(PostgresTest, AnUnreachableDatabaseAtStartIsFatalWithTheReason) {
  auto store = PostgresEventStore::Open(server_.substr(0, server_.rfind('/') + 1) + "no_such_database");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().kind, ErrorKind::kFatal);
  EXPECT_THAT(store.error().reason, HasSubstr("no_such_database"));
}

TEST_F(PostgresTest, TheStoreDaemonWritesTheProcessorsRecords) {
  const std::string brokers = testing::Brokers();
  ASSERT_FALSE(brokers.empty()) << "the postgres fixture brings the kafka one";
  const std::string suffix = std::to_string(::getpid());
  Topics topics{"pg-raw-" + suffix, "pg-events-" + suffix, "pg-alerts-" + suffix, "pg-dlq-" + suffix};
  ASSERT_TRUE(kafka::EnsureTopics(kafka::ProducerProperties(brokers), {topics.raw, topics.events, topics.dlq}, 2));
  ProcessorOptions p;
  p.kafka.brokers = brokers;
  p.topics = topics;
  p.group = "pg-processor-" + suffix;
  StoreOptions s;
  s.kafka.brokers = brokers;
  s.topics = topics;
  s.group = "pg-store-" + suffix;
  s.postgres_uri = uri_;
  StageMetrics processed("processor"), stored("store");
  std::stop_source stop;
  std::jthread processor([&] { EXPECT_TRUE(RunProcessor(p, {.stop = stop.get_token(), .metrics = &processed})); });
  std::jthread store([&] {
    Status st = RunStore(s, {.stop = stop.get_token(), .metrics = &stored});
    EXPECT_TRUE(st) << st.error().reason;
  });
  ProduceOptions o;
  o.kafka.brokers = brokers;
  o.topics = topics;
  o.inputs = {"samples/us-china-military-hotline.txt", "samples/wire-briefs.ndjson"};
  auto produced = RunProduce(o);
  ASSERT_TRUE(produced) << produced.error().reason;
  ASSERT_TRUE(WaitFor([&] {
    return processed.committed.value() >= produced->delivered &&
           stored.committed.value() >= processed.records_out.value();
  }));
  stop.request_stop();
  processor.join();
  store.join();
  auto check = PostgresEventStore::Open(uri_);
  ASSERT_TRUE(check);
  EXPECT_EQ(*(*check)->Count(), processed.records_out.value());
  EXPECT_GT(processed.records_out.value(), 2);
}

}  // namespace
}  // namespace herald
