// postgres_store.h: the event store on PostgreSQL (event_store.h), for teams
// that outgrow one machine: several store instances (one consumer group) can
// write one database. Same table and columns as SQLite, with PostgreSQL types:
// record BYTEA, record_json JSONB (query it with ->, ->> and @>), stored_at
// TIMESTAMPTZ, and a GIN index on record_json.
//
//   auto store = PostgresEventStore::Open("postgresql://herald@db/herald");
//   (*store)->Upsert(rows);   // one transaction, INSERT ... ON CONFLICT (id) DO UPDATE
//
// A lost connection is re-established on the next call (the batch is retried
// by the stage loop).
// Thread-safety: one PostgresEventStore per thread.
// Failure: connection loss, serialization failures, deadlocks, resource
// shortage and data errors (retried, then the record is quarantined by the
// stage loop) are kRetriable; authentication, missing database, schema and
// permission errors are kFatal.
#pragma once

#include <memory>
#include <string>

#include "consumers/event_store.h"

struct pg_conn;

namespace herald {

class PostgresEventStore : public EventStore {
 public:
  static Result<std::unique_ptr<PostgresEventStore>> Open(const std::string& uri);
  ~PostgresEventStore() override;

  Status Upsert(const std::vector<StoredEvent>& events) override;
  Result<int64_t> Count() override;
  Result<std::vector<v1::EventRecord>> ReadAll() override;
  std::string_view kind() const override { return "postgres"; }

 private:
  PostgresEventStore() = default;
  Status Connect();
  Status Exec(const char* sql);

  std::string uri_;
  pg_conn* conn_ = nullptr;
};

}  // namespace herald
