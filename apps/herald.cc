// herald: one binary, one subcommand per command in AllCommands() (apps/command.h).
// This file builds the command line from that list, resolves the chosen command's
// settings (defaults, config file, HERALD_* variables, flags) and runs it; each
// command's wiring is in apps/<name>_command.cc, each stage's story in its folder.
#include <malloc.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <iostream>
#include <map>
#include <memory>

#include "apps/command.h"
#include "core/log.h"
#include "core/options.h"
#include "core/settings.h"

namespace {

// A command as built on the command line: its CLI11 app and, when it has any, its settings.
struct BuiltCommand {
  const herald::Command* command;
  std::string name;  // "dlq list"
  std::unique_ptr<herald::SettingsTable> settings;
};

// The subcommand `path` names under `root`, made as it is first met; groups
// ({"dlq"}) require one of their subcommands.
CLI::App* AddCommandLine(CLI::App& root, const herald::Command& c) {
  CLI::App* parent = &root;
  for (size_t i = 0; i + 1 < c.path.size(); ++i) parent = parent->get_subcommand(c.path[i]);
  CLI::App* app = parent->add_subcommand(c.path.back(), c.help);
  if (!c.run) app->require_subcommand(1);
  if (c.hidden) app->group("");
  return app;
}

// The chosen command's settings from every layer; the problems, each on stderr.
bool ResolveSettings(const BuiltCommand& built, const herald::SettingsCatalog& catalog, std::string config_path) {
  herald::Environment environment = herald::ProcessEnvironment();
  std::vector<std::string> problems = herald::ReadEnvironmentFiles(&environment);
  if (config_path.empty()) {
    for (const auto& [variable, value] : environment) {
      if (variable == "HERALD_CONFIG") config_path = value;
    }
  }
  std::optional<herald::ConfigFile> file;
  if (!config_path.empty()) {
    auto loaded = herald::ConfigFile::Load(config_path);
    if (!loaded) {
      std::cerr << "herald " << built.name << ": " << loaded.error().reason << "\n";
      return false;
    }
    file = std::move(*loaded);
    for (std::string& p : catalog.Check(*file)) problems.push_back(std::move(p));
  }
  for (std::string& p : built.settings->Resolve(file ? &*file : nullptr, environment)) problems.push_back(std::move(p));
  for (const std::string& p : problems) std::cerr << "herald " << built.name << ": " << p << "\n";
  if (!problems.empty()) return false;
  for (const std::string& variable : catalog.UnknownEnvironment(environment)) {
    herald::log::Warn("environment variable names no setting; ignored", {{"variable", variable}});
  }
  return true;
}

std::string ThisBinary(const char* argv0) {
  char self[4096] = {};
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  return n > 0 ? std::string(self, static_cast<size_t>(n)) : argv0;
}

}  // namespace

int main(int argc, char** argv) {
  // glibc gives threads that allocate at once heaps of their own, up to eight
  // per core, and each keeps the memory its thread freed. A stage's extraction
  // and librdkafka threads kept 3-4 MiB that way at the processor's peak; two
  // heaps serve them at the same CPU cost. Set before any thread starts.
  mallopt(M_ARENA_MAX, 2);
  CLI::App app{"herald: a real-time news event pipeline on Kafka", "herald"};
  app.require_subcommand(1);
  app.set_version_flag("--version", HERALD_VERSION);

  const std::vector<herald::Command> commands = herald::AllCommands();
  herald::LogOptions log_options;
  std::string config_path;
  herald::SettingsCatalog catalog;
  std::map<CLI::App*, BuiltCommand> built;
  for (const herald::Command& c : commands) {
    CLI::App* command_line = AddCommandLine(app, c);
    BuiltCommand b{&c, c.path.front() + (c.path.size() > 1 ? " " + c.path.back() : ""), nullptr};
    if (c.settings) {
      b.settings = std::make_unique<herald::SettingsTable>();
      c.settings(*b.settings);
      herald::DeclareLogSettings(*b.settings, &log_options);
      b.settings->AddFlags(command_line);
      command_line->add_option("--config", config_path,
                               "YAML config file (also HERALD_CONFIG); see docs/CONFIGURATION.md");
      if (herald::Status s = catalog.Add(b.name, b.settings.get()); !s) {
        std::cerr << "herald: " << s.error().reason << "\n";
        return 2;
      }
    }
    if (c.arguments) c.arguments(command_line);
    built.emplace(command_line, std::move(b));
  }

  CLI11_PARSE(app, argc, argv);

  CLI::App* chosen = app.get_subcommands().front();
  while (!chosen->get_subcommands().empty()) chosen = chosen->get_subcommands().front();
  const BuiltCommand& b = built.at(chosen);
  if (b.settings) {
    if (!ResolveSettings(b, catalog, config_path)) return 2;
    herald::ApplyLogOptions(log_options);
  }
  return b.command->run({.catalog = catalog, .binary = ThisBinary(argv[0])});
}
