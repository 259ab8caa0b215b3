#include "bench/end_to_end.h"

#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <thread>

#include "core/admin_server.h"
#include "core/article_source.h"
#include "core/clock.h"
#include "core/corpus.h"
#include "core/kafka.h"
#include "core/kafka_admin.h"
#include "core/options.h"
#include "core/record_format.h"

extern char** environ;

namespace herald {
namespace {

using Clock = std::chrono::steady_clock;

struct Article {
  std::string bytes, content_type;
};

// The bench's pass-through Kafka properties (-X, HERALD_KAFKA_*) go to the stages it starts too.
void AddKafkaProperties(const BenchOptions& o, std::vector<std::string>* args) {
  for (const auto& [name, value] : o.kafka.properties) args->insert(args->end(), {"-X", name + "=" + value});
}

std::vector<Article> LoadCorpus(const BenchOptions& o) {
  std::vector<Article> out;
  if (o.inputs.empty()) {
    // Each copy of a story is a new article (its id the message key), so the
    // store inserts, as on a real stream, rather than replacing 3,569 rows.
    if (auto reuters = ReutersEnvelopes(o.reuters_dir, EnvelopeIds::kNone)) {
      for (std::string& e : *reuters) out.push_back({std::move(e), "application/json"});
      std::printf("corpus: %zu Reuters-21578 stories from %s, as JSON envelopes\n", out.size(), o.reuters_dir.c_str());
      return out;
    }
  }
  std::vector<std::string> inputs = o.inputs.empty() ? std::vector<std::string>{"samples"} : o.inputs;
  if (auto articles = ReadArticles(inputs, ArticleFormat::kAuto)) {
    for (SourceArticle& a : *articles) out.push_back({std::move(a.bytes), a.content_type});
  }
  std::printf("corpus: %zu articles from %s\n", out.size(), inputs.front().c_str());
  return out;
}

// One stage as a child process, its stderr in a log file.
class Child {
 public:
  Child(std::vector<std::string> args, const std::string& log) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~Child() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  bool running() const { return pid_ > 0 && ::waitpid(pid_, nullptr, WNOHANG) == 0; }

 private:
  pid_t pid_ = -1;
};

// The sum of a metric's series in a Prometheus page (-1 when absent).
double SumOf(const std::string& page, const std::string& name) {
  double sum = -1;
  size_t at = 0;
  while ((at = page.find("\n" + name, at)) != std::string::npos) {
    at += 1;
    size_t end = page.find('\n', at);
    std::string line = page.substr(at, end - at);
    char next = line.size() > name.size() ? line[name.size()] : ' ';
    if (next != '{' && next != ' ') continue;
    sum = std::max(sum, 0.0) + std::stod(line.substr(line.rfind(' ') + 1));
  }
  return sum;
}

struct Sample {
  double t, committed, rss, cpu, lag;
};

struct StageResult {
  std::string stage;
  bool finished = false;
  double rate = 0, mb_per_s = 0, cpu_per_1k = 0, peak_rss_mib = 0, max_lag = 0;
  std::vector<double> latencies_ms;
  double latency_rate = 0;
  // The processor's inputs and outputs, for the store run: the articles' mean
  // size, the topics and how many events it wrote.
  double bytes_per_article = 0;
  std::string events_topic, dlq_topic;
  double events_out = 0;
};

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
}

Status ProduceArticles(kafka::Producer& producer, const std::string& topic, const std::vector<Article>& corpus,
                       int64_t first, int64_t count, double rate) {
  const auto start = Clock::now();
  for (int64_t i = 0; i < count; ++i) {
    if (rate > 0) {
      auto due = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(i / rate));
      std::this_thread::sleep_until(due);
    }
    const Article& a = corpus[static_cast<size_t>((first + i) % static_cast<int64_t>(corpus.size()))];
    std::string key = "bench-" + std::to_string(first + i);
    kafka::Headers headers = {{std::string(header::kContentType), a.content_type},
                              {std::string(header::kArticleId), key},
                              {std::string(header::kProducedAtUs), std::to_string(NowMicros())}};
    if (Status s = producer.Produce(topic, key, a.bytes, headers); !s) return s;
  }
  return producer.Flush(std::chrono::seconds(120));
}

// Scrapes a stage's /metrics every 200 ms until it has committed `expected`
// records: the sustained rate from the first commit to the last (and MB/s at
// `bytes_per_record`), CPU per 1k records, peak RSS and the largest lag.
// False when the stage stopped or the run's time ran out first.
bool MeasureThroughput(const BenchOptions& o, const Child& child, int port, double expected, double bytes_per_record,
                       StageResult* result) {
  httplib::Client admin("127.0.0.1", port);
  std::vector<Sample> samples;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::seconds(o.timeout_s);
  while (Clock::now() < deadline && child.running()) {
    auto r = admin.Get("/metrics");
    if (r && r->status == 200) {
      samples.push_back({std::chrono::duration<double>(Clock::now() - start).count(),
                         SumOf(r->body, "herald_records_committed_total"),
                         SumOf(r->body, "process_resident_memory_bytes"), SumOf(r->body, "process_cpu_seconds_total"),
                         SumOf(r->body, "herald_consumer_lag")});
      if (samples.back().committed >= expected) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  if (samples.empty() || samples.back().committed < expected) return false;
  // The window starts at the last scrape before anything was committed (the stage was up, nothing done yet).
  auto first = std::find_if(samples.begin(), samples.end(), [](const Sample& s) { return s.committed > 0; });
  if (first != samples.begin()) --first;
  const Sample& last = samples.back();
  const double seconds = last.t - first->t;
  const double records = last.committed - first->committed;
  result->rate = records / seconds;
  result->mb_per_s = result->rate * bytes_per_record / 1e6;
  result->cpu_per_1k = (last.cpu - first->cpu) / records * 1000;
  for (const Sample& s : samples) {
    result->peak_rss_mib = std::max(result->peak_rss_mib, s.rss / (1 << 20));
    result->max_lag = std::max(result->max_lag, s.lag);
  }
  return true;
}

StageResult RunStage(const BenchOptions& o, const std::string& stage, const std::vector<Article>& corpus,
                     double latency_rate) {
  StageResult result{.stage = stage};
  const std::string run = stage + "-" + std::to_string(::getpid()) + "-" + std::to_string(NowMicros() % 1000000);
  Topics topics{.raw = "bench-raw-" + run,
                .events = "bench-out-" + run,
                .alerts = "bench-alerts-" + run,
                .dlq = "bench-dlq-" + run};
  if (Status s =
          kafka::EnsureTopics(o.kafka.ProducerProperties(), {topics.raw, topics.events, topics.dlq}, o.partitions);
      !s) {
    std::fprintf(stderr, "herald bench: %s\n", s.error().reason.c_str());
    return result;
  }
  auto producer = kafka::Producer::Create(o.kafka.ProducerProperties());
  if (!producer) return result;
  int64_t bytes = 0;
  for (int64_t i = 0; i < o.articles; ++i) bytes += static_cast<int64_t>(corpus[i % corpus.size()].bytes.size());
  const auto produce_start = Clock::now();
  if (Status s = ProduceArticles(**producer, topics.raw, corpus, 0, o.articles, 0); !s) {
    std::fprintf(stderr, "herald bench: produce: %s\n", s.error().reason.c_str());
    return result;
  }
  std::printf("%-12s produced %lld articles (%.1f MB) in %.2f s\n", stage.c_str(), static_cast<long long>(o.articles),
              bytes / 1e6, std::chrono::duration<double>(Clock::now() - produce_start).count());

  const int port = FreeLoopbackPort();
  std::vector<std::string> args = {o.herald_binary,  stage == "herald" ? "process" : "passthrough",
                                   "--brokers",      o.kafka.brokers,
                                   "--raw-topic",    topics.raw,
                                   "--events-topic", topics.events,
                                   "--group",        "bench-" + run,
                                   "--batch-size",   std::to_string(o.batch_size),
                                   "--delivery",     std::string(NameOf(o.delivery, kDeliveryNames)),
                                   "--instance-id",  run,
                                   "--admin-port",   std::to_string(port),
                                   "--tuning",       std::string(NameOf(o.kafka.tuning, kafka::kTuningNames))};
  AddKafkaProperties(o, &args);
  if (stage == "herald") {
    args.insert(args.end(), {"--dlq-topic", topics.dlq, "--log-level", "warn", "--admin-host", "127.0.0.1", "-X",
                             "statistics.interval.ms=1000", "--threads", std::to_string(o.threads)});
  }
  const std::string log = "/tmp/herald-bench-" + run + ".log";
  Child child(args, log);
  result.bytes_per_article = static_cast<double>(bytes) / static_cast<double>(o.articles);
  if (!MeasureThroughput(o, child, port, static_cast<double>(o.articles), result.bytes_per_article, &result)) {
    std::fprintf(stderr, "herald bench: %s did not finish (log: %s)\n", stage.c_str(), log.c_str());
    return result;
  }

  // Latency at a fixed rate, on the same running stage.
  result.latency_rate = latency_rate > 0 ? latency_rate : result.rate / 2;
  const int64_t count = static_cast<int64_t>(result.latency_rate * o.latency_seconds);
  auto consumer = kafka::Consumer::Create(o.kafka.ConsumerProperties("bench-reader-" + run), {topics.events});
  if (!consumer) return result;
  // The reader joins its group and reads past the throughput run's outputs
  // before the paced run starts: records waiting for a group join would count
  // the join in their latency.
  const auto join_deadline = Clock::now() + std::chrono::seconds(60);
  for (int64_t read = 0, idle = 0; idle < 3 && Clock::now() < join_deadline;) {
    auto batch = (*consumer)->Poll(5000, std::chrono::milliseconds(500));
    if (!batch) return result;
    read += static_cast<int64_t>(batch->size());
    idle = batch->empty() && read > 0 ? idle + 1 : 0;
  }
  const int64_t phase_start_us = NowMicros();
  std::atomic<bool> producing{true};
  std::jthread paced([&] {
    (void)ProduceArticles(**producer, topics.raw, corpus, o.articles, count, result.latency_rate);
    producing = false;
  });
  const auto latency_deadline = Clock::now() + std::chrono::seconds(o.latency_seconds + 60);
  // Rejected articles (dead-lettered) have no output: stop once production is
  // over and nothing has arrived for 3 s.
  auto last_arrival = Clock::now();
  while (static_cast<int64_t>(result.latencies_ms.size()) < count && Clock::now() < latency_deadline &&
         (producing || Clock::now() - last_arrival < std::chrono::seconds(3))) {
    auto batch = (*consumer)->Poll(5000, std::chrono::milliseconds(100));
    if (!batch) break;
    if (!batch->empty()) last_arrival = Clock::now();
    const int64_t now_us = NowMicros();
    for (const kafka::Record& r : *batch) {
      auto produced = r.header(header::kProducedAtUs);
      if (!produced) continue;
      int64_t at = std::stoll(std::string(*produced));
      if (at >= phase_start_us) result.latencies_ms.push_back((now_us - at) / 1000.0);
    }
  }
  paced.join();
  (*consumer)->Close();
  result.finished = !result.latencies_ms.empty();
  if (auto page = httplib::Client("127.0.0.1", port).Get("/metrics"); page && page->status == 200) {
    result.events_out = SumOf(page->body, "herald_records_out_total");
  }
  result.events_topic = topics.events;
  result.dlq_topic = topics.dlq;
  return result;
}

// The store (SQLite in a scratch file) on everything the processor run wrote.
StageResult RunStore(const BenchOptions& o, const StageResult& processor) {
  StageResult result{.stage = "store"};
  const std::string run = "store-" + std::to_string(::getpid()) + "-" + std::to_string(NowMicros() % 1000000);
  const std::string db = "/tmp/herald-bench-" + run + ".db";
  const std::string log = "/tmp/herald-bench-" + run + ".log";
  const int port = FreeLoopbackPort();
  {
    std::vector<std::string> args = {o.herald_binary,  "store",
                                     "--brokers",      o.kafka.brokers,
                                     "--events-topic", processor.events_topic,
                                     "--dlq-topic",    processor.dlq_topic,
                                     "--group",        "bench-" + run,
                                     "--sqlite",       db,
                                     "--batch-size",   std::to_string(o.batch_size),
                                     "--admin-port",   std::to_string(port),
                                     "--admin-host",   "127.0.0.1",
                                     "--log-level",    "warn",
                                     "--tuning",       std::string(NameOf(o.kafka.tuning, kafka::kTuningNames))};
    AddKafkaProperties(o, &args);
    Child child(args, log);
    result.finished = MeasureThroughput(o, child, port, processor.events_out, processor.bytes_per_article, &result);
    if (!result.finished) std::fprintf(stderr, "herald bench: the store did not finish (log: %s)\n", log.c_str());
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((db + suffix).c_str());
  return result;
}

}  // namespace

void DeclareBenchSettings(SettingsTable& t, BenchOptions* o) {
  DeclareKafkaSettings(t, &o->kafka);
  t.Add("bench.reuters", &o->reuters_dir, "Reuters-21578 directory (*.sgm), the default corpus.").Flag("--reuters");
  t.Add("bench.articles", &o->articles, "Articles per throughput run.").Flag("--articles").Range(1, 100'000'000);
  t.Add("bench.partitions", &o->partitions, "Partitions of the bench topics.").Flag("--partitions").Range(1, 1000);
  t.Add("bench.batch_size", &o->batch_size, "The stages' batch size.").Flag("--batch-size").Range(1, 100000);
  t.Add("bench.delivery", BindEnum(&o->delivery, kDeliveryNames), "The processor's and the passthrough's delivery.")
      .Flag("--delivery");
  t.Add("bench.threads", &o->threads, "The processor's extraction threads (0: one per CPU).")
      .Flag("--threads")
      .Range(0, 256);
  t.Add("bench.latency_rate", &o->latency_rate, "Articles/s for the latency run (0: half the sustained rate).")
      .Flag("--latency-rate")
      .Range(0, 10'000'000);
  t.Add("bench.latency_seconds", &o->latency_seconds, "Length of the latency run.")
      .Flag("--latency-seconds")
      .Range(1, 3600);
  t.Add("bench.skip_passthrough", &o->skip_passthrough, "Skip the passthrough baseline.").Flag("--no-passthrough");
  t.Add("bench.store", &o->store, "Also run the store (SQLite) on the processor's events.").Flag("--store");
  t.Add("bench.latency_csv", &o->latency_csv, "Write the latency histograms here (CSV).").Flag("--latency-csv");
  t.Add("bench.timeout_s", &o->timeout_s, "Seconds allowed per throughput run.").Flag("--timeout").Range(1, 86400);
}

void AddBenchArguments(CLI::App* app, BenchOptions* o) {
  app->add_option("inputs", o->inputs, "Articles to use (files, directories); default: Reuters, else samples");
}

int RunBench(const BenchOptions& o) {
  std::vector<Article> corpus = LoadCorpus(o);
  if (corpus.empty()) {
    std::fprintf(stderr, "herald bench: no articles to send\n");
    return 2;
  }
  std::vector<StageResult> results;
  results.push_back(RunStage(o, "herald", corpus, o.latency_rate));
  const double rate = o.latency_rate > 0 ? o.latency_rate : results.front().rate / 2;
  if (!o.skip_passthrough) results.push_back(RunStage(o, "passthrough", corpus, rate));
  if (o.store && results.front().events_out > 0) results.push_back(RunStore(o, results.front()));

  std::printf("\n%-12s %12s %8s %12s %10s %10s %10s %9s %9s %9s\n", "STAGE", "ARTICLES/S", "MB/S", "CPU S/1K",
              "PEAK RSS", "MAX LAG", "AT RATE", "P50 MS", "P99 MS", "P99.9 MS");
  bool ok = true;
  for (const StageResult& r : results) {
    ok &= r.finished;
    std::printf("%-12s %12.0f %8.2f %12.3f %7.1f MiB %10.0f", r.stage.c_str(), r.rate, r.mb_per_s, r.cpu_per_1k,
                r.peak_rss_mib, r.max_lag);
    if (r.latencies_ms.empty()) {
      std::printf(" %10s %9s %9s %9s", "-", "-", "-", "-");
    } else {
      std::printf(" %10.0f %9.2f %9.2f %9.2f", r.latency_rate, Percentile(r.latencies_ms, 0.5),
                  Percentile(r.latencies_ms, 0.99), Percentile(r.latencies_ms, 0.999));
    }
    std::printf("%s\n", r.finished ? "" : "  (incomplete)");
  }
  if (!o.skip_passthrough && results.size() >= 2 && results[1].rate > 0) {
    std::printf("herald / passthrough: %.2f of the baseline's articles/s\n", results[0].rate / results[1].rate);
  }
  if (!o.latency_csv.empty()) {
    std::ofstream csv(o.latency_csv);
    csv << "stage,latency_ms_upper,count\n";
    for (const StageResult& r : results) {
      for (double upper = 0.5; upper <= 4096; upper *= 2) {
        auto n = std::count_if(r.latencies_ms.begin(), r.latencies_ms.end(),
                               [&](double v) { return v <= upper && v > upper / 2; });
        csv << r.stage << "," << upper << "," << n << "\n";
      }
    }
  }
  return ok ? 0 : 1;
}

}  // namespace herald
