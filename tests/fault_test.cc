// Fault tests against the real broker (label "fault"): herald daemons run as
// child processes and are killed with SIGKILL while 10,000 articles stream
// through. Afterwards a read_committed reader must see every article's event
// exactly once, and the store must hold every row.
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <map>
#include <set>

#include "consumers/store/sqlite_store.h"
#include "core/admin_server.h"
#include "core/kafka.h"
#include "core/kafka_admin.h"
#include "core/scoped_temp_dir.h"
#include "producers/produce.h"
#include "tests/kafka_test_support.h"

namespace herald {
namespace {

using testing::Brokers;
using testing::Daemon;
using testing::ReadTopic;
using testing::WaitFor;

constexpr int kArticles = 10000;
constexpr int kChunks = 10;

class FaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::getenv("HERALD_TEST_KAFKA_DIR")) GTEST_SKIP() << "run under ctest, whose kafka fixture starts the broker";
    brokers_ = Brokers();
    ASSERT_FALSE(brokers_.empty());
    std::string suffix =
        std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" + std::to_string(::getpid());
    topics_ = {"raw-" + suffix, "events-" + suffix, "alerts-" + suffix, "dlq-" + suffix};
    ASSERT_TRUE(kafka::EnsureTopics(kafka::ProducerProperties(brokers_),
                                    {topics_.raw, topics_.events, topics_.alerts, topics_.dlq}, 3));
    // Ten files of 1,000 distinct one-line articles each.
    for (int c = 0; c < kChunks; ++c) {
      std::string lines;
      for (int i = c * (kArticles / kChunks); i < (c + 1) * (kArticles / kChunks); ++i) {
        lines += "{\"id\":\"fault-" + std::to_string(i) + "\",\"title\":\"Report " + std::to_string(i) +
                 "\",\"body\":\"Officials in Japan and China met in Tokyo on trade, story " + std::to_string(i) +
                 ".\"}\n";
      }
      chunks_.push_back(dir_.Write("chunk-" + std::to_string(c) + ".ndjson", lines));
    }
  }

  std::vector<std::string> DaemonArgs(const std::string& command, const std::string& group) {
    return {HERALD_BINARY,    command,        "--log-level", "warn",      "--admin-port",   "0",
            "--brokers",      brokers_,       "--raw-topic", topics_.raw, "--events-topic", topics_.events,
            "--alerts-topic", topics_.alerts, "--dlq-topic", topics_.dlq, "--group",        group};
  }

  void Produce(const std::string& file) {
    ProduceOptions o;
    o.kafka.brokers = brokers_;
    o.topics = topics_;
    o.inputs = {file};
    auto summary = RunProduce(o);
    ASSERT_TRUE(summary) << summary.error().reason;
    ASSERT_EQ(summary->delivered, kArticles / kChunks);
  }

  // Events on the topic, read_committed: how many in all, how many distinct keys.
  std::pair<size_t, size_t> CountEvents() {
    auto events = ReadTopic(brokers_, topics_.events, kArticles, std::chrono::seconds(180));
    std::set<std::string> keys;
    for (const auto& e : events) keys.insert(e.key);
    return {events.size(), keys.size()};
  }

  std::string brokers_;
  Topics topics_;
  ScopedTempDir dir_{"herald-fault-test"};
  std::vector<std::string> chunks_;
};

TEST_F(FaultTest, ProcessorKilledRepeatedlyLosesAndDuplicatesNothing) {
  std::vector<std::string> args = DaemonArgs("process", "processor-" + topics_.raw);
  args.insert(args.end(), {"--instance-id", "fault-processor", "--batch-size", "200"});
  Daemon processor(args, (dir_.path() / "processor.log").string());
  int kills = 0;
  for (int c = 0; c < kChunks; ++c) {
    Produce(chunks_[c]);
    if (c % 3 == 1) {
      processor.Kill9();
      ++kills;
      processor.Start();
    }
  }
  auto [total, distinct] = CountEvents();
  std::printf("processor killed %d times: %zu events read_committed, %zu distinct\n", kills, total, distinct);
  EXPECT_EQ(distinct, static_cast<size_t>(kArticles));
  EXPECT_EQ(total, static_cast<size_t>(kArticles)) << "duplicates on the events topic";
  EXPECT_EQ(processor.Terminate(), 0) << "SIGTERM should drain, commit and exit 0";
}

TEST_F(FaultTest, StoreKilledRepeatedlyStoresEveryRowOnce) {
  std::vector<std::string> args = DaemonArgs("process", "processor-" + topics_.raw);
  args.insert(args.end(), {"--instance-id", "fault-processor-2"});
  Daemon processor(args, (dir_.path() / "processor.log").string());
  std::string db = (dir_.path() / "events.db").string();
  std::vector<std::string> store_args = DaemonArgs("store", "store-" + topics_.raw);
  store_args.insert(store_args.end(), {"--sqlite", db, "--batch-size", "300"});
  Daemon store(store_args, (dir_.path() / "store.log").string());
  int kills = 0;
  for (int c = 0; c < kChunks; ++c) {
    Produce(chunks_[c]);
    if (c % 3 == 1) {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      store.Kill9();
      ++kills;
      store.Start();
    }
  }
  int64_t rows = 0;
  EXPECT_TRUE(WaitFor(
      [&] {
        auto s = SqliteEventStore::Open(db);
        if (!s) return false;
        auto n = (*s)->Count();
        rows = n ? *n : 0;
        return rows >= kArticles;
      },
      std::chrono::seconds(180)));
  std::printf("store killed %d times: %lld rows\n", kills, static_cast<long long>(rows));
  EXPECT_EQ(rows, kArticles);
  EXPECT_EQ(store.Terminate(), 0);
  EXPECT_EQ(processor.Terminate(), 0);
}

// The HTTP status of the admin endpoint at port, path; -1 when nothing answers.
int AdminStatus(int port, const char* path) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(5);
  auto r = client.Get(path);
  return r ? r->status : -1;
}

TEST_F(FaultTest, BrokerRestartMidStreamDaemonsReconnectAndLoseNothing) {
  std::vector<std::string> args = DaemonArgs("process", "processor-" + topics_.raw);
  const int admin_port = FreeLoopbackPort();
  args.insert(args.end(), {"--instance-id", "fault-processor-3", "--admin-port", std::to_string(admin_port), "-X",
                           "statistics.interval.ms=500"});
  Daemon processor(args, (dir_.path() / "processor.log").string());
  const std::string script = std::string(HERALD_SOURCE_DIR) + "/scripts/kafka-local.sh";
  const std::string kafka_dir = std::getenv("HERALD_TEST_KAFKA_DIR");
  for (int c = 0; c < kChunks; ++c) {
    if (c == kChunks / 2) {
      ASSERT_TRUE(WaitFor([&] { return AdminStatus(admin_port, "/readyz") == 200; }));
      ASSERT_EQ(std::system((script + " stop " + kafka_dir).c_str()), 0);
      // Readiness follows the broker, whether the processor is idle or blocked in a transaction.
      EXPECT_TRUE(WaitFor([&] { return AdminStatus(admin_port, "/readyz") == 503; }, std::chrono::seconds(60)));
      EXPECT_EQ(AdminStatus(admin_port, "/healthz"), 200) << "alive all the same: nothing to restart";
      ASSERT_EQ(std::system((script + " restart " + kafka_dir + " >/dev/null").c_str()), 0);
      EXPECT_TRUE(WaitFor([&] { return AdminStatus(admin_port, "/readyz") == 200; }, std::chrono::seconds(90)));
    }
    Produce(chunks_[c]);
  }
  auto [total, distinct] = CountEvents();
  std::printf("broker restarted once mid-stream: %zu events read_committed, %zu distinct\n", total, distinct);
  EXPECT_EQ(distinct, static_cast<size_t>(kArticles));
  EXPECT_EQ(total, static_cast<size_t>(kArticles));
  EXPECT_EQ(processor.Terminate(), 0);
}

TEST_F(FaultTest, TwoProcessorsOneLeavesAndRejoinsNoLossNoDuplicates) {
  std::string group = "processor-" + topics_.raw;
  auto args_for = [&](const std::string& instance) {
    std::vector<std::string> args = DaemonArgs("process", group);
    args.insert(args.end(), {"--instance-id", instance, "--batch-size", "100"});
    return args;
  };
  Daemon first(args_for("fault-a"), (dir_.path() / "a.log").string());
  Daemon second(args_for("fault-b"), (dir_.path() / "b.log").string());
  for (int c = 0; c < kChunks; ++c) {
    Produce(chunks_[c]);
    if (c == 3) {
      EXPECT_EQ(second.Terminate(), 0) << "leaving the group cleanly";
    }
    if (c == 6) second.Start();
  }
  auto [total, distinct] = CountEvents();
  std::printf("two processors, one left and rejoined: %zu events read_committed, %zu distinct\n", total, distinct);
  EXPECT_EQ(distinct, static_cast<size_t>(kArticles));
  EXPECT_EQ(total, static_cast<size_t>(kArticles));
  EXPECT_EQ(first.Terminate(), 0);
  EXPECT_EQ(second.Terminate(), 0);
}

}  // namespace
}  // namespace herald
