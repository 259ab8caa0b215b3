// Each daemon started from the config file alone, against the real broker:
// probed (/healthz, /readyz), scraped (/metrics), its alert rules reloaded on
// SIGHUP, stopped with SIGTERM (exit 0); and a daemon fenced by a second
// instance with its identity stopping non-zero with the reason.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <regex>
#include <set>

#include "consumers/alert_state.h"
#include "core/admin_server.h"
#include "core/kafka_admin.h"
#include "core/scoped_temp_dir.h"
#include "herald/v1/event.pb.h"
#include "producers/produce.h"
#include "tests/http_sink.h"
#include "tests/kafka_test_support.h"

namespace herald {
namespace {

using testing::Daemon;
using ::testing::HasSubstr;
using testing::ReadFile;
using testing::Sample;
using testing::WaitFor;

class DaemonIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    brokers_ = testing::Brokers();
    if (brokers_.empty()) GTEST_SKIP() << "no local Kafka broker (HERALD_TEST_KAFKA_DIR unset)";
    const std::string suffix = std::to_string(::getpid());
    topics_ = {.raw = "daemon-raw-" + suffix,
               .events = "daemon-events-" + suffix,
               .alerts = "daemon-alerts-" + suffix,
               .dlq = "daemon-dlq-" + suffix};
    ASSERT_TRUE(kafka::EnsureTopics(kafka::ProducerProperties(brokers_),
                                    {topics_.raw, topics_.events, topics_.alerts, topics_.dlq}, 2));
    rules_ = dir_.Write("alert-rules.yaml", ReadFile("samples/alert-rules.yaml"));
    for (int& port : ports_) port = FreeLoopbackPort();
    config_ = dir_.Write("herald.yaml", R"(# as an operator would write it
brokers: )" + brokers_ + R"(
kafka:
  statistics.interval.ms: 500
topics:
  raw: )" + topics_.raw + R"(
  events: )" + topics_.events + R"(
  alerts: )" + topics_.alerts + R"(
  dlq: )" + topics_.dlq + R"(
log:
  level: info
  json: true
admin:
  host: 127.0.0.1
shutdown_timeout_s: 30
processor:
  group: processor-)" + suffix + R"(
  instance_id: daemon-test-)" + suffix + R"(
  admin_port: )" + std::to_string(ports_[0]) +
                                            R"(
store:
  group: store-)" + suffix + R"(
  sqlite: )" + (dir_.path() / "events.db").string() +
                                            R"(
  admin_port: )" + std::to_string(ports_[1]) +
                                            R"(
alert:
  group: alert-)" + suffix + R"(
  rules: )" + rules_ + R"(
  state: )" + (dir_.path() / "alert-state.db").string() +
                                            R"(
  admin_port: )" + std::to_string(ports_[2]) +
                                            R"(
)");
  }

  std::unique_ptr<Daemon> Start(const std::string& command, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {HERALD_BINARY, command, "--config", config_};
    args.insert(args.end(), extra.begin(), extra.end());
    return std::make_unique<Daemon>(args, Log(command));
  }
  std::string Log(const std::string& command) const { return (dir_.path() / (command + ".log")).string(); }

  static int Status(int port, const std::string& path) {
    httplib::Client client("127.0.0.1", port);
    auto r = client.Get(path.c_str());
    return r ? r->status : -1;
  }
  static std::string Scrape(int port) {
    httplib::Client client("127.0.0.1", port);
    auto r = client.Get("/metrics");
    return r && r->status == 200 ? r->body : "";
  }

  void Produce(const std::vector<std::string>& inputs) {
    ProduceOptions o;
    o.kafka.brokers = brokers_;
    o.topics = topics_;
    o.inputs = inputs;
    auto summary = RunProduce(o);
    ASSERT_TRUE(summary) << summary.error().reason;
  }

  std::string brokers_;
  Topics topics_;
  ScopedTempDir dir_{"herald-daemon-test"};
  std::string config_, rules_;
  int ports_[3] = {};
};

TEST_F(DaemonIntegrationTest, StartedFromTheConfigFileProbedScrapedReloadedAndStopped) {
  ASSERT_EQ(std::system((std::string(HERALD_BINARY) + " config check " + config_ + " > /dev/null").c_str()), 0);
  auto processor = Start("process");
  auto store = Start("store");
  auto alert = Start("alert");
  const std::vector<std::pair<std::string, int>> daemons = {
      {"process", ports_[0]}, {"store", ports_[1]}, {"alert", ports_[2]}};
  for (const auto& [command, port] : daemons) {
    EXPECT_TRUE(WaitFor([&] { return Status(port, "/readyz") == 200; })) << command << " never ready; its log:\n"
                                                                         << ReadFile(Log(command));
    EXPECT_EQ(Status(port, "/healthz"), 200) << command;
  }

  Produce({"samples/us-china-military-hotline.txt", "samples/japan-philippines-defence-pact.json",
           "samples/rejected/truncated-envelope.json"});
  ASSERT_TRUE(WaitFor([&] {
    return Sample(Scrape(ports_[1]), "herald_records_committed_total{stage=\"store\"}") >= 2 &&
           Sample(Scrape(ports_[2]), "herald_records_committed_total{stage=\"alert\"}") >= 2;
  })) << ReadFile(Log("store"));

  std::string processor_page = Scrape(ports_[0]);
  EXPECT_EQ(Sample(processor_page, "herald_records_in_total{stage=\"processor\"}"), 3);
  EXPECT_EQ(Sample(processor_page, "herald_records_out_total{stage=\"processor\"}"), 2);
  EXPECT_EQ(Sample(processor_page, "herald_dead_letters_total{stage=\"processor\",code=\"MALFORMED_JSON\"}"), 1);
  EXPECT_EQ(Sample(processor_page, "herald_record_latency_seconds_count{stage=\"processor\"}"), 3);
  EXPECT_GE(Sample(processor_page, "herald_sink_write_seconds_count{stage=\"processor\",sink=\"kafka\"}"), 1);
  EXPECT_GT(Sample(processor_page, "process_resident_memory_bytes"), 0);
  // Lag and queue depth come from librdkafka's statistics, every 500 ms here.
  EXPECT_TRUE(WaitFor([&] {
    std::string page = Scrape(ports_[0]);
    return page.find("herald_consumer_lag{stage=\"processor\",topic=\"" + topics_.raw + "\",partition=\"0\"}") !=
               std::string::npos &&
           page.find("herald_producer_queue_messages{stage=\"processor\"}") != std::string::npos;
  })) << Scrape(ports_[0]);
  std::string store_page = Scrape(ports_[1]);
  EXPECT_GE(Sample(store_page, "herald_sink_write_seconds_count{stage=\"store\",sink=\"sqlite\"}"), 1);
  EXPECT_EQ(Sample(store_page, "herald_records_out_total{stage=\"store\"}"), 2);

  // SIGHUP: a rule added to the file fires without a restart.
  std::ofstream(rules_, std::ios::app) << "  - name: reloaded-rule\n    keywords: [heliotrope]\n";
  alert->Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] { return ReadFile(Log("alert")).find("alert rules reloaded") != std::string::npos; }))
      << ReadFile(Log("alert"));
  std::string article =
      dir_.Write("reload.json", R"({"id":"reload-1","title":"Heliotrope fields","body":"Farmers in France )"
                                R"(planted heliotrope across the valley this spring."})");
  Produce({article});
  auto alerts = testing::ReadTopic(brokers_, topics_.alerts, 2, std::chrono::seconds(60));
  bool reloaded_rule_fired = false;
  for (const auto& a : alerts) reloaded_rule_fired |= a.key == "reloaded-rule/reload-1";
  EXPECT_TRUE(reloaded_rule_fired) << alerts.size() << " alerts";

  for (auto* daemon : {processor.get(), store.get(), alert.get()}) {
    EXPECT_EQ(daemon->Terminate(), 0) << "SIGTERM drains, commits and exits 0";
  }
  for (const auto& [command, port] : daemons) {
    std::string log = ReadFile(Log(command));
    EXPECT_THAT(log, HasSubstr("\"msg\":\"stopping\",\"signal\":\"SIGTERM\"")) << "JSON logs from the file";
    EXPECT_EQ(Status(port, "/healthz"), -1) << command << " no longer listens";
  }
}

TEST_F(DaemonIntegrationTest, AFencedProcessorStopsNonZeroWithTheReason) {
  auto first = Start("process");
  ASSERT_TRUE(WaitFor([&] { return Status(ports_[0], "/readyz") == 200; })) << ReadFile(Log("process"));
  // A second process with the same instance id (so the same transactional.id
  // and group.instance.id) fences the first: a fatal error for it.
  auto second = std::make_unique<Daemon>(
      std::vector<std::string>{HERALD_BINARY, "process", "--config", config_, "--admin-port", "0"}, Log("second"));
  Produce({"samples/us-china-military-hotline.txt"});
  EXPECT_EQ(first->WaitForExit(std::chrono::seconds(120)), 1) << ReadFile(Log("process"));
  EXPECT_THAT(ReadFile(Log("process")), ::testing::ContainsRegex("[Ff]enced"));
  EXPECT_EQ(second->Terminate(), 0) << ReadFile(Log("second"));
}

// Webhooks go through the outbox: an alerter killed while its deliveries are
// under way sends every one of them after its restart, and SIGTERM with
// deliveries still pending exits 0 within its grace period.
TEST_F(DaemonIntegrationTest, AnAlerterKilledDuringWebhookDeliveriesLosesNone) {
  testing::HttpSink slow(200, 0, std::chrono::milliseconds(400));  // one at a time: 2.5 deliveries a second
  const std::string rules = dir_.Write("webhook-rules.yaml",
                                       "rules:\n  - name: any-military\n    themes: [MILITARY]\n"
                                       "    webhook: " +
                                           slow.url() + "\n");
  // Topics and group of its own: the fixture's are shared by every test in this process.
  const std::string events = topics_.events + "-webhooks", alerts_topic = topics_.alerts + "-webhooks";
  ASSERT_TRUE(kafka::EnsureTopics(kafka::ProducerProperties(brokers_), {events, alerts_topic}, 2));
  const std::vector<std::string> own = {
      "--rules",        rules,        "--events-topic", events,
      "--alerts-topic", alerts_topic, "--group",        "alert-webhooks-" + topics_.raw};
  auto producer = kafka::Producer::Create(kafka::ProducerProperties(brokers_));
  ASSERT_TRUE(producer);
  constexpr int kAlerts = 8;
  for (int i = 0; i < kAlerts; ++i) {
    v1::EventRecord record;
    record.set_id("hook-" + std::to_string(i));
    record.add_themes("MILITARY");
    ASSERT_TRUE((*producer)->Produce(events, record.id(), record.SerializeAsString()));
  }
  ASSERT_TRUE((*producer)->Flush(std::chrono::seconds(30)));

  auto alert = Start("alert", own);
  ASSERT_TRUE(WaitFor([&] { return !slow.bodies().empty(); })) << ReadFile(Log("alert"));
  alert->Kill9();
  ASSERT_LT(slow.bodies().size(), static_cast<size_t>(kAlerts)) << "killed before it could deliver them all";

  alert = Start("alert", own);
  EXPECT_TRUE(WaitFor([&] {
    std::set<std::string> delivered;
    for (const std::string& body : slow.bodies()) {
      for (int i = 0; i < kAlerts; ++i) {
        if (body.find("\"any-military/hook-" + std::to_string(i) + "\"") != std::string::npos) delivered.insert(body);
      }
    }
    return delivered.size() == static_cast<size_t>(kAlerts);
  })) << slow.bodies().size()
      << " deliveries; the log:\n"
      << ReadFile(Log("alert"));
  auto alerts = testing::ReadTopic(brokers_, alerts_topic, kAlerts, std::chrono::seconds(30));
  std::set<std::string> keys;
  for (const auto& a : alerts) keys.insert(a.key);
  EXPECT_EQ(keys.size(), static_cast<size_t>(kAlerts)) << "every alert on the topic";
  EXPECT_EQ(alert->Terminate(), 0) << ReadFile(Log("alert"));
}

// A webhook endpoint that never answers holds up neither the alerts nor the
// shutdown: SIGTERM drains for alert.webhook_drain_s and exits 0, leaving the
// delivery in the outbox.
TEST_F(DaemonIntegrationTest, AHangingWebhookDelaysNeitherAlertsNorShutdown) {
  testing::HttpSink hanging(testing::HttpSink::kHang);
  const std::string rules = dir_.Write("hanging-rules.yaml",
                                       "rules:\n  - name: any-military\n    themes: [MILITARY]\n"
                                       "    webhook: " +
                                           hanging.url() + "\n");
  const std::string events = topics_.events + "-hanging", alerts_topic = topics_.alerts + "-hanging";
  ASSERT_TRUE(kafka::EnsureTopics(kafka::ProducerProperties(brokers_), {events, alerts_topic}, 1));
  auto producer = kafka::Producer::Create(kafka::ProducerProperties(brokers_));
  ASSERT_TRUE(producer);
  for (int i = 0; i < 20; ++i) {
    v1::EventRecord record;
    record.set_id("hang-" + std::to_string(i));
    record.add_themes("MILITARY");
    ASSERT_TRUE((*producer)->Produce(events, record.id(), record.SerializeAsString()));
  }
  ASSERT_TRUE((*producer)->Flush(std::chrono::seconds(30)));
  auto alert = Start("alert", {"--rules", rules, "--events-topic", events, "--alerts-topic", alerts_topic, "--group",
                               "alert-hanging-" + topics_.raw, "--webhook-drain", "3"});
  EXPECT_EQ(testing::ReadTopic(brokers_, alerts_topic, 20, std::chrono::seconds(60)).size(), 20u)
      << "every alert on the topic while its webhooks hang";
  EXPECT_EQ(alert->Terminate(std::chrono::seconds(25)), 0) << ReadFile(Log("alert"));
  auto state = AlertState::Open((dir_.path() / "alert-state.db").string());
  ASSERT_TRUE(state);
  EXPECT_EQ(*(*state)->PendingDeliveries(), 20) << "left in the outbox for the next start";
}

// Clients that open requests to the article API and never finish them hold
// its workers, not its probes: those are on the admin server.
TEST_F(DaemonIntegrationTest, SlowClientsOfTheArticleApiCannotSilenceItsProbes) {
  const int api = FreeLoopbackPort(), admin = FreeLoopbackPort();
  std::string config = dir_.Write("ingest.yaml", "brokers: " + brokers_ + "\ningest:\n  threads: 2\n");
  Daemon ingest({HERALD_BINARY, "ingest", "--config", config, "--port", std::to_string(api), "--admin-port",
                 std::to_string(admin)},
                Log("ingest"));
  ASSERT_TRUE(WaitFor([&] { return Status(admin, kReadinessPath) == 200; }, std::chrono::seconds(30)));
  std::vector<std::jthread> holders;
  for (int i = 0; i < 4; ++i) {
    holders.emplace_back([api] {
      httplib::Client c("127.0.0.1", api);
      c.set_read_timeout(8, 0);
      // A body promised and sent one byte at a time, slower than the API reads.
      c.Post(
          "/v1/articles",
          [](size_t offset, httplib::DataSink& sink) {
            if (offset >= 3) return false;
            std::this_thread::sleep_for(std::chrono::seconds(2));
            sink.write("{", 1);
            return true;
          },
          "application/json");
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  // Answered while every API worker is held (each slow request holds one for 6 s).
  auto probe = [admin](const char* path) {
    httplib::Client c("127.0.0.1", admin);
    c.set_read_timeout(3, 0);
    auto r = c.Get(path);
    return r ? r->status : -1;
  };
  EXPECT_EQ(probe(kLivenessPath), 200);
  EXPECT_EQ(probe(kReadinessPath), 200);
  EXPECT_THAT(Scrape(admin), HasSubstr("herald_records_out_total{stage=\"ingest\"}"));
  holders.clear();
  EXPECT_EQ(ingest.Terminate(), 0);
}

TEST_F(DaemonIntegrationTest, ABadConfigFileStopsTheDaemonBeforeItStarts) {
  std::string bad = dir_.Write("bad.yaml", "brokers: " + brokers_ + "\nstore:\n  batch_sise: 10\n");
  Daemon store({HERALD_BINARY, "store", "--config", bad}, Log("bad"));
  EXPECT_EQ(store.WaitForExit(std::chrono::seconds(30)), 2);
  EXPECT_THAT(ReadFile(Log("bad")), HasSubstr("bad.yaml:3: unknown key 'store.batch_sise' (did you mean "
                                              "'store.batch_size'?)"));
}

}  // namespace
}  // namespace herald
