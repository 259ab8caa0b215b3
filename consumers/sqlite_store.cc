#include "consumers/sqlite_store.h"

#include "core/clock.h"

namespace herald {

Error SqliteEventStore::SqlError(const std::string& what) const {
  int code = sqlite3_errcode(db_);
  int primary = code & 0xff;
  ErrorKind kind =
      (primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_IOERR || primary == SQLITE_FULL)
          ? ErrorKind::kRetriable
          : ErrorKind::kFatal;
  return Error{v1::SINK_FAILED, kind, "sqlite " + what + ": " + sqlite3_errmsg(db_)};
}

Result<std::unique_ptr<SqliteEventStore>> SqliteEventStore::Open(const std::string& path) {
  std::unique_ptr<SqliteEventStore> s(new SqliteEventStore());
  if (sqlite3_open_v2(path.c_str(), &s->db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    return Fatal("cannot open sqlite database " + path + ": " + (s->db_ ? sqlite3_errmsg(s->db_) : "out of memory"));
  }
  sqlite3_busy_timeout(s->db_, 5000);
  const std::string schema = EventsSchemaSql(SqlDialect::kSqlite);
  for (const char* sql : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", schema.c_str()}) {
    if (Status st = s->Exec(sql); !st) {
      Error e = st.error();
      e.kind = ErrorKind::kFatal;
      return Unexpected(e);
    }
  }
  if (sqlite3_prepare_v2(s->db_, UpsertEventSql(SqlDialect::kSqlite).c_str(), -1, &s->upsert_, nullptr) != SQLITE_OK) {
    return Unexpected(s->SqlError("prepare"));
  }
  return s;
}

SqliteEventStore::~SqliteEventStore() {
  sqlite3_finalize(upsert_);
  sqlite3_close(db_);
}

Status SqliteEventStore::Exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    Error e = SqlError(std::string("exec"));
    sqlite3_free(message);
    return Unexpected(e);
  }
  return {};
}

Status SqliteEventStore::Upsert(const std::vector<StoredEvent>& events) {
  if (Status s = Exec("BEGIN IMMEDIATE"); !s) return s;
  std::string stored_at = NowRfc3339();
  for (const StoredEvent& e : events) {
    const EventColumns c = ColumnsOf(*e.record);
    sqlite3_reset(upsert_);
    for (size_t i = 0; i < c.texts.size(); ++i) {
      sqlite3_bind_text(upsert_, static_cast<int>(i + 1), c.texts[i].data(), static_cast<int>(c.texts[i].size()),
                        SQLITE_TRANSIENT);
    }
    sqlite3_bind_blob(upsert_, 11, c.record.data(), static_cast<int>(c.record.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(upsert_, 12, c.record_json.data(), static_cast<int>(c.record_json.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(upsert_, 13, e.topic.data(), static_cast<int>(e.topic.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int(upsert_, 14, e.partition);
    sqlite3_bind_int64(upsert_, 15, e.offset);
    sqlite3_bind_text(upsert_, 16, stored_at.data(), static_cast<int>(stored_at.size()), SQLITE_TRANSIENT);
    if (sqlite3_step(upsert_) != SQLITE_DONE) {
      Error err = SqlError("upsert " + e.record->id());
      (void)Exec("ROLLBACK");
      return Unexpected(err);
    }
  }
  if (Status s = Exec("COMMIT"); !s) {
    (void)Exec("ROLLBACK");
    return s;
  }
  return {};
}

Result<int64_t> SqliteEventStore::Count() {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, "SELECT COUNT(*) FROM events", -1, &stmt, nullptr) != SQLITE_OK) {
    return Unexpected(SqlError("count"));
  }
  int64_t n = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
  sqlite3_finalize(stmt);
  return n;
}

Result<std::vector<v1::EventRecord>> SqliteEventStore::ReadAll() {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, "SELECT record FROM events ORDER BY rowid", -1, &stmt, nullptr) != SQLITE_OK) {
    return Unexpected(SqlError("read"));
  }
  std::vector<v1::EventRecord> out;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    out.emplace_back().ParseFromArray(sqlite3_column_blob(stmt, 0), sqlite3_column_bytes(stmt, 0));
  }
  sqlite3_finalize(stmt);
  return out;
}

}  // namespace herald
