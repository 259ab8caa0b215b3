// The one list of herald's commands, in the order --help shows them.
#include "apps/command.h"

namespace herald {

std::vector<Command> AllCommands() {
  std::vector<Command> all = {ProduceCommand(), FeedsCommand(), IngestCommand(), ProcessCommand(), StoreCommand(),
                              QueryCommand(),   ServeCommand(), AlertCommand(),  ExtractCommand(), ExplainCommand()};
  for (Command& c : DeadLetterCommands()) all.push_back(std::move(c));
  all.push_back(EvalCommand());
  for (Command& c : TrainCommands()) all.push_back(std::move(c));
  for (Command c : {DemoCommand(), BenchCommand(), PassthroughCommand()}) all.push_back(std::move(c));
  for (Command& c : ConfigCommands()) all.push_back(std::move(c));
  return all;
}

}  // namespace herald
