#include "consumers/sqlite_store.h"

#include <google/protobuf/util/json_util.h>

#include "core/clock.h"

namespace herald {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS events (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  source TEXT NOT NULL,
  url TEXT NOT NULL,
  published_at TEXT NOT NULL,
  countries TEXT NOT NULL,
  persons TEXT NOT NULL,
  organizations TEXT NOT NULL,
  themes TEXT NOT NULL,
  event_codes TEXT NOT NULL,
  record BLOB NOT NULL,
  record_json TEXT NOT NULL,
  kafka_topic TEXT NOT NULL,
  kafka_partition INTEGER NOT NULL,
  kafka_offset INTEGER NOT NULL,
  stored_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_published_at ON events(published_at);
)sql";

constexpr const char* kUpsert = R"sql(
INSERT INTO events (id, title, source, url, published_at, countries, persons, organizations, themes,
                    event_codes, record, record_json, kafka_topic, kafka_partition, kafka_offset, stored_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
ON CONFLICT(id) DO UPDATE SET
  title = excluded.title, source = excluded.source, url = excluded.url,
  published_at = excluded.published_at, countries = excluded.countries, persons = excluded.persons,
  organizations = excluded.organizations, themes = excluded.themes, event_codes = excluded.event_codes,
  record = excluded.record, record_json = excluded.record_json, kafka_topic = excluded.kafka_topic,
  kafka_partition = excluded.kafka_partition, kafka_offset = excluded.kafka_offset,
  stored_at = excluded.stored_at
)sql";

template <typename List, typename Get>
std::string Join(const List& list, Get get) {
  std::string out;
  for (const auto& item : list) {
    if (!out.empty()) out.push_back(',');
    out.append(get(item));
  }
  return out;
}

}  // namespace

Error SqliteEventStore::SqlError(const std::string& what) const {
  int code = sqlite3_errcode(db_);
  int primary = code & 0xff;
  ErrorKind kind = (primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_IOERR ||
                    primary == SQLITE_FULL)
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
  for (const char* sql : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", kSchema}) {
    if (Status st = s->Exec(sql); !st) {
      Error e = st.error();
      e.kind = ErrorKind::kFatal;
      return Unexpected(e);
    }
  }
  if (sqlite3_prepare_v2(s->db_, kUpsert, -1, &s->upsert_, nullptr) != SQLITE_OK) {
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
  google::protobuf::util::JsonPrintOptions json_options;
  json_options.preserve_proto_field_names = true;
  std::string stored_at = NowRfc3339();
  std::string blob, json;
  for (const StoredEvent& e : events) {
    const v1::EventRecord& r = *e.record;
    blob.clear();
    json.clear();
    r.SerializeToString(&blob);
    (void)google::protobuf::util::MessageToJsonString(r, &json, json_options);
    std::string texts[] = {
        r.id(),
        r.article().title(),
        r.article().source(),
        r.article().url(),
        r.article().published_at(),
        Join(r.countries(), [](const auto& c) { return c.code(); }),
        Join(r.persons(), [](const auto& p) { return p.name(); }),
        Join(r.organizations(), [](const auto& o) { return o.name(); }),
        Join(r.themes(), [](const auto& t) { return t; }),
        Join(r.events(), [](const auto& ev) { return ev.cameo_code(); }),
    };
    sqlite3_reset(upsert_);
    for (int i = 0; i < 10; ++i) sqlite3_bind_text(upsert_, i + 1, texts[i].data(), static_cast<int>(texts[i].size()), SQLITE_TRANSIENT);
    sqlite3_bind_blob(upsert_, 11, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(upsert_, 12, json.data(), static_cast<int>(json.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(upsert_, 13, e.topic.data(), static_cast<int>(e.topic.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int(upsert_, 14, e.partition);
    sqlite3_bind_int64(upsert_, 15, e.offset);
    sqlite3_bind_text(upsert_, 16, stored_at.data(), static_cast<int>(stored_at.size()), SQLITE_TRANSIENT);
    if (sqlite3_step(upsert_) != SQLITE_DONE) {
      Error err = SqlError("upsert " + r.id());
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
