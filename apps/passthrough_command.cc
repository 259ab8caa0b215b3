// `herald passthrough`: the baseline `herald bench` measures the processor against (bench/).
#include "apps/command.h"
#include "bench/passthrough.h"

namespace herald {

Command PassthroughCommand() {
  Command c = DaemonCommand<PassthroughOptions>(kPassthroughStage,
                                                "Copy the raw topic to the events topic unchanged (bench's baseline)",
                                                DeclarePassthroughSettings, RunPassthrough);
  c.hidden = true;  // an instrument of `herald bench`, not for operators
  return c;
}

}  // namespace herald
