// `herald produce`: articles from files, directories and stdin to the raw topic (producers/).
#include <iostream>

#include "apps/command.h"
#include "producers/produce.h"

namespace herald {

Command ProduceCommand() {
  auto o = std::make_shared<ProduceOptions>();
  return {.path = {"produce"},
          .help = "Push articles (files, directories, stdin) to the raw topic",
          .settings = [o](SettingsTable& t) { DeclareProduceSettings(t, o.get()); },
          .arguments = [o](CLI::App* app) { AddProduceArguments(app, o.get()); },
          .run =
              [o](const CommandContext&) {
                auto summary = RunProduce(*o);
                if (!summary) return ExitStatus(Unexpected(summary.error()), "produce");
                std::cout << "produced " << summary->delivered << " of " << summary->articles << " articles ("
                          << summary->bytes << " bytes) to " << o->topics.raw << " in " << summary->seconds << " s; "
                          << summary->failed << " failed\n";
                return summary->failed == 0 ? 0 : 1;
              }};
}

}  // namespace herald
