// `herald ingest`: the article API partners POST articles to (producers/ingest.h).
#include <CLI/CLI.hpp>
#include <iostream>

#include "apps/command.h"
#include "producers/ingest.h"

namespace herald {

Command IngestCommand() {
  auto o = std::make_shared<IngestOptions>();
  auto daemon = std::make_shared<DaemonOptions>(DaemonOptions{.admin_port = kIngestStage.admin_port});
  auto print_openapi = std::make_shared<bool>(false);
  return {.path = {"ingest"},
          .help = "Accept articles over HTTP (POST /v1/articles, JSON or NDJSON) and send them to the raw topic",
          .settings =
              [o, daemon](SettingsTable& t) {
                DeclareIngestSettings(t, o.get());
                DeclareDaemonSettings(t, kIngestStage.name, daemon.get());
              },
          .arguments =
              [print_openapi](CLI::App* app) {
                app->add_flag("--openapi", *print_openapi,
                              "Print the API's OpenAPI description (docs/ingest-openapi.json) and exit");
              },
          .run =
              [o, daemon, print_openapi](const CommandContext&) {
                if (*print_openapi) {
                  std::cout << IngestOpenApiDocument();
                  return 0;
                }
                return RunDaemon(kIngestStage, *daemon, [&](const StageContext& c) { return RunIngest(*o, c); });
              }};
}

}  // namespace herald
