// herald: one binary, one subcommand per stage. This file only wires
// command-line options to the stages; each stage's story is in its folder.
#include <CLI/CLI.hpp>
#include <iostream>

#include "apps/demo.h"
#include "consumers/alert.h"
#include "consumers/dead_letters.h"
#include "consumers/store.h"
#include "core/log.h"
#include "core/stop.h"
#include "processors/processor.h"
#include "producers/produce.h"

namespace {

int ExitStatus(const herald::Status& s, const char* command) {
  if (s) return 0;
  std::cerr << "herald " << command << ": " << s.error().reason << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"herald: a real-time news event pipeline on Kafka", "herald"};
  app.require_subcommand(1);
  app.set_version_flag("--version", HERALD_VERSION);
  std::string log_level = "info";
  bool log_json = false;
  app.add_option("--log-level", log_level, "debug, info, warn or error")
      ->capture_default_str()
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  app.add_flag("--log-json", log_json, "Log lines as JSON objects");

  herald::ProduceOptions produce;
  herald::AddProduceOptions(app.add_subcommand("produce", "Push articles (files, directories, stdin) to the raw topic"),
                            &produce);
  herald::ProcessorOptions process;
  herald::AddProcessorOptions(app.add_subcommand("process", "Run the processor: raw articles to event records"),
                              &process);
  herald::StoreOptions store;
  herald::AddStoreOptions(app.add_subcommand("store", "Run the store: event records to SQLite"), &store);
  herald::AlertOptions alert;
  herald::AddAlertOptions(app.add_subcommand("alert", "Run the alerter: rules over event records"), &alert);
  herald::ExtractOptions extract;
  herald::AddExtractOptions(app.add_subcommand("extract", "Extract event records offline, as NDJSON on stdout"),
                            &extract);
  herald::DeadLetterOptions dlq;
  herald::AddDeadLetterCommands(app.add_subcommand("dlq", "List or replay dead letters"), &dlq);
  herald::EvalOptions eval;
  herald::AddEvalOptions(app.add_subcommand("eval", "Score extraction against the labelled data in ../shared"), &eval);
  herald::DemoOptions demo;
  herald::AddDemoOptions(app.add_subcommand("demo", "Run the whole pipeline on the bundled samples, no broker needed"),
                         &demo);

  CLI11_PARSE(app, argc, argv);
  herald::log::Level level;
  herald::log::ParseLevel(log_level, &level);
  herald::log::SetLevel(level);
  herald::log::SetJson(log_json);

  CLI::App* command = app.get_subcommands().front();
  const std::string name = command->get_name();
  if (name == "extract") return herald::RunExtract(extract);
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
    std::cout << "produced " << summary->delivered << " of " << summary->articles << " articles ("
              << summary->bytes << " bytes) to " << produce.topics.raw << " in " << summary->seconds << " s; "
              << summary->failed << " failed\n";
    return summary->failed == 0 ? 0 : 1;
  }

  std::stop_source stop;
  herald::SignalWatcher signals(stop);
  if (name == "process") return ExitStatus(herald::RunProcessor(process, stop.get_token()), "process");
  if (name == "store") return ExitStatus(herald::RunStore(store, stop.get_token()), "store");
  if (name == "alert") return ExitStatus(herald::RunAlert(alert, stop.get_token()), "alert");
  return 2;
}
