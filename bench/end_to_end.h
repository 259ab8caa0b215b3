// end_to_end.h: `herald bench`, the end-to-end load tool: herald's processor
// and the passthrough baseline (bench/passthrough.h), each as its own process
// against the same real broker in the same run.
//
//   herald bench --brokers 127.0.0.1:9092 --articles 50000
//
// For each of the two stages: N articles (the Reuters corpus as JSON envelopes
// when ../shared has it, else the given files, else herald's samples, cycled
// to N with unique keys) are produced to a fresh raw topic; the stage is
// started and its /metrics scraped every 200 ms until it has committed them
// all: sustained articles/s and MB/s (from the first commit to the last),
// CPU seconds per 1,000 articles, peak RSS, the largest consumer lag seen.
// Then articles are produced at a fixed rate (default: half the processor's
// sustained rate) and each output's latency is measured from the produce time
// carried in the herald-produced-at-us header to its arrival at a
// read_committed consumer: p50, p99, p99.9. The report ends with the ratio
// herald / passthrough.
// Failure: a stage that does not finish within the time bound is reported and
// the exit status is 1.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/options.h"
#include "core/settings.h"

namespace CLI {
class App;
}

namespace herald {

struct BenchOptions {
  // Brokers, the tuning preset of the stages and of the bench's own clients, and
  // pass-through properties for all of them.
  KafkaOptions kafka;
  std::vector<std::string> inputs;  // files or directories; empty: Reuters, else samples
  std::string reuters_dir = "../shared/corpus/reuters21578";
  int64_t articles = 20000;
  int partitions = 2;
  size_t batch_size = 1000;  // the processor's default
  Delivery delivery = Delivery::kExactlyOnce;
  size_t threads = 0;        // the processor's extraction threads (0: one per CPU)
  int64_t latency_rate = 0;  // articles/s; 0: half the processor's sustained rate
  int latency_seconds = 10;
  bool skip_passthrough = false;
  bool store = false;       // also run the store (SQLite) on the processor's events
  std::string latency_csv;  // when set, both latency histograms as CSV (for docs/)
  int timeout_s = 600;
  std::string herald_binary;  // the binary to run the stages with (main sets its own)
};

void DeclareBenchSettings(SettingsTable& table, BenchOptions* options);
// The articles to send (files, directories), which are per run, not settings.
void AddBenchArguments(CLI::App* app, BenchOptions* options);
int RunBench(const BenchOptions& options);

}  // namespace herald
