#include "consumers/store/event_store.h"

#include "consumers/store/postgres_store.h"
#include "consumers/store/sqlite_store.h"

namespace herald {

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
