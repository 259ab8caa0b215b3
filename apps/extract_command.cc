// `herald extract`: event records offline, as NDJSON on stdout; `herald explain`: how
// they were read (processors/extract.h).
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

Command ExplainCommand() {
  auto o = std::make_shared<ExtractOptions>();
  return {.path = {"explain"},
          .help = "Show how herald reads articles: each sentence's tags and tree, and why each event is there",
          .settings = [o](SettingsTable& t) { DeclareExtractSettings(t, o.get()); },
          .arguments = [o](CLI::App* app) { AddExtractArguments(app, o.get()); },
          .run = [o](const CommandContext&) { return RunExplain(*o); }};
}

}  // namespace herald
