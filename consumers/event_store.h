// event_store.h: where the store daemon writes event records: SQLite (the
// embedded default, sqlite_store.h) or PostgreSQL (postgres_store.h), behind
// one interface with the same table and columns.
//
//   auto store = OpenEventStore({.sqlite_path = "herald.db"});        // or .postgres_uri
//   (*store)->Upsert(rows);          // one transaction: all rows or none
//
// Rows are upserted by record id, so a redelivered batch changes nothing.
// Columns (both databases): id, title, source, url, published_at, countries,
// persons, organizations, themes, event_codes (comma-separated lists), record
// (the serialised EventRecord), record_json (its JSON form), kafka_topic,
// kafka_partition, kafka_offset, stored_at.
// Thread-safety: one store per thread.
// Failure: transient faults (busy, connection lost, disk full) are kRetriable;
// schema, permission and configuration faults are kFatal.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "herald/v1/event.pb.h"

namespace herald {

struct StoredEvent {
  const v1::EventRecord* record;
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
};

class EventStore {
 public:
  virtual ~EventStore() = default;
  virtual Status Upsert(const std::vector<StoredEvent>& events) = 0;
  virtual Result<int64_t> Count() = 0;
  // Every stored record, oldest write first.
  virtual Result<std::vector<v1::EventRecord>> ReadAll() = 0;
  // "sqlite" or "postgres", for metrics and logs.
  virtual std::string_view kind() const = 0;
};

// The queryable text columns of a record, in table order (id ... event_codes),
// its serialised bytes and its JSON form.
struct EventColumns {
  std::array<std::string, 10> texts;
  std::string record;
  std::string record_json;
};
EventColumns ColumnsOf(const v1::EventRecord& record);

// The events table's schema and upsert statement in each database's dialect,
// both generated from one list of columns.
enum class SqlDialect { kSqlite, kPostgres };
std::string EventsSchemaSql(SqlDialect dialect);
// Parameters 1..16 in column order: the ten texts, record, record_json,
// kafka_topic, kafka_partition, kafka_offset, stored_at.
std::string UpsertEventSql(SqlDialect dialect);

struct EventStoreOptions {
  std::string sqlite_path;
  std::string postgres_uri;  // when set, PostgreSQL instead of SQLite
};
Result<std::unique_ptr<EventStore>> OpenEventStore(const EventStoreOptions& options);

}  // namespace herald
