#include "consumers/store/sqlite_store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "consumers/store/store_schema.h"
#include "core/scoped_temp_dir.h"

namespace herald {
namespace {

class SqliteEventStoreTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (db_) sqlite3_close(db_);
  }
  // The first column of each row of `sql`, as text, rows joined by '|'.
  std::string Query(const std::string& sql) {
    if (!db_) {
      EXPECT_EQ(sqlite3_open(path_.c_str(), &db_), SQLITE_OK);
    }
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db_) << ": " << sql;
    std::string out;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      const unsigned char* text = sqlite3_column_text(stmt, 0);
      out += (out.empty() ? "" : "|") + std::string(text ? reinterpret_cast<const char*>(text) : "NULL");
    }
    sqlite3_finalize(stmt);
    return out;
  }
  ScopedTempDir dir_{"herald-store-test"};
  std::string path_ = (dir_.path() / "store.db").string();
  sqlite3* db_ = nullptr;
};

v1::EventRecord Record(const std::string& id, const std::string& title) {
  v1::EventRecord r;
  r.set_id(id);
  r.mutable_article()->set_title(title);
  r.mutable_article()->set_body("Talks on the ceasefire resumed in Geneva.");
  r.mutable_article()->set_published_at("2026-11-29T23:59:00Z");
  r.add_countries()->set_code("USA");
  r.add_countries()->set_code("CHN");
  return r;
}

// A record with a row for every table.
v1::EventRecord RichRecord() {
  v1::EventRecord r = Record("rich", "Rich");
  v1::CodedEvent* e = r.add_events();
  e->mutable_source()->set_code("USAGOV");
  e->mutable_source()->set_country_code("USA");
  e->mutable_target()->set_code("CHN");
  e->mutable_target()->set_country_code("CHN");
  e->set_cameo_code("0431");
  e->set_root_code("04");
  e->set_quad_class(1);
  e->set_goldstein(2.8);
  e->mutable_location()->set_name("Geneva");
  e->mutable_location()->set_latitude(46.2);
  e->mutable_location()->set_longitude(6.15);
  e->mutable_location()->set_resolved(true);
  r.add_persons()->set_name("Lloyd Austin");
  r.add_persons()->set_name("Lloyd Austin");  // named twice: one row
  r.add_organizations()->set_name("United Nations");
  v1::Location* l = r.add_locations();
  l->set_name("Geneva");
  l->set_resolved(true);
  l->set_latitude(46.2);
  r.add_locations()->set_name("Nowhere");  // unresolved: no coordinates
  r.add_themes("MILITARY");
  r.add_quotes()->set_speaker("Lloyd Austin");
  return r;
}

TEST_F(SqliteEventStoreTest, UpsertIsIdempotentOnId) {
  auto store = SqliteEventStore::Open(path_);
  ASSERT_TRUE(store) << store.error().reason;
  v1::EventRecord a = Record("a", "first"), b = Record("b", "second"), a2 = Record("a", "first, revised");
  ASSERT_TRUE((*store)->Upsert({{&a, "t", 0, 1}, {&b, "t", 0, 2}}));
  ASSERT_TRUE((*store)->Upsert({{&a2, "t", 0, 3}}));  // a redelivery or a re-processing
  EXPECT_EQ(*(*store)->Count(), 2);
  auto all = (*store)->ReadAll();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].article().title(), "first, revised");
  EXPECT_EQ(Query("SELECT name FROM countries ORDER BY name, article_seq"), "CHN|CHN|USA|USA");
}

TEST_F(SqliteEventStoreTest, EveryTableGetsTheRowsOfARecord) {
  auto store = SqliteEventStore::Open(path_);
  ASSERT_TRUE(store) << store.error().reason;
  v1::EventRecord r = RichRecord();
  ASSERT_TRUE((*store)->Upsert({{&r, "herald.events.v1", 2, 7}}));
  EXPECT_EQ(Query("SELECT id || ' ' || time || ' ' || kafka_partition || ' ' || kafka_offset FROM articles"),
            "rich 1795996740 2 7");
  EXPECT_EQ(Query("SELECT source_country || source_sector || ' ' || cameo_code || ' ' || target_code || "
                  "' ' || latitude || ' ' || time FROM events"),
            "USAGOV 0431 CHN 46.2 1795996740");
  EXPECT_EQ(Query("SELECT name FROM persons"), "Lloyd Austin");
  EXPECT_EQ(Query("SELECT name FROM organizations"), "United Nations");
  EXPECT_EQ(Query("SELECT name || ' ' || coalesce(latitude, 'none') FROM locations ORDER BY name"),
            "Geneva 46.2|Nowhere none");
  EXPECT_EQ(Query("SELECT name FROM themes"), "MILITARY");
  EXPECT_EQ(Query("SELECT speaker FROM quotes"), "Lloyd Austin");
  EXPECT_EQ(Query("SELECT a.id FROM articles_text t JOIN articles a ON a.seq = t.rowid "
                  "WHERE articles_text MATCH 'ceasefire'"),
            "rich");
}

TEST_F(SqliteEventStoreTest, ANewVersionOfARecordReplacesEveryRowOfTheOld) {
  auto store = SqliteEventStore::Open(path_);
  ASSERT_TRUE(store) << store.error().reason;
  v1::EventRecord r = RichRecord();
  ASSERT_TRUE((*store)->Upsert({{&r, "t", 0, 1}}));
  r.clear_events();
  r.set_themes(0, "PROTEST");
  r.mutable_article()->set_body("Markets rallied.");
  r.mutable_article()->set_published_at("2026-11-30T00:00:00Z");
  ASSERT_TRUE((*store)->Upsert({{&r, "t", 0, 2}}));
  EXPECT_EQ(Query("SELECT COUNT(*) FROM events"), "0");
  EXPECT_EQ(Query("SELECT name || ' ' || time FROM themes"), "PROTEST 1795996800");
  EXPECT_EQ(Query("SELECT COUNT(*) FROM persons"), "1");
  EXPECT_EQ(Query("SELECT COUNT(*) FROM articles_text WHERE articles_text MATCH 'ceasefire'"), "0");
  EXPECT_EQ(Query("SELECT COUNT(*) FROM articles_text WHERE articles_text MATCH 'rallied'"), "1");
  EXPECT_EQ(Query("SELECT kafka_offset FROM articles"), "2");
}

TEST_F(SqliteEventStoreTest, ARedeliveredRecordWritesNothing) {
  auto store = SqliteEventStore::Open(path_);
  ASSERT_TRUE(store) << store.error().reason;
  v1::EventRecord r = RichRecord();
  ASSERT_TRUE((*store)->Upsert({{&r, "t", 0, 1}}));
  ASSERT_TRUE((*store)->Upsert({{&r, "t", 0, 9}}));
  EXPECT_EQ(Query("SELECT kafka_offset FROM articles"), "1") << "the first delivery's row stands";
}

TEST_F(SqliteEventStoreTest, ARecordWithoutADateIsFiledUnderItsProcessingTime) {
  auto store = SqliteEventStore::Open(path_);
  ASSERT_TRUE(store) << store.error().reason;
  v1::EventRecord r = Record("a", "t");
  r.mutable_article()->set_published_at("last Tuesday");
  r.mutable_provenance()->set_processed_at("2026-11-30T00:00:00.000Z");
  ASSERT_TRUE((*store)->Upsert({{&r, "t", 0, 1}}));
  EXPECT_EQ(Query("SELECT time || ' ' || published_at FROM articles"), "1795996800 last Tuesday");
}

// herald 0.1's table, as it created it.
constexpr const char* kLegacySchema =
    "CREATE TABLE events (id TEXT PRIMARY KEY, title TEXT NOT NULL, source TEXT NOT NULL, url TEXT NOT NULL, "
    "published_at TEXT NOT NULL, countries TEXT NOT NULL, persons TEXT NOT NULL, organizations TEXT NOT NULL, "
    "themes TEXT NOT NULL, event_codes TEXT NOT NULL, record BLOB NOT NULL, record_json TEXT NOT NULL, "
    "kafka_topic TEXT NOT NULL, kafka_partition INTEGER NOT NULL, kafka_offset INTEGER NOT NULL, "
    "stored_at TEXT NOT NULL); CREATE INDEX events_published_at ON events (published_at);";

TEST_F(SqliteEventStoreTest, TheLegacyTableIsMigratedWithEveryRecordKept) {
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db_), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db_, kLegacySchema, nullptr, nullptr, nullptr), SQLITE_OK);
  for (const v1::EventRecord& r : {RichRecord(), Record("plain", "Plain")}) {
    sqlite3_stmt* insert = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db_,
                                 "INSERT INTO events VALUES (?1, '', '', '', '', '', '', '', '', '', ?2, '{}', "
                                 "'events', 3, 42, '2026-11-30T01:00:00.000Z')",
                                 -1, &insert, nullptr),
              SQLITE_OK);
    const std::string bytes = r.SerializeAsString();
    sqlite3_bind_text(insert, 1, r.id().c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_blob(insert, 2, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
    ASSERT_EQ(sqlite3_step(insert), SQLITE_DONE);
    sqlite3_finalize(insert);
  }
  auto store = SqliteEventStore::Open(path_);
  ASSERT_TRUE(store) << store.error().reason;
  EXPECT_EQ(*(*store)->Count(), 2);
  EXPECT_EQ(Query("SELECT id || ' ' || kafka_partition || ' ' || kafka_offset FROM articles ORDER BY seq"),
            "rich 3 42|plain 3 42");
  EXPECT_EQ(Query("SELECT cameo_code FROM events"), "0431");
  EXPECT_EQ(Query("SELECT MAX(version) FROM herald_schema"), std::to_string(store::kSchemaVersion));
  EXPECT_EQ(Query("SELECT COUNT(*) FROM sqlite_master WHERE name = 'legacy_events'"), "0");
  // A second start finds the schema current.
  store->reset();
  auto again = SqliteEventStore::Open(path_);
  ASSERT_TRUE(again) << again.error().reason;
  EXPECT_EQ(*(*again)->Count(), 2);
}

TEST_F(SqliteEventStoreTest, AVersionTwoStoreGainsTheColumnsAddedSince) {
  v1::EventRecord r = RichRecord();
  r.mutable_events(0)->set_plover_mode("visit");
  {
    auto store = SqliteEventStore::Open(path_);
    ASSERT_TRUE(store) << store.error().reason;
    ASSERT_TRUE((*store)->Upsert({{&r, "t", 0, 1}}));
  }
  // As herald left it before events.plover_mode.
  Query("ALTER TABLE events DROP COLUMN plover_mode");
  Query("UPDATE herald_schema SET version = 2");
  auto store = SqliteEventStore::Open(path_);
  ASSERT_TRUE(store) << store.error().reason;
  EXPECT_EQ(Query("SELECT MAX(version) FROM herald_schema"), std::to_string(store::kSchemaVersion));
  EXPECT_EQ(Query("SELECT coalesce(plover_mode, 'null') FROM events"), "null") << "stored before: unknown";
  r.set_id("again");
  ASSERT_TRUE((*store)->Upsert({{&r, "t", 0, 2}}));
  EXPECT_EQ(Query("SELECT coalesce(plover_mode, 'null') FROM events ORDER BY article_seq"), "null|visit");
}

TEST_F(SqliteEventStoreTest, ASchemaNewerThanThisHeraldIsRefused) {
  { ASSERT_TRUE(SqliteEventStore::Open(path_)); }
  Query("UPDATE herald_schema SET version = 99");
  auto store = SqliteEventStore::Open(path_);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().kind, ErrorKind::kFatal);
  EXPECT_NE(store.error().reason.find("version 99"), std::string::npos) << store.error().reason;
}

TEST_F(SqliteEventStoreTest, RetentionPurgesTheOldestRecordsWithEveryRowTheyHad) {
  auto store = SqliteEventStore::Open(path_);
  ASSERT_TRUE(store) << store.error().reason;
  std::vector<v1::EventRecord> records;
  for (int day = 1; day <= 9; ++day) {
    records.push_back(RichRecord());
    records.back().set_id("day" + std::to_string(day));
    records.back().mutable_article()->set_published_at("2026-11-0" + std::to_string(day) + "T12:00:00Z");
  }
  std::vector<StoredEvent> batch;
  for (const v1::EventRecord& r : records) batch.push_back({&r, "t", 0, 1});
  ASSERT_TRUE((*store)->Upsert(batch));
  // 2026-11-06T00:00Z as now: older than three days is before 11-03.
  const int64_t now = 1793491200 + 5 * 86400;
  auto removed = (*store)->Purge({.max_age_seconds = 3 * 86400}, now, 1);
  ASSERT_TRUE(removed) << removed.error().reason;
  EXPECT_EQ(*removed, 1) << "at most one at a time";
  ASSERT_TRUE((*store)->Purge({.max_age_seconds = 3 * 86400}, now, 500));
  EXPECT_EQ(Query("SELECT id FROM articles ORDER BY time"), "day3|day4|day5|day6|day7|day8|day9");
  // Writing goes on between purges.
  v1::EventRecord late = Record("day10", "late");
  late.mutable_article()->set_published_at("2026-11-10T12:00:00Z");
  ASSERT_TRUE((*store)->Upsert({{&late, "t", 0, 2}}));
  removed = (*store)->Purge({.max_articles = 5}, now, 500);
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 3);
  EXPECT_EQ(Query("SELECT id FROM articles ORDER BY time"), "day6|day7|day8|day9|day10");
  for (const char* table : {"events", "persons", "organizations", "locations", "themes", "quotes"}) {
    EXPECT_EQ(
        Query(std::string("SELECT COUNT(*) FROM ") + table + " WHERE article_seq NOT IN (SELECT seq FROM articles)"),
        "0")
        << table << " keeps rows of purged records";
  }
  EXPECT_EQ(Query("SELECT COUNT(*) FROM articles_text WHERE articles_text MATCH 'ceasefire'"), "5");
  EXPECT_EQ(*(*store)->Purge({}, now, 500), 0) << "no policy, nothing purged";
}

TEST_F(SqliteEventStoreTest, UnwritablePathIsAFatalError) {
  auto store = SqliteEventStore::Open("/nonexistent-dir/x/herald.db");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().kind, ErrorKind::kFatal);
}

}  // namespace
}  // namespace herald
