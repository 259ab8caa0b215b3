// `herald dlq list` and `herald dlq replay`: the dead-letter topic, read and sent back (consumers/).
#include <iostream>

#include "apps/command.h"
#include "consumers/dead_letters.h"

namespace herald {

std::vector<Command> DeadLetterCommands() {
  auto o = std::make_shared<DeadLetterOptions>();
  auto settings = [o](SettingsTable& t) { DeclareDeadLetterSettings(t, o.get()); };
  return {{.path = {"dlq"}, .help = "List or replay dead letters"},
          {.path = {"dlq", "list"},
           .help = "Print the dead letters",
           .settings = settings,
           .arguments = [o](CLI::App* app) { AddDeadLetterListArguments(app, o.get()); },
           .run = [o](const CommandContext&) { return ExitStatus(ListDeadLetters(*o, std::cout), "dlq list"); }},
          {.path = {"dlq", "replay"},
           .help = "Send dead letters back to their source topics",
           .settings = settings,
           .arguments = [o](CLI::App* app) { AddDeadLetterFilterArguments(app, o.get()); },
           .run =
               [o](const CommandContext&) {
                 auto replayed = ReplayDeadLetters(*o);
                 if (!replayed) return ExitStatus(Unexpected(replayed.error()), "dlq replay");
                 std::cout << "replayed " << replayed->replayed << " dead letters; " << replayed->skipped
                           << " skipped\n";
                 return 0;
               }}};
}

}  // namespace herald
