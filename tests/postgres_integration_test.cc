// The PostgreSQL event store against a real server (scripts/postgres-local.sh,
// ctest fixture "postgres"): upserts, redelivery, reconnection, a bad URI; and
// the store daemon writing the processor's records there from the real broker.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <set>
#include <thread>

#include "consumers/store/postgres_store.h"
#include "consumers/store/query_testing.h"
#include "consumers/store/store.h"
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
    r.mutable_article()->set_body("The ceasefire held.");
    return r;
  }

  // A connection of the test's own, to look at what the store wrote.
  PGconn* Reader() {
    if (!reader_) reader_ = PQconnectdb(uri_.c_str());
    return reader_;
  }
  // The first column of each row of `sql`, rows joined by '|'.
  std::string Query(const std::string& sql) {
    PGresult* r = PQexec(Reader(), sql.c_str());
    EXPECT_TRUE(PQresultStatus(r) == PGRES_TUPLES_OK || PQresultStatus(r) == PGRES_COMMAND_OK)
        << PQresultErrorMessage(r) << sql;
    std::string out;
    for (int i = 0; i < PQntuples(r); ++i) out += (i ? "|" : "") + std::string(PQgetvalue(r, i, 0));
    PQclear(r);
    return out;
  }
  void TearDown() override {
    if (reader_) PQfinish(reader_);
  }

  std::string server_, uri_;
  PGconn* reader_ = nullptr;
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

  // The tables are queryable, the text searchable.
  EXPECT_EQ(Query("SELECT name FROM countries WHERE article_seq = (SELECT seq FROM articles WHERE id = 'b') "
                  "ORDER BY name"),
            "CHN|USA");
  EXPECT_EQ(Query("SELECT a.title FROM themes t JOIN articles a ON a.seq = t.article_seq WHERE t.name = 'MILITARY' "
                  "ORDER BY a.title"),
            "first, revised|second");
  EXPECT_EQ(Query("SELECT id FROM articles WHERE search @@ websearch_to_tsquery('english', 'ceasefires') "
                  "ORDER BY id"),
            "a|b");
}

TEST_F(PostgresTest, ANewVersionOfARecordReplacesEveryRowOfTheOld) {
  auto store = PostgresEventStore::Open(uri_);
  ASSERT_TRUE(store) << store.error().reason;
  v1::EventRecord a = Record("a", "first");
  a.add_persons()->set_name("Lloyd Austin");
  a.add_persons()->set_name("Lloyd Austin");  // named twice: one row
  v1::CodedEvent* e = a.add_events();
  e->mutable_source()->set_code("USAGOV");
  e->mutable_source()->set_country_code("USA");
  e->set_cameo_code("0431");
  ASSERT_TRUE((*store)->Upsert({{&a, "events", 0, 1}, {&a, "events", 0, 1}}));
  EXPECT_EQ(Query("SELECT source_country || source_sector || ' ' || cameo_code FROM events"), "USAGOV 0431");
  EXPECT_EQ(Query("SELECT COUNT(*) FROM persons"), "1");
  ASSERT_TRUE((*store)->Upsert({{&a, "events", 0, 5}})) << "unchanged: nothing written";
  EXPECT_EQ(Query("SELECT kafka_offset FROM articles"), "1");
  a.clear_events();
  a.set_themes(0, "PROTEST");
  a.mutable_article()->set_body("Markets rallied.");
  ASSERT_TRUE((*store)->Upsert({{&a, "events", 0, 6}}));
  EXPECT_EQ(Query("SELECT COUNT(*) FROM events"), "0");
  EXPECT_EQ(Query("SELECT name FROM themes"), "PROTEST");
  EXPECT_EQ(Query("SELECT kafka_offset || ' ' || (search @@ to_tsquery('english', 'rally')) FROM articles"), "6 true");
}

TEST_F(PostgresTest, TwoStoresWritingOneDatabaseAtOnceLoseNothing) {
  // Two instances of one group, as after a rebalance: overlapping records,
  // written concurrently, many times.
  std::vector<v1::EventRecord> records;
  for (int i = 0; i < 200; ++i) records.push_back(Record("r" + std::to_string(i), "t" + std::to_string(i)));
  auto writer = [&](int first) {
    auto store = PostgresEventStore::Open(uri_);
    ASSERT_TRUE(store) << store.error().reason;
    for (int round = 0; round < 5; ++round) {
      std::vector<StoredEvent> batch;
      for (int i = first; i < first + 150; ++i) batch.push_back({&records[i % 200], "events", 0, i});
      Status s;
      for (int attempt = 0; attempt < 10 && !(s = (*store)->Upsert(batch)); ++attempt) {
        ASSERT_EQ(s.error().kind, ErrorKind::kRetriable) << s.error().reason;  // a deadlock is retried
      }
      ASSERT_TRUE(s) << s.error().reason;
    }
  };
  std::jthread one(writer, 0), two(writer, 100);
  one.join();
  two.join();
  EXPECT_EQ(Query("SELECT COUNT(*) FROM articles"), "200");
  EXPECT_EQ(Query("SELECT COUNT(*) FROM countries"), "400");
  EXPECT_EQ(Query("SELECT COUNT(*) FROM (SELECT id FROM articles GROUP BY id HAVING COUNT(*) > 1) d"), "0");
}

TEST_F(PostgresTest, TheLegacyTableIsMigratedWithEveryRecordKept) {
  // herald 0.1's table, as it created it.
  for (const char* sql :
       {"CREATE TABLE events (id TEXT PRIMARY KEY, title TEXT NOT NULL, source TEXT NOT NULL, url TEXT NOT NULL, "
        "published_at TEXT NOT NULL, countries TEXT NOT NULL, persons TEXT NOT NULL, organizations TEXT NOT NULL, "
        "themes TEXT NOT NULL, event_codes TEXT NOT NULL, record BYTEA NOT NULL, record_json JSONB NOT NULL, "
        "kafka_topic TEXT NOT NULL, kafka_partition INTEGER NOT NULL, kafka_offset BIGINT NOT NULL, "
        "stored_at TIMESTAMPTZ NOT NULL)",
        "CREATE INDEX events_published_at ON events (published_at)",
        "CREATE INDEX events_record_json ON events USING GIN (record_json jsonb_path_ops)"}) {
    Query(sql);
  }
  for (const v1::EventRecord& r : {Record("old-a", "A"), Record("old-b", "B")}) {
    const std::string bytes = r.SerializeAsString();
    const char* values[] = {r.id().c_str(), bytes.data()};
    const int lengths[] = {0, static_cast<int>(bytes.size())}, formats[] = {0, 1};
    PGresult* insert = PQexecParams(Reader(),
                                    "INSERT INTO events VALUES ($1, '', '', '', '', '', '', '', '', '', $2, '{}', "
                                    "'events', 1, 9, now())",
                                    2, nullptr, values, lengths, formats, 0);
    ASSERT_EQ(PQresultStatus(insert), PGRES_COMMAND_OK) << PQresultErrorMessage(insert);
    PQclear(insert);
  }
  auto store = PostgresEventStore::Open(uri_);
  ASSERT_TRUE(store) << store.error().reason;
  EXPECT_EQ(*(*store)->Count(), 2);
  EXPECT_EQ(Query("SELECT id || ' ' || kafka_offset FROM articles ORDER BY id"), "old-a 9|old-b 9");
  EXPECT_EQ(Query("SELECT COUNT(*) FROM countries"), "4");
  EXPECT_EQ(Query("SELECT to_regclass('legacy_events') IS NULL"), "t");
  auto again = PostgresEventStore::Open(uri_);
  ASSERT_TRUE(again) << again.error().reason;
  EXPECT_EQ(*(*again)->Count(), 2);
}

TEST_F(PostgresTest, AVersionTwoStoreGainsTheColumnsAddedSince) {
  v1::EventRecord a = Record("a", "first");
  a.add_events()->set_plover_mode("visit");
  {
    auto store = PostgresEventStore::Open(uri_);
    ASSERT_TRUE(store) << store.error().reason;
    ASSERT_TRUE((*store)->Upsert({{&a, "events", 0, 1}}));
  }
  // As herald left it before events.plover_mode.
  Query("ALTER TABLE events DROP COLUMN plover_mode");
  Query("UPDATE herald_schema SET version = 2");
  auto store = PostgresEventStore::Open(uri_);
  ASSERT_TRUE(store) << store.error().reason;
  EXPECT_EQ(Query("SELECT MAX(version) FROM herald_schema"), std::to_string(store::kSchemaVersion));
  EXPECT_EQ(Query("SELECT coalesce(plover_mode, 'null') FROM events"), "null") << "stored before: unknown";
  a.set_id("again");
  ASSERT_TRUE((*store)->Upsert({{&a, "events", 0, 2}}));
  EXPECT_EQ(Query("SELECT coalesce(plover_mode, 'null') FROM events ORDER BY article_seq"), "null|visit");
}

TEST_F(PostgresTest, EveryQueryModeAndFilterGivesTheAnswerSqliteGives) {
  auto store = PostgresEventStore::Open(uri_);
  ASSERT_TRUE(store) << store.error().reason;
  ASSERT_TRUE(store::testing::WriteFixedRecords(**store));
  auto reader = store::OpenQueryReader({.postgres_uri = uri_}, std::chrono::seconds(5));
  ASSERT_TRUE(reader) << reader.error().reason;
  for (const auto& [parameters, expected] : store::testing::Cases()) {
    std::string asked;
    for (const auto& [k, v] : parameters) asked += k + "=" + v + " ";
    auto q = store::ParseQuery(parameters);
    ASSERT_TRUE(q) << asked << q.error().reason;
    auto rows = store::RunQuery(*q, **reader);
    ASSERT_TRUE(rows) << asked << rows.error().reason;
    EXPECT_EQ(store::testing::Brief(*rows), expected) << asked;
  }
  EXPECT_EQ(Query("SELECT COUNT(*) FROM articles"), "4") << "hostile values were bound, not run";
  auto endless = store::OpenQueryReader({.postgres_uri = uri_}, std::chrono::milliseconds(50));
  ASSERT_TRUE(endless);
  auto stopped = (*endless)->Run({.sql = "SELECT pg_sleep(5)"});
  ASSERT_FALSE(stopped);
  EXPECT_THAT(stopped.error().reason, HasSubstr("statement timeout"));
}

TEST_F(PostgresTest, RetentionPurgesTheOldestRecordsWithEveryRowTheyHad) {
  auto store = PostgresEventStore::Open(uri_);
  ASSERT_TRUE(store) << store.error().reason;
  ASSERT_TRUE(store::testing::WriteFixedRecords(**store));  // a1..a4, 2026-11-01 to 11-03
  const int64_t now = 1793491200 + 3 * 86400;               // 2026-11-04T00:00Z
  auto removed = (*store)->Purge({.max_age_seconds = 2 * 86400}, now, 500);
  ASSERT_TRUE(removed) << removed.error().reason;
  EXPECT_EQ(*removed, 1);
  EXPECT_EQ(Query("SELECT id FROM articles ORDER BY time"), "a2|a3|a4");
  removed = (*store)->Purge({.max_articles = 1}, now, 500);
  ASSERT_TRUE(removed) << removed.error().reason;
  EXPECT_EQ(*removed, 2);
  EXPECT_EQ(Query("SELECT id FROM articles"), "a4");
  EXPECT_EQ(Query("SELECT COUNT(*) FROM events") + Query("SELECT COUNT(*) FROM persons") +
                Query("SELECT COUNT(*) FROM countries"),
            "001");
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
  s.database.postgres_uri = uri_;
  StageMetrics processed("processor"), stored("store");
  std::stop_source stop;
  std::jthread processor([&] { EXPECT_TRUE(RunProcessor(p, {.stop = stop.get_token(), .metrics = &processed})); });
  std::jthread store([&] {
    Status st = RunStore(s, {.stop = stop.get_token(), .metrics = &stored});
    EXPECT_TRUE(st) << st.error().reason;
  });
  // A failed assertion below returns early: the stages must still stop, or the
  // threads' joins would wait for ever.
  struct StopOnExit {
    std::stop_source& source;
    ~StopOnExit() { source.request_stop(); }
  } stop_on_exit{stop};
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
