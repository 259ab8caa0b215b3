#include "consumers/store/event_store.h"

#include <algorithm>
#include <limits>

#include "consumers/store/postgres_store.h"
#include "consumers/store/sqlite_store.h"

namespace herald {

int64_t RetentionCutoff(const RetentionPolicy& policy, int64_t now) {
  return policy.max_age_seconds > 0 ? now - policy.max_age_seconds : std::numeric_limits<int64_t>::min();
}

Result<int64_t> ArticlesOverLimit(EventStore& store, const RetentionPolicy& policy) {
  if (policy.max_articles <= 0) return 0;
  auto count = store.Count();
  if (!count) return Unexpected(count.error());
  return std::max<int64_t>(0, *count - policy.max_articles);
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
