// command.h: herald's commands. Each is declared once, as a Command made in a file
// of its own (apps/<name>_command.cc); AllCommands() (apps/commands.cc) is the one
// list of them, in the order --help shows them. main (apps/herald.cc) builds the
// command line from that list, resolves the chosen command's settings (defaults,
// config file, environment, flags) and runs it.
//
//   Command ProduceCommand() {
//     auto o = std::make_shared<ProduceOptions>();
//     return {.path = {"produce"}, .help = "Push articles to the raw topic",
//             .settings = [o](SettingsTable& t) { DeclareProduceSettings(t, o.get()); },
//             .arguments = [o](CLI::App* app) { AddProduceArguments(app, o.get()); },
//             .run = [o](const CommandContext&) { ... return 0; }};
//   }
//
// A daemon (a stage that runs until stopped) is made by DaemonCommand, which adds
// the admin endpoint, shutdown and authentication settings and runs the stage
// under RunDaemon: signals, metrics registry, /healthz /readyz /metrics.
// Thread-safety: commands are built and run on main's thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/options.h"
#include "core/settings.h"
#include "core/stage_metrics.h"
#include "core/status.h"

namespace CLI {
class App;
}

namespace herald {

struct CommandContext {
  const SettingsCatalog& catalog;  // every command's settings (config check, config docs)
  std::string binary;              // this program's path (bench starts the stages with it)
};

struct Command {
  std::vector<std::string> path;  // {"process"}, or {"dlq", "list"} under the group {"dlq"}
  std::string help;
  bool hidden = false;  // left out of --help (instruments of other commands)
  // Settings: config file, HERALD_* variables and flags (empty: none, and no --config).
  std::function<void(SettingsTable&)> settings;
  // Per-run command-line arguments that are not settings (inputs, --format).
  std::function<void(CLI::App*)> arguments;
  // Empty for a group of subcommands ({"dlq"}); else the command's exit status.
  std::function<int(const CommandContext&)> run;
};

std::vector<Command> AllCommands();

Command ProduceCommand();
Command FeedsCommand();
Command IngestCommand();
Command ProcessCommand();
Command StoreCommand();
Command QueryCommand();
Command ServeCommand();
Command AlertCommand();
Command ExtractCommand();
Command ExplainCommand();
std::vector<Command> DeadLetterCommands();  // the group and list, replay
Command EvalCommand();
std::vector<Command> TrainCommands();  // the group and tagger
Command DemoCommand();
Command BenchCommand();
Command PassthroughCommand();
std::vector<Command> ConfigCommands();  // the group and check, docs

// A stage that runs until stopped: `declare` its own settings, `run` it with the
// daemon's context. Adds the daemon settings under the stage's name and the
// stage's default admin port.
template <typename Options>
Command DaemonCommand(const StageName& stage, std::string help, std::function<void(SettingsTable&, Options*)> declare,
                      std::function<Status(const Options&, const StageContext&)> run);

// Signals, metrics registry and admin endpoint around a stage; its exit status,
// with the reason logged (JSON when asked) when it stops on an error.
int RunDaemon(const StageName& stage, const DaemonOptions& daemon,
              const std::function<Status(const StageContext&)>& run);

// A one-shot command's exit status, with the reason on stderr for the person at the terminal.
int ExitStatus(const Status& s, std::string_view command);

template <typename Options>
Command DaemonCommand(const StageName& stage, std::string help, std::function<void(SettingsTable&, Options*)> declare,
                      std::function<Status(const Options&, const StageContext&)> run) {
  auto options = std::make_shared<Options>();
  auto daemon = std::make_shared<DaemonOptions>(DaemonOptions{.admin_port = stage.admin_port});
  return {.path = {std::string(stage.command)},
          .help = std::move(help),
          .settings =
              [=](SettingsTable& t) {
                declare(t, options.get());
                DeclareDaemonSettings(t, stage.name, daemon.get());
              },
          .run =
              [=](const CommandContext&) {
                return RunDaemon(stage, *daemon, [&](const StageContext& c) { return run(*options, c); });
              }};
}

}  // namespace herald
