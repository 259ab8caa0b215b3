// `herald produce`: articles from files, directories and stdin to the raw topic (producers/).
#include <iostream>

#include "apps/command.h"
#include "producers/produce.h"
#include "producers/watch.h"

namespace herald {

Command ProduceCommand() {
  auto o = std::make_shared<ProduceOptions>();
  // Used with --watch, which makes the command a daemon.
  auto daemon = std::make_shared<DaemonOptions>(DaemonOptions{.admin_port = kProducerStage.admin_port});
  return {.path = {"produce"},
          .help = "Push articles (files, directories, stdin) to the raw topic, or watch a directory (--watch)",
          .settings =
              [o, daemon](SettingsTable& t) {
                DeclareProduceSettings(t, o.get());
                DeclareDaemonSettings(t, kProducerStage.name, daemon.get());
              },
          .arguments = [o](CLI::App* app) { AddProduceArguments(app, o.get()); },
          .run =
              [o, daemon](const CommandContext&) {
                if (!o->watch_dir.empty()) {
                  if (!o->inputs.empty()) return ExitStatus(Fatal("give inputs or --watch DIR, not both"), "produce");
                  return RunDaemon(kProducerStage, *daemon, [&](const StageContext& c) { return RunWatch(*o, c); });
                }
                auto summary = RunProduce(*o);
                if (!summary) return ExitStatus(Unexpected(summary.error()), "produce");
                std::cout << "produced " << summary->delivered << " of " << summary->articles << " articles ("
                          << summary->bytes << " bytes) to " << o->topics.raw << " in " << summary->seconds << " s; "
                          << summary->failed << " failed\n";
                return summary->failed == 0 ? 0 : 1;
              }};
}

}  // namespace herald
