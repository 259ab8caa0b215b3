// `herald alert`: the alerter daemon, rules over event records (consumers/).
#include "apps/command.h"
#include "consumers/alert.h"

namespace herald {

Command AlertCommand() {
  return DaemonCommand<AlertOptions>(
      kAlertStage, "Run the alerter: rules over event records", DeclareAlertSettings,
      [](const AlertOptions& o, const StageContext& context) { return RunAlert(o, context); });
}

}  // namespace herald
