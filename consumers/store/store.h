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

#include "core/options.h"
#include "core/settings.h"
#include "core/stage_metrics.h"
#include "core/status.h"

namespace herald {

struct StoreOptions {
  KafkaOptions kafka;
  Topics topics;
  std::string group = "herald-store";
  std::string sqlite_path = "herald.db";
  std::string postgres_uri;  // when set, PostgreSQL instead of SQLite
  size_t batch_size = 1000;
  // Names this instance: its static group membership. Default: the host name.
  std::string instance_id;
};

void DeclareStoreSettings(SettingsTable& table, StoreOptions* options);
Status RunStore(const StoreOptions& options, const StageContext& context);

}  // namespace herald
