#include "apps/demo.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "apps/command.h"

#include "consumers/alert.h"
#include "consumers/store/sqlite_store.h"
#include "consumers/store/store.h"
#include "core/kafka.h"
#include "core/kafka_admin.h"
#include "core/log.h"
#include "core/record_format.h"
#include "processors/processor.h"
#include "producers/produce.h"

namespace herald {
namespace {

namespace fs = std::filesystem;

// The samples next to an installed binary, else those of the source tree it was built from.
std::string FindSamples(const std::string& given) {
  if (!given.empty()) return given;
  if (const char* env = std::getenv("HERALD_SAMPLES_DIR")) return env;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (fs::path candidate : {exe.parent_path() / "../share/herald/samples", exe.parent_path() / "../samples"}) {
      if (fs::is_directory(candidate, ec)) return fs::weakly_canonical(candidate).string();
    }
  }
  return HERALD_SOURCE_DIR "/samples";
}

std::string Clip(std::string s, size_t n) {
  if (s.size() <= n) return s;
  size_t cut = n - 1;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // whole UTF-8 characters
  return s.substr(0, cut) + "~";
}

template <typename List, typename Get>
std::string Join(const List& list, Get get, size_t max_items) {
  std::string out;
  size_t n = 0;
  for (const auto& item : list) {
    if (n++ == max_items) return out + ",...";
    if (!out.empty()) out += ",";
    out += get(item);
  }
  return out;
}

void PrintEvents(const std::vector<v1::EventRecord>& records) {
  std::printf("\nEvent records (%zu)\n", records.size());
  std::printf("%-34s %-16s %-26s %-22s %s\n", "TITLE", "COUNTRIES", "PERSONS", "THEMES", "FIRST CODED EVENT");
  for (const v1::EventRecord& r : records) {
    std::string event;
    if (r.events_size() > 0) {
      const v1::CodedEvent& e = r.events(0);
      char goldstein[16];
      std::snprintf(goldstein, sizeof goldstein, "%+.1f", e.goldstein());
      event = e.source().code() + " " + e.cameo_code() + " " + e.target().code() + " (" + e.plover() + ", " +
              goldstein + ")";
    }
    std::printf("%-34s %-16s %-26s %-22s %s\n", Clip(r.article().title(), 34).c_str(),
                Clip(Join(
                         r.countries(), [](const auto& c) { return c.code(); }, 4),
                     16)
                    .c_str(),
                Clip(Join(
                         r.persons(), [](const auto& p) { return p.name(); }, 2),
                     26)
                    .c_str(),
                Clip(Join(
                         r.themes(), [](const auto& t) { return t; }, 3),
                     22)
                    .c_str(),
                event.c_str());
  }
}

// Reads back the dead letters this run wrote, for the summary.
void PrintDeadLetters(const std::string& brokers, const std::string& topic, int64_t expected) {
  std::printf("\nDead letters (%lld)\n", static_cast<long long>(expected));
  if (expected == 0) return;
  auto consumer = kafka::Consumer::Create(
      kafka::ConsumerProperties(brokers, "herald-demo-dlq-" + std::to_string(getpid())), {topic});
  if (!consumer) return;
  int64_t seen = 0;
  for (int i = 0; i < 50 && seen < expected; ++i) {
    auto batch = (*consumer)->Poll(100, std::chrono::milliseconds(200));
    if (!batch) break;
    for (const kafka::Record& r : *batch) {
      ++seen;
      std::printf("  %-28s %-18s %s\n", Clip(std::string(r.key()), 28).c_str(),
                  std::string(r.header(header::kDlqErrorCode).value_or("")).c_str(),
                  std::string(r.header(header::kDlqReason).value_or("")).c_str());
    }
  }
  (*consumer)->Close();
}

}  // namespace

void AddDemoOptions(CLI::App* app, DemoOptions* o) {
  app->add_option("--brokers", o->brokers, "Run against this Kafka cluster instead of the in-process one");
  app->add_option("--samples", o->samples_dir, "Directory of articles to run (default: herald's bundled samples)")
      ->check(CLI::ExistingDirectory);
  app->add_option("--rules", o->rules_path, "Alert rules (default: alert-rules.yaml in the samples directory)")
      ->check(CLI::ExistingFile);
  app->add_option("--sqlite", o->sqlite_path, "SQLite file to write (replaced)")->capture_default_str();
  app->add_option("--timeout", o->timeout_s, "Seconds to wait for the pipeline to drain")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
}

int RunDemo(const DemoOptions& options) {
  std::string samples = FindSamples(options.samples_dir);
  std::string rules = options.rules_path.empty() ? samples + "/alert-rules.yaml" : options.rules_path;
  Topics topics;
  std::unique_ptr<kafka::MockCluster> mock;
  std::string brokers = options.brokers;
  if (brokers.empty()) {
    auto started = kafka::MockCluster::Start(1);
    if (!started) {
      std::cerr << "herald demo: " << started.error().reason << "\n";
      return 1;
    }
    mock = std::move(*started);
    brokers = mock->bootstrap_servers();
    for (const std::string* t : {&topics.raw, &topics.events, &topics.alerts, &topics.dlq}) {
      if (Status s = mock->CreateTopic(*t, 3); !s) {
        std::cerr << "herald demo: " << s.error().reason << "\n";
        return 1;
      }
    }
  } else if (Status s = kafka::EnsureTopics(kafka::ProducerProperties(brokers),
                                            {topics.raw, topics.events, topics.alerts, topics.dlq}, 3);
             !s) {
    std::cerr << "herald demo: " << s.error().reason << "\n";
    return 1;
  }
  std::printf("herald demo: Kafka at %s (%s), samples from %s\n", brokers.c_str(),
              mock ? "in-process mock cluster" : "external cluster", samples.c_str());

  std::error_code ec;
  const std::string alert_state = options.sqlite_path + ".alert-state";
  for (const std::string& file : {options.sqlite_path, alert_state}) {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(file + suffix, ec);
  }
  std::string run = std::to_string(getpid());
  StageMetrics processed("processor"), stored("store"), alerted("alert");
  std::vector<v1::Alert> alerts;
  std::mutex alerts_mutex;
  std::stop_source stop;
  std::atomic<bool> failed{false};
  auto run_stage = [&](const char* name, auto fn) {
    return std::jthread([&, name, fn] {
      if (Status s = fn(); !s) {
        std::cerr << "herald demo: " << name << " failed: " << s.error().reason << "\n";
        failed = true;
      }
    });
  };

  ProcessorOptions p;
  p.kafka.brokers = brokers;
  p.group = "herald-demo-processor-" + run;
  StoreOptions st;
  st.kafka.brokers = brokers;
  st.group = "herald-demo-store-" + run;
  st.database.sqlite_path = options.sqlite_path;
  AlertOptions al;
  al.kafka.brokers = brokers;
  al.group = "herald-demo-alert-" + run;
  al.rules_path = rules;
  al.state_path = alert_state;

  ProduceSummary produced;
  {
    std::vector<std::jthread> stages;
    stages.push_back(
        run_stage("processor", [&] { return RunProcessor(p, {.stop = stop.get_token(), .metrics = &processed}); }));
    stages.push_back(run_stage("store", [&] { return RunStore(st, {.stop = stop.get_token(), .metrics = &stored}); }));
    stages.push_back(run_stage("alert", [&] {
      return RunAlert(al, {.stop = stop.get_token(), .metrics = &alerted}, [&](const v1::Alert& a) {
        std::lock_guard lock(alerts_mutex);
        alerts.push_back(a);
      });
    }));

    ProduceOptions pr;
    pr.kafka.brokers = brokers;
    pr.inputs = {samples};
    pr.source = "herald-samples";
    auto summary = RunProduce(pr);
    if (!summary) {
      std::cerr << "herald demo: produce failed: " << summary.error().reason << "\n";
      stop.request_stop();
      return 1;
    }
    produced = *summary;
    std::printf("produced %lld articles (%lld bytes) to %s\n", static_cast<long long>(produced.delivered),
                static_cast<long long>(produced.bytes), topics.raw.c_str());

    auto drained = [&] {
      int64_t events = processed.records_out.value();
      return processed.committed.value() >= produced.delivered && stored.committed.value() >= events &&
             alerted.committed.value() >= events;
    };
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(options.timeout_s);
    while (!drained() && !failed && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (!drained()) {
      std::cerr << "herald demo: the pipeline did not drain within " << options.timeout_s << " s\n";
      failed = true;
    }
    stop.request_stop();
  }

  auto store = SqliteEventStore::Open(options.sqlite_path);
  auto records = store ? (*store)->ReadAll() : Result<std::vector<v1::EventRecord>>(Unexpected(store.error()));
  if (!records) {
    std::cerr << "herald demo: " << records.error().reason << "\n";
    return 1;
  }
  PrintEvents(*records);
  std::printf("\nAlerts fired (%zu)\n", alerts.size());
  for (const v1::Alert& a : alerts) std::printf("  %s\n", FormatAlertLine(a).c_str());
  PrintDeadLetters(brokers, topics.dlq, processed.dead_lettered.value());
  std::printf("\nStored %zu event records in %s\n", records->size(),
              fs::absolute(options.sqlite_path).string().c_str());
  std::printf(
      "  try: sqlite3 %s \"SELECT e.source_code, e.cameo_code, e.target_code, a.title FROM events e "
      "JOIN articles a ON a.seq = e.article_seq\"\n",
      options.sqlite_path.c_str());
  return failed ? 1 : 0;
}

}  // namespace herald

namespace herald {

Command DemoCommand() {
  auto o = std::make_shared<DemoOptions>();
  return {.path = {"demo"},
          .help = "Run the whole pipeline on the bundled samples, no broker needed",
          .arguments = [o](CLI::App* app) { AddDemoOptions(app, o.get()); },
          .run = [o](const CommandContext&) { return RunDemo(*o); }};
}

}  // namespace herald
