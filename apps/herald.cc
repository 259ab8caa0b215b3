// herald: one binary, one subcommand per stage. This file only wires
// command-line options and settings to the stages, and a daemon's admin
// endpoint and signals around them; each stage's story is in its folder.
#include <malloc.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <iostream>
#include <map>
#include <memory>

#include "apps/config_command.h"
#include "apps/demo.h"
#include "bench/end_to_end.h"
#include "bench/passthrough.h"
#include "consumers/alert.h"
#include "consumers/dead_letters.h"
#include "consumers/store.h"
#include "core/admin_server.h"
#include "core/auth_watchdog.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/options.h"
#include "core/settings.h"
#include "core/stage_metrics.h"
#include "core/stop.h"
#include "processors/processor.h"
#include "producers/produce.h"

namespace {

using herald::SettingsTable;

// A command's failure, for the person at the terminal.
int ExitStatus(const herald::Status& s, const std::string& command) {
  if (s) return 0;
  std::cerr << "herald " << command << ": " << s.error().reason << "\n";
  return 1;
}

// A daemon's failure, as one log line (structured, JSON when asked) for whoever collects its logs.
int DaemonExitStatus(const herald::Status& s, const std::string& command) {
  if (s) return 0;
  herald::log::Error("stopped by an error", {{"command", command}, {"reason", s.error().reason}});
  return 1;
}

// Runs a stage as a daemon: signals, metrics registry, admin endpoint, then the stage.
int RunDaemon(const std::string& command, const std::string& stage, const herald::DaemonOptions& daemon,
              const std::function<herald::Status(const herald::StageContext&)>& run) {
  std::stop_source stop;
  herald::SignalWatcher signals(stop, std::chrono::seconds(daemon.shutdown_timeout_s));
  herald::metrics::Registry registry;
  herald::metrics::AddProcessCollector(registry);
  herald::StageMetrics metrics(stage, &registry);
  std::unique_ptr<herald::AdminServer> admin;
  if (daemon.admin_port != 0) {
    auto started = herald::AdminServer::Start(
        {.host = daemon.admin_host, .port = daemon.admin_port}, registry,
        {.live = [&] { return metrics.Liveness(std::chrono::seconds(daemon.liveness_timeout_s)); },
         .ready = [&] { return metrics.Readiness(); }});
    if (!started) return DaemonExitStatus(herald::Unexpected(started.error()), command);
    admin = std::move(*started);
  }
  herald::AuthenticationWatchdog authentication(stop, std::chrono::seconds(daemon.auth_failure_timeout_s));
  herald::Status s = run({.stop = stop.get_token(), .metrics = &metrics, .reloads = &signals.hangups()});
  admin.reset();
  if (std::optional<std::string> refused = authentication.reason()) s = herald::Fatal(*refused);
  return DaemonExitStatus(s, command);
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

  herald::LogOptions log_options;
  std::string config_path;
  // Each command that has settings: its table, by the command's full name ("dlq replay").
  std::map<CLI::App*, std::pair<std::string, std::unique_ptr<SettingsTable>>> tables;
  herald::SettingsCatalog catalog;
  auto with_settings = [&](CLI::App* command, const std::string& name, const auto& declare) {
    auto table = std::make_unique<SettingsTable>();
    declare(*table);
    herald::DeclareLogSettings(*table, &log_options);
    table->AddFlags(command);
    command->add_option("--config", config_path, "YAML config file (also HERALD_CONFIG); see docs/CONFIGURATION.md");
    if (herald::Status s = catalog.Add(name, table.get()); !s) {
      std::cerr << "herald: " << s.error().reason << "\n";
      std::exit(2);
    }
    tables[command] = {name, std::move(table)};
  };

  herald::ProduceOptions produce;
  CLI::App* produce_cmd = app.add_subcommand("produce", "Push articles (files, directories, stdin) to the raw topic");
  with_settings(produce_cmd, "produce", [&](SettingsTable& t) { herald::DeclareProduceSettings(t, &produce); });
  herald::AddProduceArguments(produce_cmd, &produce);

  herald::ProcessorOptions process;
  herald::DaemonOptions process_daemon{.admin_port = herald::kProcessorAdminPort};
  with_settings(app.add_subcommand("process", "Run the processor: raw articles to event records"), "process",
                [&](SettingsTable& t) {
                  herald::DeclareProcessorSettings(t, &process);
                  herald::DeclareDaemonSettings(t, "processor", &process_daemon);
                });
  herald::StoreOptions store;
  herald::DaemonOptions store_daemon{.admin_port = herald::kStoreAdminPort};
  with_settings(app.add_subcommand("store", "Run the store: event records to SQLite"), "store", [&](SettingsTable& t) {
    herald::DeclareStoreSettings(t, &store);
    herald::DeclareDaemonSettings(t, "store", &store_daemon);
  });
  herald::AlertOptions alert;
  herald::DaemonOptions alert_daemon{.admin_port = herald::kAlertAdminPort};
  with_settings(app.add_subcommand("alert", "Run the alerter: rules over event records"), "alert",
                [&](SettingsTable& t) {
                  herald::DeclareAlertSettings(t, &alert);
                  herald::DeclareDaemonSettings(t, "alert", &alert_daemon);
                });

  herald::ExtractOptions extract;
  CLI::App* extract_cmd = app.add_subcommand("extract", "Extract event records offline, as NDJSON on stdout");
  with_settings(extract_cmd, "extract", [&](SettingsTable& t) { herald::DeclareExtractSettings(t, &extract); });
  herald::AddExtractArguments(extract_cmd, &extract);

  herald::DeadLetterOptions dlq;
  CLI::App* dlq_cmd = app.add_subcommand("dlq", "List or replay dead letters");
  dlq_cmd->require_subcommand(1);
  for (auto [name, help] : {std::pair{"list", "Print the dead letters"},
                            std::pair{"replay", "Send dead letters back to their source topics"}}) {
    with_settings(dlq_cmd->add_subcommand(name, help), std::string("dlq ") + name,
                  [&](SettingsTable& t) { herald::DeclareDeadLetterSettings(t, &dlq); });
  }
  herald::AddDeadLetterArguments(dlq_cmd, &dlq);

  herald::EvalOptions eval;
  herald::AddEvalOptions(app.add_subcommand("eval", "Score extraction against the labelled data in ../shared"), &eval);
  herald::DemoOptions demo;
  herald::AddDemoOptions(app.add_subcommand("demo", "Run the whole pipeline on the bundled samples, no broker needed"),
                         &demo);

  herald::BenchOptions bench;
  herald::AddBenchArguments(
      app.add_subcommand("bench", "End-to-end load: the processor and a passthrough baseline on a real broker"),
      &bench);
  herald::PassthroughOptions passthrough;
  herald::DaemonOptions passthrough_daemon{.admin_port = 0};
  CLI::App* passthrough_cmd =
      app.add_subcommand("passthrough", "Copy the raw topic to the events topic unchanged (bench's baseline)");
  passthrough_cmd->group("");  // an instrument of `herald bench`, not for operators
  with_settings(passthrough_cmd, "passthrough", [&](SettingsTable& t) {
    herald::DeclarePassthroughSettings(t, &passthrough);
    herald::DeclareDaemonSettings(t, "passthrough", &passthrough_daemon);
  });

  CLI::App* config_cmd = app.add_subcommand("config", "Check a config file, or print the settings reference");
  config_cmd->require_subcommand(1);
  std::string check_path;
  config_cmd->add_subcommand("check", "Validate a YAML config file; names each bad key with its line")
      ->add_option("file", check_path, "The config file")
      ->required();
  config_cmd->add_subcommand("docs", "Print docs/CONFIGURATION.md, generated from the settings tables");

  CLI11_PARSE(app, argc, argv);

  CLI::App* command = app.get_subcommands().front();
  CLI::App* leaf = command->get_subcommands().empty() ? command : command->get_subcommands().front();
  if (auto it = tables.find(leaf); it != tables.end()) {
    const std::string& name = it->second.first;
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
        std::cerr << "herald " << name << ": " << loaded.error().reason << "\n";
        return 2;
      }
      file = std::move(*loaded);
      for (std::string& p : catalog.Check(*file)) problems.push_back(std::move(p));
    }
    for (std::string& p : it->second.second->Resolve(file ? &*file : nullptr, environment)) {
      problems.push_back(std::move(p));
    }
    if (!problems.empty()) {
      for (const std::string& p : problems) std::cerr << "herald " << name << ": " << p << "\n";
      return 2;
    }
    herald::ApplyLogOptions(log_options);
    for (const std::string& variable : catalog.UnknownEnvironment(environment)) {
      herald::log::Warn("environment variable names no setting; ignored", {{"variable", variable}});
    }
  }

  const std::string name = command->get_name();
  if (name == "config") {
    if (config_cmd->got_subcommand("check")) return herald::CheckConfigFile(catalog, check_path, std::cout);
    std::cout << herald::ConfigurationDoc(catalog);
    return 0;
  }
  if (name == "extract") return herald::RunExtract(extract);
  if (name == "bench") {
    char self[4096] = {};
    ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
    bench.herald_binary = n > 0 ? std::string(self, static_cast<size_t>(n)) : argv[0];
    return herald::RunBench(bench);
  }
  if (name == "passthrough") {
    return RunDaemon(name, "passthrough", passthrough_daemon,
                     [&](const herald::StageContext& c) { return herald::RunPassthrough(passthrough, c); });
  }
  if (name == "demo") return herald::RunDemo(demo);
  if (name == "eval") return herald::RunEval(eval);
  if (name == "dlq") {
    if (command->got_subcommand("list")) return ExitStatus(herald::ListDeadLetters(dlq, std::cout), "dlq list");
    auto replayed = herald::ReplayDeadLetters(dlq);
    if (!replayed) return ExitStatus(herald::Unexpected(replayed.error()), "dlq replay");
    std::cout << "replayed " << replayed->replayed << " dead letters; " << replayed->skipped << " skipped\n";
    return 0;
  }
  if (name == "produce") {
    auto summary = herald::RunProduce(produce);
    if (!summary) return ExitStatus(herald::Unexpected(summary.error()), "produce");
    std::cout << "produced " << summary->delivered << " of " << summary->articles << " articles (" << summary->bytes
              << " bytes) to " << produce.topics.raw << " in " << summary->seconds << " s; " << summary->failed
              << " failed\n";
    return summary->failed == 0 ? 0 : 1;
  }
  if (name == "process") {
    return RunDaemon(name, "processor", process_daemon,
                     [&](const herald::StageContext& c) { return herald::RunProcessor(process, c); });
  }
  if (name == "store") {
    return RunDaemon(name, "store", store_daemon,
                     [&](const herald::StageContext& c) { return herald::RunStore(store, c); });
  }
  if (name == "alert") {
    return RunDaemon(name, "alert", alert_daemon,
                     [&](const herald::StageContext& c) { return herald::RunAlert(alert, c); });
  }
  return 2;
}
