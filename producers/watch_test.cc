// The directory watcher on the in-memory cluster: which files it produces,
// when, and where they go.
#include "producers/watch.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "core/fake_kafka.h"
#include "core/scoped_temp_dir.h"

namespace herald {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

void Write(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

class WatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_.CreateTopic("raw", 1);
    options_.topics.raw = "raw";
    options_.watch_dir = (dir_.path() / "in").string();
    options_.settle_ms = 300;
    fs::create_directories(options_.watch_dir);
  }
  void Start() {
    stage_ = std::jthread([this] {
      Status s = RunWatch(options_, {.stop = stop_.get_token(), .metrics = &metrics_, .cluster = &cluster_});
      EXPECT_TRUE(s) << s.error().reason;
    });
  }
  void TearDown() override {
    stop_.request_stop();
    if (stage_.joinable()) stage_.join();
  }
  // The ids of the articles on the raw topic, once there are `n` (or after 20 s).
  std::set<std::string> Produced(size_t n) {
    for (int i = 0; i < 400 && cluster_.Records("raw").size() < n; ++i) std::this_thread::sleep_for(50ms);
    std::set<std::string> ids;
    for (const kafka::Record& r : cluster_.Records("raw")) ids.insert(std::string(r.key()));
    return ids;
  }
  fs::path In(const std::string& name) const { return fs::path(options_.watch_dir) / name; }
  fs::path Done(const std::string& name) const { return fs::path(options_.watch_dir) / ".done" / name; }

  ScopedTempDir dir_{"herald-watch-test"};
  kafka::FakeCluster cluster_;
  ProduceOptions options_;
  StageMetrics metrics_{"producer"};
  std::stop_source stop_;
  std::jthread stage_;
};

TEST_F(WatchTest, CompleteFilesAreProducedOnceAndMovedAway) {
  // There before the watch began: produced by the first scan.
  Write(In("early.ndjson"), "{\"id\":\"e1\",\"body\":\"One.\"}\n{\"id\":\"e2\",\"body\":\"Two.\"}\n");
  Write(In(".hidden.json"), "{\"id\":\"hidden\",\"body\":\"No.\"}");
  Start();
  EXPECT_EQ(Produced(2), (std::set<std::string>{"e1", "e2"}));
  // Written in place and closed; written elsewhere and moved in; still partial.
  Write(In("closed.json"), "{\"id\":\"c1\",\"body\":\"Three.\"}");
  Write(dir_.path() / "moved.json", "{\"id\":\"m1\",\"body\":\"Four.\"}");
  fs::rename(dir_.path() / "moved.json", In("moved.json"));
  Write(In("growing.json.part"), "{\"id\":\"partial\",");
  EXPECT_EQ(Produced(4), (std::set<std::string>{"e1", "e2", "c1", "m1"}));
  for (int i = 0; i < 100 && !fs::exists(Done("moved.json")); ++i) std::this_thread::sleep_for(50ms);
  for (const char* name : {"early.ndjson", "closed.json", "moved.json"}) {
    EXPECT_TRUE(fs::exists(Done(name))) << name;
    EXPECT_FALSE(fs::exists(In(name))) << name;
  }
  EXPECT_TRUE(fs::exists(In(".hidden.json")));
  EXPECT_TRUE(fs::exists(In("growing.json.part")));
  // Nothing twice, however many rescans pass.
  std::this_thread::sleep_for(std::chrono::milliseconds(3 * options_.settle_ms));
  EXPECT_EQ(cluster_.Records("raw").size(), 4u);
  EXPECT_EQ(metrics_.records_out.value(), 4);
}

TEST_F(WatchTest, AFileThatCannotBeDeliveredStaysForALaterTry) {
  options_.topics.raw = "missing";  // the fake cluster refuses records for unknown topics
  options_.flush_timeout_s = 1;
  Write(In("a.json"), "{\"id\":\"a1\",\"body\":\"One.\"}");
  Start();
  std::this_thread::sleep_for(1500ms);
  EXPECT_TRUE(fs::exists(In("a.json"))) << "not delivered: not moved";
  EXPECT_FALSE(fs::exists(Done("a.json")));
}

TEST(IgnoredInWatchTest, HiddenPartialAndForeignFilesWait) {
  for (const char* name : {".x.json", "a.json.tmp", "a.part", "b.partial", "", "rules.yaml", "README"}) {
    EXPECT_TRUE(IgnoredInWatch(name, ArticleFormat::kAuto)) << name;
  }
  for (const char* name : {"a.json", "b.ndjson", "c.txt", "part.html", "d.JSONL"}) {
    EXPECT_FALSE(IgnoredInWatch(name, ArticleFormat::kAuto)) << name;
  }
  EXPECT_FALSE(IgnoredInWatch("feed-2026-12-01", ArticleFormat::kNdjson)) << "--format names the format";
  EXPECT_TRUE(IgnoredInWatch(".feed", ArticleFormat::kNdjson));
}

TEST(WatchStartTest, ADoneDirectoryOnAnotherFilesystemIsAFatalErrorAtStart) {
  if (!fs::is_directory("/dev/shm")) GTEST_SKIP() << "no /dev/shm to be another filesystem";
  ScopedTempDir dir("herald-watch-fs-test");
  kafka::FakeCluster cluster;
  StageMetrics metrics("producer");
  ProduceOptions o;
  o.watch_dir = dir.path().string();
  o.done_dir = "/dev/shm/herald-watch-fs-test-" + std::to_string(::getpid());
  std::stop_source stop;
  Status s = RunWatch(o, {.stop = stop.get_token(), .metrics = &metrics, .cluster = &cluster});
  fs::remove_all(o.done_dir);
  struct stat a {
  }, b{};
  if (::stat(o.watch_dir.c_str(), &a) == 0 && ::stat("/dev/shm", &b) == 0 && a.st_dev == b.st_dev) {
    GTEST_SKIP() << "the temporary directory is on /dev/shm's filesystem";
  }
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().reason.find("must be on the filesystem of"), std::string::npos) << s.error().reason;
}

TEST(WatchStartTest, AMissingDirectoryIsAFatalErrorAtStart) {
  ScopedTempDir dir("herald-watch-start-test");
  kafka::FakeCluster cluster;
  StageMetrics metrics("producer");
  ProduceOptions o;
  o.watch_dir = (dir.path() / "absent").string();
  o.done_dir = (dir.path() / "done").string();
  std::stop_source stop;
  Status s = RunWatch(o, {.stop = stop.get_token(), .metrics = &metrics, .cluster = &cluster});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, ErrorKind::kFatal);
  EXPECT_NE(s.error().reason.find("cannot watch"), std::string::npos) << s.error().reason;
}

}  // namespace
}  // namespace herald
