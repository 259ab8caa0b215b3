// event_store.h: where the store daemon writes event records: SQLite (the
// embedded default, sqlite_store.h) or PostgreSQL (postgres_store.h), behind
// one interface, with the same tables (store_tables.h) in both.
//
//   auto store = OpenEventStore({.sqlite_path = "herald.db"});        // or .postgres_uri
//   (*store)->Upsert(rows);          // one transaction: all rows or none
//
// Opening a store brings its database to the current schema (store_schema.h),
// from empty or from an earlier herald's. Records are upserted by id: a
// redelivered record that is unchanged costs one lookup and writes nothing;
// a changed one replaces every row the old one had.
// Thread-safety: one store per thread.
// Failure: transient faults (busy, connection lost, disk full) are kRetriable;
// schema, permission and configuration faults are kFatal.
#pragma once

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

// How long records stay: older than max_age_seconds (by their time), or past
// the newest max_articles, they are purged. 0 turns a limit off.
struct RetentionPolicy {
  int64_t max_age_seconds = 0;
  int64_t max_articles = 0;
  bool any() const { return max_age_seconds > 0 || max_articles > 0; }
};

class EventStore {
 public:
  virtual ~EventStore() = default;
  virtual Status Upsert(const std::vector<StoredEvent>& events) = 0;
  // Removes up to `at_most` of the oldest records the policy no longer keeps,
  // with all their rows, in one short transaction (so that writes wait for
  // no more than one small batch); how many it removed.
  virtual Result<int64_t> Purge(const RetentionPolicy& policy, int64_t now, int64_t at_most) = 0;
  // Articles stored.
  virtual Result<int64_t> Count() = 0;
  // Every stored record, oldest first.
  virtual Result<std::vector<v1::EventRecord>> ReadAll() = 0;
  // "sqlite" or "postgres", for metrics and logs.
  virtual std::string_view kind() const = 0;
};

// The stores' reading of a policy: records filed before the cutoff go (the
// earliest time when there is no age limit), and so do the oldest
// ArticlesOverLimit (0 without a count limit).
int64_t RetentionCutoff(const RetentionPolicy& policy, int64_t now);
Result<int64_t> ArticlesOverLimit(EventStore& store, const RetentionPolicy& policy);

struct EventStoreOptions {
  std::string sqlite_path;
  std::string postgres_uri;  // when set, PostgreSQL instead of SQLite
};
Result<std::unique_ptr<EventStore>> OpenEventStore(const EventStoreOptions& options);

}  // namespace herald
