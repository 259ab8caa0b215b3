// postgres_store.h: the event store on PostgreSQL (event_store.h), for teams
// that outgrow one machine: several store instances (one consumer group) can
// write one database. The tables of store_tables.h with PostgreSQL's types
// (record BYTEA, reals DOUBLE PRECISION), and full-text search in
// articles.search, a tsvector of title and body kept by the database (GIN
// index: WHERE search @@ websearch_to_tsquery('english', 'ceasefire')).
//
//   auto store = PostgresEventStore::Open("postgresql://herald@db/herald");
//   (*store)->Upsert(rows);   // one transaction; new rows go in by COPY
//
// A batch: each record id is locked (pg_advisory_xact_lock on its hash, in
// one order, so that two instances given one record wait for each other
// rather than both write it), the stored versions are read in one query,
// unchanged records are skipped, changed ones have their old rows deleted,
// and every new row goes in by COPY, one per table.
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
#include <vector>

#include "consumers/store/event_store.h"
#include "consumers/store/store_tables.h"

struct pg_conn;

namespace herald {

class PostgresEventStore : public EventStore {
 public:
  static Result<std::unique_ptr<PostgresEventStore>> Open(const std::string& uri);
  ~PostgresEventStore() override;

  Status Upsert(const std::vector<StoredEvent>& events) override;
  Result<int64_t> Purge(const RetentionPolicy& policy, int64_t now, int64_t at_most) override;
  Result<int64_t> Count() override;
  Result<std::vector<v1::EventRecord>> ReadAll() override;
  std::string_view kind() const override { return "postgres"; }

 private:
  // What the database holds of a record about to be written.
  struct Stored {
    int64_t seq = 0;
    int64_t time = 0;
    std::string record;
  };
  // One record of a batch on its way in.
  struct Pending {
    const v1::EventRecord* record;
    store::RecordContext context;
    std::string bytes;
    const Stored* stored = nullptr;
  };

  PostgresEventStore() = default;
  Status Connect();
  Status Migrate();
  Result<int> SchemaVersion();
  Status CopyLegacyRecords();
  Status Exec(const std::string& sql);
  // Writes the records inside the open transaction.
  Status WriteBatch(std::vector<Pending>& batch);
  Result<std::vector<Stored>> LockAndRead(const std::vector<std::string>& ids, std::vector<std::string>* found_ids);
  Result<std::vector<int64_t>> NewSeqs(size_t count);
  Status RemoveRows(const store::RecordContext& old);
  Status CopyRows(const std::vector<Pending>& batch, const std::vector<Pending*>& added);

  std::string uri_;
  pg_conn* conn_ = nullptr;
  v1::EventRecord old_record_;
};

}  // namespace herald
