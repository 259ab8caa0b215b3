// query_command.h: `herald query`, the store's questions on the command line,
// and the settings `herald serve` shares with it.
//
//   herald query --sqlite herald.db --mode events --country UKR --from 2026-11-01 --format csv
//
// Every parameter of query.h's table is a flag of the same name (quad_class
// as --quad-class); the answer goes to stdout in the format asked for, and a
// next page's cursor, when there is one, to stderr for formats other than JSON
// (whose body carries it).
// Thread-safety: runs on the caller's thread.
// Failure: a bad parameter exits 2 with its reason; a store that cannot be
// opened or a query that fails or times out exits 1 with the reason.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include "consumers/store/event_store.h"
#include "core/settings.h"

namespace CLI {
class App;
}

namespace herald {

struct QueryOptions {
  EventStoreOptions database{.sqlite_path = "herald.db"};
  int64_t timeout_ms = 5000;
  // The query's parameters as given (name, value), in the table's order.
  std::vector<std::pair<std::string, std::string>> parameters;
};

void DeclareQuerySettings(SettingsTable& table, QueryOptions* options);
// A flag per query parameter; given ones land in options->parameters.
void AddQueryArguments(CLI::App* app, QueryOptions* options);
int RunQuery(const QueryOptions& options, std::ostream& out, std::ostream& err);

}  // namespace herald
