// store.h: the store daemon (`herald store`): a consumer group on the events
// topic writing each EventRecord to the event store: SQLite by default,
// PostgreSQL when store.postgres is set (event_store.h).
//
// Delivery: a batch's Kafka offsets are committed only after its database
// transaction commits; a redelivered batch is absorbed by the upsert on id.
// A record that is not a valid EventRecord is dead-lettered (stage "store").
// Failure: database busy or I/O errors rewind and retry the batch with backoff;
// a fatal Kafka or database error returns an Error.
#pragma once

#include <stop_token>
#include <string>

#include "consumers/store/event_store.h"
#include "core/options.h"
#include "core/settings.h"
#include "core/stage_metrics.h"
#include "core/status.h"

namespace herald {

struct StoreOptions {
  KafkaOptions kafka;
  Topics topics;
  std::string group = "herald-store";
  EventStoreOptions database{.sqlite_path = "herald.db"};
  size_t batch_size = 1000;
  // Retention: records older than this many days, or past the newest
  // max_articles, are purged in the background (0: kept for ever).
  int retention_days = 0;
  int64_t max_articles = 0;
  // Names this instance: its static group membership. Default: the host name.
  std::string instance_id;
};

void DeclareStoreSettings(SettingsTable& table, StoreOptions* options);
// store.sqlite and store.postgres: where the records are, for the store and for
// the commands that read them (herald query, herald serve).
void DeclareStoreDatabaseSettings(SettingsTable& table, EventStoreOptions* database);
Status RunStore(const StoreOptions& options, const StageContext& context);

}  // namespace herald
