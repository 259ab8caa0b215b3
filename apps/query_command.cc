// `herald query`: the store's records, asked on the command line (consumers/store/query_command.h).
#include <iostream>

#include "apps/command.h"
#include "consumers/store/query_command.h"

namespace herald {

Command QueryCommand() {
  auto o = std::make_shared<QueryOptions>();
  return {.path = {"query"},
          .help = "Ask the store: articles, events, timelines and top lists, as JSON, CSV, GeoJSON or GDELT rows",
          .settings = [o](SettingsTable& t) { DeclareQuerySettings(t, o.get()); },
          .arguments = [o](CLI::App* app) { AddQueryArguments(app, o.get()); },
          .run = [o](const CommandContext&) { return RunQuery(*o, std::cout, std::cerr); }};
}

}  // namespace herald
