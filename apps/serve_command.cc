// `herald serve`: the store's query API over HTTP (consumers/store/query_api.h).
#include <CLI/CLI.hpp>
#include <iostream>

#include "apps/command.h"
#include "consumers/store/query_api.h"
#include "core/metrics.h"
#include "core/stop.h"

namespace herald {

Command ServeCommand() {
  auto o = std::make_shared<ServeOptions>();
  auto print_openapi = std::make_shared<bool>(false);
  return {.path = {"serve"},
          .help = "Serve the store's queries as an HTTP JSON API (/v1/events, /v1/timeline, ... /v1/openapi.json)",
          .settings = [o](SettingsTable& t) { DeclareServeSettings(t, o.get()); },
          .arguments =
              [print_openapi](CLI::App* app) {
                app->add_flag("--openapi", *print_openapi,
                              "Print the API's OpenAPI description (docs/openapi.json) and exit");
              },
          .run =
              [o, print_openapi](const CommandContext&) {
                if (*print_openapi) {
                  std::cout << OpenApiDocument();
                  return 0;
                }
                std::stop_source stop;
                SignalWatcher signals(stop);
                metrics::Registry registry;
                metrics::AddProcessCollector(registry);
                return ExitStatus(RunServe(*o, stop.get_token(), &registry), "serve");
              }};
}

}  // namespace herald
