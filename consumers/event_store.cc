#include "consumers/event_store.h"

#include "herald/v1/json.h"

#include "consumers/postgres_store.h"
#include "consumers/sqlite_store.h"

namespace herald {
namespace {

template <typename List, typename Get>
std::string Join(const List& list, Get get) {
  std::string out;
  for (const auto& item : list) {
    if (!out.empty()) out.push_back(',');
    out.append(get(item));
  }
  return out;
}

struct Column {
  const char* name;
  const char* sqlite_type;
  const char* postgres_type;
};
constexpr Column kColumns[] = {
    {"id", "TEXT PRIMARY KEY", "TEXT PRIMARY KEY"},
    {"title", "TEXT NOT NULL", "TEXT NOT NULL"},
    {"source", "TEXT NOT NULL", "TEXT NOT NULL"},
    {"url", "TEXT NOT NULL", "TEXT NOT NULL"},
    {"published_at", "TEXT NOT NULL", "TEXT NOT NULL"},
    {"countries", "TEXT NOT NULL", "TEXT NOT NULL"},
    {"persons", "TEXT NOT NULL", "TEXT NOT NULL"},
    {"organizations", "TEXT NOT NULL", "TEXT NOT NULL"},
    {"themes", "TEXT NOT NULL", "TEXT NOT NULL"},
    {"event_codes", "TEXT NOT NULL", "TEXT NOT NULL"},
    {"record", "BLOB NOT NULL", "BYTEA NOT NULL"},
    {"record_json", "TEXT NOT NULL", "JSONB NOT NULL"},
    {"kafka_topic", "TEXT NOT NULL", "TEXT NOT NULL"},
    {"kafka_partition", "INTEGER NOT NULL", "INTEGER NOT NULL"},
    {"kafka_offset", "INTEGER NOT NULL", "BIGINT NOT NULL"},
    {"stored_at", "TEXT NOT NULL", "TIMESTAMPTZ NOT NULL"},
};

}  // namespace

std::string EventsSchemaSql(SqlDialect dialect) {
  std::string sql = "CREATE TABLE IF NOT EXISTS events (";
  for (const Column& c : kColumns) {
    sql += std::string(&c == kColumns ? "\n  " : ",\n  ") + c.name + " " +
           (dialect == SqlDialect::kSqlite ? c.sqlite_type : c.postgres_type);
  }
  sql += "\n);\nCREATE INDEX IF NOT EXISTS events_published_at ON events (published_at);\n";
  if (dialect == SqlDialect::kPostgres) {
    // For record_json @> '{...}' queries.
    sql += "CREATE INDEX IF NOT EXISTS events_record_json ON events USING GIN (record_json jsonb_path_ops);\n";
  }
  return sql;
}

std::string UpsertEventSql(SqlDialect dialect) {
  std::string names, placeholders, updates;
  int n = 0;
  for (const Column& c : kColumns) {
    const std::string separator = n == 0 ? "" : ", ";
    ++n;
    names += separator + c.name;
    placeholders += separator + (dialect == SqlDialect::kSqlite ? "?" : "$") + std::to_string(n);
    if (n > 1) updates += std::string(n == 2 ? "" : ", ") + c.name + " = excluded." + c.name;
  }
  return "INSERT INTO events (" + names + ") VALUES (" + placeholders + ") ON CONFLICT (id) DO UPDATE SET " + updates;
}

EventColumns ColumnsOf(const v1::EventRecord& r) {
  EventColumns c;
  c.texts = {
      r.id(),
      r.article().title(),
      r.article().source(),
      r.article().url(),
      r.article().published_at(),
      Join(r.countries(), [](const auto& x) { return x.code(); }),
      Join(r.persons(), [](const auto& x) { return x.name(); }),
      Join(r.organizations(), [](const auto& x) { return x.name(); }),
      Join(r.themes(), [](const auto& x) { return x; }),
      Join(r.events(), [](const auto& x) { return x.cameo_code(); }),
  };
  r.SerializeToString(&c.record);
  v1::AppendJson(r, &c.record_json);
  return c;
}

Result<std::unique_ptr<EventStore>> OpenEventStore(const EventStoreOptions& options) {
  if (!options.postgres_uri.empty()) {
    auto pg = PostgresEventStore::Open(options.postgres_uri);
    if (!pg) return Unexpected(pg.error());
    return std::unique_ptr<EventStore>(std::move(*pg));
  }
  auto sqlite = SqliteEventStore::Open(options.sqlite_path);
  if (!sqlite) return Unexpected(sqlite.error());
  return std::unique_ptr<EventStore>(std::move(*sqlite));
}

}  // namespace herald
