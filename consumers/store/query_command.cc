#include "consumers/store/query_command.h"

#include <CLI/CLI.hpp>
#include <ostream>

#include "consumers/store/query.h"
#include "consumers/store/query_reader.h"
#include "consumers/store/store.h"

namespace herald {

void DeclareQuerySettings(SettingsTable& t, QueryOptions* o) {
  DeclareStoreDatabaseSettings(t, &o->database);
  t.Add("query.timeout_ms", &o->timeout_ms, "A query running longer than this is stopped (and answered 503 by serve).")
      .Flag("--timeout-ms")
      .Range(10, 600000);
}

void AddQueryArguments(CLI::App* app, QueryOptions* o) {
  for (const store::QueryParameter& p : store::QueryParameters()) {
    std::string flag = "--" + std::string(p.name);
    std::replace(flag.begin() + 2, flag.end(), '_', '-');
    const std::string name(p.name);
    app->add_option_function<std::string>(
        flag, [o, name](const std::string& value) { o->parameters.emplace_back(name, value); },
        std::string(p.doc) + " (e.g. " + std::string(p.example) + ")");
  }
}

int RunQuery(const QueryOptions& options, std::ostream& out, std::ostream& err) {
  auto query = store::ParseQuery(options.parameters);
  if (!query) {
    err << "herald query: " << query.error().reason << "\n";
    return 2;
  }
  auto reader = store::OpenQueryReader(options.database, std::chrono::milliseconds(options.timeout_ms));
  if (!reader) {
    err << "herald query: " << reader.error().reason << "\n";
    return 1;
  }
  auto rows = store::RunQuery(*query, **reader);
  if (!rows) {
    err << "herald query: " << rows.error().reason << "\n";
    return 1;
  }
  const store::QueryOutput output = store::FormatQueryRows(*query, *rows);
  out << output.body;
  if (!output.next_cursor.empty() && query->format != store::QueryFormat::kJson) {
    err << "next page: --cursor " << output.next_cursor << "\n";
  }
  return 0;
}

}  // namespace herald
