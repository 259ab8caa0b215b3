// `herald ingest`: the article API partners POST articles to (producers/ingest.h).
#include "apps/command.h"
#include "producers/ingest.h"

namespace herald {

Command IngestCommand() {
  auto o = std::make_shared<IngestOptions>();
  auto daemon = std::make_shared<DaemonOptions>(DaemonOptions{.admin_port = kIngestStage.admin_port});
  return {.path = {"ingest"},
          .help = "Accept articles over HTTP (POST /v1/articles, JSON or NDJSON) and send them to the raw topic",
          .settings =
              [o, daemon](SettingsTable& t) {
                DeclareIngestSettings(t, o.get());
                DeclareDaemonSettings(t, kIngestStage.name, daemon.get());
              },
          .run =
              [o, daemon](const CommandContext&) {
                return RunDaemon(kIngestStage, *daemon, [&](const StageContext& c) { return RunIngest(*o, c); });
              }};
}

}  // namespace herald
