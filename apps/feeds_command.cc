// `herald feeds`: RSS, Atom and JSON feeds polled, their pages' articles to the raw topic (producers/feeds/).
#include "apps/command.h"
#include "producers/feeds/feeds.h"

namespace herald {

Command FeedsCommand() {
  auto o = std::make_shared<FeedsOptions>();
  auto daemon = std::make_shared<DaemonOptions>(DaemonOptions{.admin_port = kFeedsStage.admin_port});
  return {.path = {"feeds"},
          .help = "Poll RSS, Atom and JSON feeds and send each new item's article to the raw topic (--once for cron)",
          .settings =
              [o, daemon](SettingsTable& t) {
                DeclareFeedsSettings(t, o.get());
                DeclareDaemonSettings(t, kFeedsStage.name, daemon.get());
              },
          .arguments = [o](CLI::App* app) { AddFeedsArguments(app, o.get()); },
          .run =
              [o, daemon](const CommandContext&) {
                return RunDaemon(kFeedsStage, *daemon, [&](const StageContext& c) { return RunFeeds(*o, c); });
              }};
}

}  // namespace herald
