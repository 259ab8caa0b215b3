// `herald eval`: extraction scored against the labelled data in ../shared (processors/).
#include "apps/command.h"
#include "processors/evaluation.h"

namespace herald {

Command EvalCommand() {
  auto o = std::make_shared<EvalOptions>();
  return {.path = {"eval"},
          .help = "Score extraction against the labelled data in ../shared",
          .arguments = [o](CLI::App* app) { AddEvalOptions(app, o.get()); },
          .run = [o](const CommandContext&) { return RunEval(*o); }};
}

}  // namespace herald
