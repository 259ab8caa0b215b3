// `herald extract`: event records offline, as NDJSON on stdout (processors/).
#include "apps/command.h"
#include "processors/extract.h"

namespace herald {

Command ExtractCommand() {
  auto o = std::make_shared<ExtractOptions>();
  return {.path = {"extract"},
          .help = "Extract event records offline, as NDJSON on stdout",
          .settings = [o](SettingsTable& t) { DeclareExtractSettings(t, o.get()); },
          .arguments = [o](CLI::App* app) { AddExtractArguments(app, o.get()); },
          .run = [o](const CommandContext&) { return RunExtract(*o); }};
}

}  // namespace herald
