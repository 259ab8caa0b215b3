// The walking skeleton against a real Kafka broker (scripts/kafka-local.sh,
// started by ctest's "kafka" fixture): produce -> process -> store + alert, and
// bad input to the dead-letter topic.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "consumers/alert.h"
#include "consumers/alert_state.h"
#include "consumers/dead_letters.h"
#include "consumers/store/sqlite_store.h"
#include "consumers/store/store.h"
#include "core/article_source.h"
#include "core/kafka.h"
#include "core/kafka_admin.h"
#include "core/record_format.h"
#include "processors/extractor.h"
#include "processors/processor.h"
#include "producers/produce.h"
#include "tests/http_sink.h"
#include "tests/kafka_test_support.h"

namespace herald {
namespace {

namespace fs = std::filesystem;
using testing::Brokers;
using ::testing::Contains;
using ::testing::Property;
using testing::ReadRecord;
using testing::ReadTopic;
using testing::WaitFor;

constexpr const char* kSeed = "../shared/corpus/seed/us-china-defence-talks.txt";

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::getenv("HERALD_TEST_KAFKA_DIR")) GTEST_SKIP() << "run under ctest, whose kafka fixture starts the broker";
    brokers_ = Brokers();
    ASSERT_FALSE(brokers_.empty()) << "the kafka fixture left no bootstrap address";
    std::string suffix =
        std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" + std::to_string(::getpid());
    topics_ = {"raw-" + suffix, "events-" + suffix, "alerts-" + suffix, "dlq-" + suffix};
    ASSERT_TRUE(kafka::EnsureTopics(kafka::ProducerProperties(brokers_),
                                    {topics_.raw, topics_.events, topics_.alerts, topics_.dlq}, 3));
    sqlite_ = (fs::temp_directory_path() / ("herald-it-" + suffix + ".db")).string();
    alert_state_ = sqlite_ + ".alert-state";
  }
  void TearDown() override {
    stop_.request_stop();
    stages_.clear();  // joins
    for (const std::string& file : {sqlite_, alert_state_}) {
      for (const char* s : {"", "-wal", "-shm"}) fs::remove(file + s);
    }
  }

  void StartStages() {
    ProcessorOptions p;
    p.kafka.brokers = brokers_;
    p.topics = topics_;
    p.group = "processor-" + topics_.raw;
    StoreOptions s;
    s.kafka.brokers = brokers_;
    s.topics = topics_;
    s.group = "store-" + topics_.raw;
    s.database.sqlite_path = sqlite_;
    AlertOptions a;
    a.kafka.brokers = brokers_;
    a.topics = topics_;
    a.group = "alert-" + topics_.raw;
    a.rules_path = "samples/alert-rules.yaml";
    a.webhook = webhook_.url();
    a.state_path = alert_state_;
    auto expect_ok = [](const Status& s) { EXPECT_TRUE(s) << s.error().reason; };
    stages_.emplace_back(
        [=, this] { expect_ok(RunProcessor(p, {.stop = stop_.get_token(), .metrics = &processed_})); });
    stages_.emplace_back([=, this] { expect_ok(RunStore(s, {.stop = stop_.get_token(), .metrics = &stored_})); });
    stages_.emplace_back([=, this] {
      expect_ok(RunAlert(a, {.stop = stop_.get_token(), .metrics = &alerted_}, [this](const v1::Alert& alert) {
        std::lock_guard lock(alerts_mutex_);
        alerts_.push_back(alert);
      }));
    });
  }

  Result<ProduceSummary> Produce(std::vector<std::string> inputs) {
    ProduceOptions o;
    o.kafka.brokers = brokers_;
    o.topics = topics_;
    o.inputs = std::move(inputs);
    return RunProduce(o);
  }

  std::vector<v1::EventRecord> Stored() {
    auto store = SqliteEventStore::Open(sqlite_);
    if (!store) return {};
    auto all = (*store)->ReadAll();
    return all ? *all : std::vector<v1::EventRecord>{};
  }

  std::string brokers_;
  Topics topics_;
  std::string sqlite_, alert_state_;
  StageMetrics processed_{"processor"}, stored_{"store"}, alerted_{"alert"};
  std::mutex alerts_mutex_;
  std::vector<v1::Alert> alerts_;
  std::stop_source stop_;
  testing::HttpSink webhook_;
  std::vector<std::jthread> stages_;
};

// The ids the extractor accepts among these inputs: what the store must end up holding.
std::set<std::string> AcceptedIds(const std::vector<std::string>& inputs) {
  auto kb = KnowledgeBase::LoadBuiltin();
  Extractor extractor(*kb);
  std::set<std::string> ids;
  auto articles = ReadArticles(inputs, ArticleFormat::kAuto);
  for (const SourceArticle& a : *articles) {
    auto r = extractor.Process(a.bytes, {.content_type = a.content_type, .key = ArticleKey(a)});
    if (r) ids.insert(r->id());
  }
  return ids;
}

TEST_F(PipelineTest, SamplesAndSeedArticleAreStoredAndAlertedOnce) {
  bool have_seed = fs::exists(kSeed);
  if (!have_seed) std::cerr << "note: " << kSeed << " is absent; running on herald's samples alone\n";
  std::vector<std::string> inputs = {"samples"};
  if (have_seed) inputs.push_back(kSeed);
  std::set<std::string> expected_ids = AcceptedIds(inputs);
  ASSERT_GE(expected_ids.size(), 6u);

  StartStages();
  auto first = Produce(inputs);
  ASSERT_TRUE(first) << first.error().reason;
  EXPECT_EQ(first->failed, 0);
  // The same articles again: a rule must still fire only once per article.
  auto again = Produce(inputs);
  ASSERT_TRUE(again) << again.error().reason;
  const int64_t produced = first->delivered + again->delivered;

  ASSERT_TRUE(WaitFor([&] {
    return processed_.committed.value() >= produced && stored_.committed.value() >= processed_.records_out.value() &&
           alerted_.committed.value() >= processed_.records_out.value();
  })) << "processed "
      << processed_.committed.value() << "/" << produced << ", stored " << stored_.committed.value() << ", alerted "
      << alerted_.committed.value();

  std::vector<v1::EventRecord> stored = Stored();
  std::set<std::string> stored_ids;
  for (const auto& r : stored) stored_ids.insert(r.id());
  EXPECT_EQ(stored_ids, expected_ids);
  EXPECT_EQ(stored.size(), expected_ids.size()) << "the upsert on id absorbs the second delivery";
  EXPECT_EQ(processed_.dead_lettered.value(), 2) << "samples/rejected holds one bad article, produced twice";

  // The reference article: the seed when ../shared is present, else herald's own sample on the same story.
  const std::string reference_path = have_seed ? kSeed : "samples/us-china-military-hotline.txt";
  const std::string reference_id = ArticleKey(ReadArticles({reference_path}, ArticleFormat::kAuto)->front());
  auto it = std::find_if(stored.begin(), stored.end(), [&](const auto& r) { return r.id() == reference_id; });
  ASSERT_NE(it, stored.end()) << "reference article " << reference_id << " not stored";
  std::set<std::string> countries;
  for (const auto& c : it->countries()) countries.insert(c.code());
  EXPECT_TRUE(countries.count("USA") && countries.count("CHN"));
  EXPECT_THAT(it->persons(), Contains(Property(&v1::Person::name, "Lloyd Austin")));
  EXPECT_THAT(it->persons(), Contains(Property(&v1::Person::name, "Dong Jun")));
  EXPECT_THAT(it->locations(), Contains(Property(&v1::Location::name, "Taiwan Strait")));
  EXPECT_THAT(it->locations(), Contains(Property(&v1::Location::name, "South China Sea")));

  // The alert fired exactly once for the article, both as seen by the daemon and on the alerts topic.
  const std::string alert_id = "us-china-military-contact/" + reference_id;
  {
    std::lock_guard lock(alerts_mutex_);
    EXPECT_EQ(std::count_if(alerts_.begin(), alerts_.end(), [&](const auto& a) { return a.id() == alert_id; }), 1);
  }
  std::vector<ReadRecord> on_topic =
      ReadTopic(brokers_, topics_.alerts, static_cast<size_t>(alerted_.records_out.value()));
  EXPECT_EQ(std::count_if(on_topic.begin(), on_topic.end(), [&](const auto& r) { return r.key == alert_id; }), 1);
  v1::Alert decoded;
  auto rec = std::find_if(on_topic.begin(), on_topic.end(), [&](const auto& r) { return r.key == alert_id; });
  ASSERT_NE(rec, on_topic.end());
  ASSERT_TRUE(decoded.ParseFromString(rec->value));
  EXPECT_EQ(decoded.severity(), "WARNING");
  EXPECT_EQ(decoded.article_id(), reference_id);

  // Every alert was POSTed to the webhook once, as JSON with the proto field names.
  std::vector<std::string> posted = webhook_.bodies();
  EXPECT_EQ(posted.size(), static_cast<size_t>(alerted_.records_out.value()));
  EXPECT_EQ(std::count_if(posted.begin(), posted.end(),
                          [&](const std::string& body) {
                            return body.find("\"id\":\"" + alert_id + "\"") != std::string::npos &&
                                   body.find("\"article_id\":\"" + reference_id + "\"") != std::string::npos;
                          }),
            1);
}

TEST_F(PipelineTest, MalformedAndEmptyArticlesAreDeadLetteredWithReasons) {
  auto producer = kafka::Producer::Create(kafka::ProducerProperties(brokers_));
  ASSERT_TRUE(producer);
  const kafka::Headers json = {{"content-type", "application/json"}};
  const kafka::Headers text = {{"content-type", "text/plain"}};
  ASSERT_TRUE((*producer)->Produce(topics_.raw, "good-1",
                                   R"({"id":"good-1","title":"Talks","body":"China and Japan met."})", json));
  ASSERT_TRUE((*producer)->Produce(topics_.raw, "bad-json", R"({"id":"bad-json","title":"x","body":)", json));
  ASSERT_TRUE((*producer)->Produce(topics_.raw, "good-2", "Summit\nFrance hosted Germany.", text));
  ASSERT_TRUE((*producer)->Produce(topics_.raw, "empty", "", text));
  ASSERT_TRUE((*producer)->Produce(topics_.raw, "good-3", "Storm\nA typhoon hit the Philippines.", text));
  ASSERT_TRUE((*producer)->Flush(std::chrono::seconds(30)));

  StartStages();
  ASSERT_TRUE(WaitFor([&] { return processed_.committed.value() >= 5 && stored_.committed.value() >= 3; }))
      << testing::StageProgress(processed_);

  std::vector<ReadRecord> dead = ReadTopic(brokers_, topics_.dlq, 2);
  ASSERT_EQ(dead.size(), 2u);
  std::map<std::string, const ReadRecord*> by_key;
  for (const auto& r : dead) by_key[r.key] = &r;
  ASSERT_TRUE(by_key.count("bad-json") && by_key.count("empty"));
  const ReadRecord& bad = *by_key["bad-json"];
  EXPECT_EQ(bad.value, R"({"id":"bad-json","title":"x","body":)") << "the original bytes are kept";
  EXPECT_EQ(bad.header(header::kDlqErrorCode), "MALFORMED_JSON");
  EXPECT_EQ(bad.header(header::kDlqStage), "parse");
  EXPECT_THAT(bad.header(header::kDlqReason).value_or(""), ::testing::HasSubstr("JSON envelope"));
  EXPECT_EQ(bad.header(header::kDlqTopic), topics_.raw);
  EXPECT_TRUE(bad.header(header::kDlqPartition).has_value());
  EXPECT_TRUE(bad.header(header::kDlqOffset).has_value());
  EXPECT_EQ(bad.header("content-type"), "application/json") << "the original headers are kept";
  EXPECT_EQ(by_key["empty"]->header(header::kDlqErrorCode), "EMPTY_ARTICLE");
  EXPECT_EQ(by_key["empty"]->header(header::kDlqReason), "article is empty");

  std::set<std::string> ids;
  for (const auto& r : Stored()) ids.insert(r.id());
  EXPECT_EQ(ids, (std::set<std::string>{"good-1", "good-2", "good-3"}));

  // herald dlq: list both, replay only the empty article; the processor dead-letters it again.
  DeadLetterOptions dlq{.kafka = {.brokers = brokers_}, .topics = topics_, .replay_group = "replay-" + topics_.dlq};
  std::ostringstream listed;
  ASSERT_TRUE(ListDeadLetters(dlq, listed));
  EXPECT_THAT(listed.str(), ::testing::HasSubstr("bad-json  parse  MALFORMED_JSON"));
  EXPECT_THAT(listed.str(), ::testing::HasSubstr("empty  parse  EMPTY_ARTICLE  article is empty"));
  dlq.filter_code = "EMPTY_ARTICLE";
  auto replayed = ReplayDeadLetters(dlq);
  ASSERT_TRUE(replayed) << replayed.error().reason;
  EXPECT_EQ(replayed->replayed, 1);
  EXPECT_EQ(replayed->skipped, 1);
  ASSERT_TRUE(WaitFor([&] { return processed_.dead_lettered.value() >= 3; })) << testing::StageProgress(processed_);
  std::vector<ReadRecord> again = ReadTopic(brokers_, topics_.dlq, 3);
  ASSERT_EQ(again.size(), 3u);
  EXPECT_EQ(again.back().key, "empty");
  EXPECT_TRUE(again.back().header("herald-replayed-from").has_value()) << "the replayed record says where it came from";
  auto second = ReplayDeadLetters(dlq);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->replayed, 1) << "only the dead letter written since the last replay";
}

// Every kind of bad input reaches the DLQ with its own error code, and the
// processor goes on with the good article after them.
TEST_F(PipelineTest, EveryKindOfBadInputIsDeadLetteredWithItsCode) {
  // Past the processor's 1 MiB article limit, under the client's message limit
  // (and tiny on the wire once lz4-compressed).
  auto producer = kafka::Producer::Create(kafka::ProducerProperties(brokers_));
  ASSERT_TRUE(producer);
  auto ct = [](const char* type) { return kafka::Headers{{"content-type", type}}; };
  const std::vector<std::tuple<std::string, std::string, kafka::Headers, std::string>> inputs = {
      {"oversized", std::string((1 << 20) + 1024, 'a'), ct("text/plain"), "OVERSIZED_ARTICLE"},
      {"empty", "", ct("text/plain"), "EMPTY_ARTICLE"},
      {"utf8", "caf\xC3\x28 au lait", ct("text/plain"), "INVALID_UTF8"},
      {"binary",
       std::string("\x7f"
                   "ELF\x02\x01\x01\x00\x00\x00",
                   10),
       ct("text/plain"), "BINARY_CONTENT"},
      {"nested", "{\"a\":" + std::string(100, '[') + std::string(100, ']') + "}", ct("application/json"),
       "TOO_DEEPLY_NESTED"},
      {"truncated", "{\"title\": \"x\", \"body\": \"abc", ct("application/json"), "MALFORMED_JSON"},
      {"types", "{\"title\": 7, \"body\": \"x\"}", ct("application/json"), "WRONG_FIELD_TYPE"},
      {"pdf", "%PDF-1.4 not an article", ct("application/pdf"), "UNKNOWN_CONTENT_TYPE"},
      {"good", "Talks\nJapan and Korea met.", ct("text/plain"), ""}};
  for (const auto& [key, value, headers, code] : inputs)
    ASSERT_TRUE((*producer)->Produce(topics_.raw, key, value, headers));
  ASSERT_TRUE((*producer)->Flush(std::chrono::seconds(30)));
  StartStages();
  ASSERT_TRUE(WaitFor([&] { return processed_.committed.value() >= static_cast<int64_t>(inputs.size()); }))
      << testing::StageProgress(processed_);
  std::map<std::string, std::string> codes;
  for (const auto& r : ReadTopic(brokers_, topics_.dlq, inputs.size() - 1))
    codes[r.key] = r.header(header::kDlqErrorCode).value_or("");
  for (const auto& [key, value, headers, code] : inputs) {
    if (code.empty()) continue;
    EXPECT_EQ(codes[key], code) << key;
  }
  EXPECT_EQ(codes.size(), inputs.size() - 1);
  EXPECT_EQ(processed_.records_out.value(), 1) << "the good article after them";
}

// A rule never fires twice for one article across restarts, even when the
// article comes again later; a webhook that keeps failing is recorded.
TEST_F(PipelineTest, AlertsAreRememberedAcrossRestartsAndWebhookFailuresRecorded) {
  testing::HttpSink failing(500);
  AlertOptions a;
  a.kafka.brokers = brokers_;
  a.topics = topics_;
  a.rules_path = "samples/alert-rules.yaml";
  a.state_path = alert_state_;
  a.webhook = failing.url();
  a.webhook_attempts = 2;
  ProcessorOptions p;
  p.kafka.brokers = brokers_;
  p.topics = topics_;
  p.group = "processor-" + topics_.raw;
  std::stop_source stop_processor;
  StageMetrics processed("processor");
  std::jthread processor(
      [&] { EXPECT_TRUE(RunProcessor(p, {.stop = stop_processor.get_token(), .metrics = &processed})); });

  auto run_alert_until = [&](const std::string& group, int64_t events_to_see, size_t webhook_posts) {
    a.group = group;
    StageMetrics alerted("alert");
    std::stop_source stop;
    std::jthread alert([&] { EXPECT_TRUE(RunAlert(a, {.stop = stop.get_token(), .metrics = &alerted})); });
    EXPECT_TRUE(WaitFor([&] { return alerted.committed.value() >= events_to_see; }));
    EXPECT_TRUE(WaitFor([&] { return failing.bodies().size() >= webhook_posts; }));
    stop.request_stop();
    alert.join();
    return alerted.records_out.value();
  };
  ASSERT_TRUE(Produce({"samples/us-china-military-hotline.txt"}));
  ASSERT_TRUE(WaitFor([&] { return processed.committed.value() >= 1; }));
  EXPECT_EQ(run_alert_until("alert-one-" + topics_.raw, 1, 2), 1);
  auto state = AlertState::Open(alert_state_);
  ASSERT_TRUE(state);
  EXPECT_TRUE(WaitFor([&] { return *(*state)->WebhookFailureCount() == 1; })) << "the failed delivery is recorded";
  EXPECT_EQ(failing.bodies().size(), 2u) << "two attempts";

  // The same article again, and a new group that re-reads the whole events topic.
  ASSERT_TRUE(Produce({"samples/us-china-military-hotline.txt"}));
  ASSERT_TRUE(WaitFor([&] { return processed.committed.value() >= 2; }));
  EXPECT_EQ(run_alert_until("alert-two-" + topics_.raw, 2, 2), 0) << "remembered: no second alert";
  EXPECT_EQ(failing.bodies().size(), 2u) << "and no second delivery";
  stop_processor.request_stop();
}

}  // namespace
}  // namespace herald
