// sqlite_store.h: the embedded event store (event_store.h). One row per event
// record, upserted by the record's id, written in one transaction per batch.
//
//   auto store = SqliteEventStore::Open("herald.db");
//   (*store)->Upsert(records);          // all or nothing
//   SELECT title, countries FROM events WHERE countries LIKE '%CHN%';
//
// Schema (created on open; columns are for querying, `record` is the full
// serialised EventRecord and `record_json` its JSON form for json_extract()):
//   events(id TEXT PRIMARY KEY, title, source, url, published_at, countries,
//          persons, organizations, themes, event_codes, record BLOB, record_json,
//          kafka_topic, kafka_partition, kafka_offset, stored_at)
// Lists are comma-separated (countries "USA,CHN"; persons "Lloyd Austin,Dong Jun").
// The database runs in WAL mode so readers never block the writer.
//
// Thread-safety: one SqliteEventStore per thread.
// Failure: SQLITE_BUSY/LOCKED and I/O errors are retriable; a schema or
// corruption error is fatal.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <vector>

#include "consumers/event_store.h"
#include "core/status.h"

namespace herald {

class SqliteEventStore : public EventStore {
 public:
  static Result<std::unique_ptr<SqliteEventStore>> Open(const std::string& path);
  ~SqliteEventStore() override;

  Status Upsert(const std::vector<StoredEvent>& events) override;
  Result<int64_t> Count() override;
  Result<std::vector<v1::EventRecord>> ReadAll() override;
  std::string_view kind() const override { return "sqlite"; }

 private:
  SqliteEventStore() = default;
  Status Exec(const char* sql);
  Error SqlError(const std::string& what) const;

  sqlite3* db_ = nullptr;
  sqlite3_stmt* upsert_ = nullptr;
};

}  // namespace herald
