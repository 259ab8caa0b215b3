// The alerter's wiring, on the in-memory cluster (core/fake_kafka.h): event
// records in; alerts out on the topic, to the webhook and to the caller, in a
// transaction with the offsets; undecodable records dead-lettered; a rule fires
// once per article across restarts. The delivery guarantees themselves are
// proven against the real broker (tests/).
#include "consumers/alert.h"

#include <gtest/gtest.h>

#include <fstream>

#include "core/fake_kafka.h"
#include "core/record_format.h"
#include "core/scoped_temp_dir.h"
#include "core/stage_testing.h"
#include "herald/v1/event.pb.h"
#include "tests/http_sink.h"

namespace herald {
namespace {

v1::EventRecord Article(const std::string& id, std::vector<std::string> countries) {
  v1::EventRecord r;
  r.set_id(id);
  r.mutable_article()->set_title("Title " + id);
  for (const std::string& c : countries) r.add_countries()->set_code(c);
  r.add_themes("MILITARY");
  return r;
}

class AlertWiringTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.topics = {"wiring.raw", "wiring.events", "wiring.alerts", "wiring.dlq"};
    options_.rules_path = (dir_.path() / "rules.yaml").string();
    options_.state_path = (dir_.path() / "state.db").string();
    options_.webhook = sink_.url();
    options_.webhook_attempts = 1;
    std::ofstream(options_.rules_path) << "rules:\n  - name: us-china\n    countries_all: [USA, CHN]\n";
    for (const std::string& t : {options_.topics.events, options_.topics.alerts, options_.topics.dlq}) {
      cluster_.CreateTopic(t, 1);
    }
  }
  void Append(const std::string& key, const std::string& value) {
    ASSERT_TRUE(cluster_.Append(options_.topics.events, key, value));
  }
  // Runs the alerter until `records` more are committed; the alerts it fired.
  std::vector<std::string> Run(int64_t records) {
    StageMetrics metrics(std::string(kAlertStage.name));
    std::vector<std::string> fired;
    testing::StageRun run = testing::RunStageOnFakeCluster(cluster_, metrics, records, [&](const StageContext& c) {
      return RunAlert(options_, c, [&](const v1::Alert& a) { fired.push_back(a.id()); });
    });
    EXPECT_TRUE(run.committed);
    EXPECT_TRUE(run.result) << run.result.error().reason;
    return fired;
  }

  ScopedTempDir dir_{"herald-alert-wiring"};
  testing::HttpSink sink_;
  kafka::FakeCluster cluster_;
  AlertOptions options_;
};

TEST_F(AlertWiringTest, MatchingRecordsFireOnceOnTheTopicTheWebhookAndTheCaller) {
  Append("a1", Article("a1", {"USA", "CHN"}).SerializeAsString());
  Append("a2", Article("a2", {"FRA"}).SerializeAsString());
  Append("garbage", "\xff\xff not protobuf");
  EXPECT_EQ(Run(3), std::vector<std::string>{"us-china/a1"});

  kafka::Batch alerts = cluster_.Records(options_.topics.alerts);
  ASSERT_EQ(alerts.size(), 1u);
  v1::Alert alert;
  ASSERT_TRUE(alert.ParseFromString(std::string(alerts[0].value())));
  EXPECT_EQ(alert.rule(), "us-china");
  EXPECT_EQ(alert.article_id(), "a1");
  std::vector<std::string> posted = sink_.bodies();
  ASSERT_EQ(posted.size(), 1u) << "delivered from the outbox before the alerter stopped";
  EXPECT_NE(posted[0].find("us-china/a1"), std::string::npos) << posted[0];

  kafka::Batch dead = cluster_.Records(options_.topics.dlq);
  ASSERT_EQ(dead.size(), 1u);
  const kafka::Record& letter = dead[0];
  EXPECT_EQ(letter.header(header::kDlqErrorCode), "MALFORMED_EVENT_RECORD");
  EXPECT_EQ(letter.header(header::kDlqStage), kAlertStage.name);
  EXPECT_EQ(cluster_.CommittedOffset(options_.group, options_.topics.events, 0), 3) << "in the transaction";
}

TEST_F(AlertWiringTest, AnArticleThatComesBackDoesNotFireAgainAfterARestart) {
  Append("a1", Article("a1", {"USA", "CHN"}).SerializeAsString());
  EXPECT_EQ(Run(1).size(), 1u);
  Append("a1", Article("a1", {"USA", "CHN"}).SerializeAsString());  // replayed upstream
  EXPECT_TRUE(Run(1).empty()) << "the state file remembers it";
  EXPECT_EQ(cluster_.Records(options_.topics.alerts).size(), 1u);
  EXPECT_EQ(cluster_.CommittedOffset(options_.group, options_.topics.events, 0), 2);
}

}  // namespace
}  // namespace herald
