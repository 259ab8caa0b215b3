// `herald process`: the processor daemon, raw articles to event records (processors/).
#include "apps/command.h"
#include "processors/processor.h"

namespace herald {

Command ProcessCommand() {
  return DaemonCommand<ProcessorOptions>(kProcessorStage, "Run the processor: raw articles to event records",
                                         DeclareProcessorSettings, RunProcessor);
}

}  // namespace herald
