#include "consumers/sqlite_store.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace herald {
namespace {

namespace fs = std::filesystem;

class SqliteEventStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (fs::temp_directory_path() / ("herald-store-test-" + std::to_string(::getpid()) + ".db")).string();
    Remove();
  }
  void TearDown() override { Remove(); }
  void Remove() {
    for (const char* s : {"", "-wal", "-shm"}) fs::remove(path_ + s);
  }
  std::string path_;
};

v1::EventRecord Record(const std::string& id, const std::string& title) {
  v1::EventRecord r;
  r.set_id(id);
  r.mutable_article()->set_title(title);
  r.add_countries()->set_code("USA");
  r.add_countries()->set_code("CHN");
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
}

TEST_F(SqliteEventStoreTest, RowsSurviveReopenAndAreQueryable) {
  {
    auto store = SqliteEventStore::Open(path_);
    ASSERT_TRUE(store);
    v1::EventRecord a = Record("a", "t");
    ASSERT_TRUE((*store)->Upsert({{&a, "herald.events.v1", 2, 7}}));
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(
                db, "SELECT countries, kafka_partition, kafka_offset, json_extract(record_json, '$.id') FROM events",
                -1, &stmt, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "USA,CHN");
  EXPECT_EQ(sqlite3_column_int(stmt, 1), 2);
  EXPECT_EQ(sqlite3_column_int64(stmt, 2), 7);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3)), "a");
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

TEST_F(SqliteEventStoreTest, UnwritablePathIsAFatalError) {
  auto store = SqliteEventStore::Open("/nonexistent-dir/x/herald.db");
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().kind, ErrorKind::kFatal);
}

}  // namespace
}  // namespace herald
