// Records and settings that once stopped the processor for good, against the
// real broker (ctest's "kafka" fixture): each test checks that the bad record
// is dealt with (dead-lettered whole or truncated, or its event trimmed), that
// the good article behind it flows, and that clashing limits fail start-up
// with the settings named.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <sstream>
#include <string>
#include <thread>

#include "consumers/dead_letters.h"
#include "core/kafka.h"
#include "core/kafka_admin.h"
#include "core/record_format.h"
#include "core/utf8.h"
#include "herald/v1/event.pb.h"
#include "processors/processor.h"
#include "tests/kafka_test_support.h"

namespace herald {
namespace {

using testing::Brokers;
using ::testing::Contains;
using ::testing::HasSubstr;
using testing::ReadRecord;
using testing::ReadTopic;

// Words enough to make `bytes` of article body, varied so that extraction finds things in it.
std::string Words(size_t bytes) {
  static constexpr std::string_view kSentence =
      "Officials in Paris said the talks with Germany over trade would continue next week. ";
  std::string out;
  out.reserve(bytes + kSentence.size());
  while (out.size() < bytes) out += kSentence;
  out.resize(bytes);
  return out;
}

std::string Envelope(std::string_view id, std::string_view body) {
  return "{\"id\":\"" + std::string(id) + "\",\"title\":\"Trade talks\",\"body\":\"" + std::string(body) + "\"}";
}

const ReadRecord* Find(const std::vector<ReadRecord>& records, std::string_view key) {
  for (const ReadRecord& r : records) {
    if (r.key == key) return &r;
  }
  return nullptr;
}

class HardeningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::getenv("HERALD_TEST_KAFKA_DIR")) GTEST_SKIP() << "run under ctest, whose kafka fixture starts the broker";
    brokers_ = Brokers();
    ASSERT_FALSE(brokers_.empty()) << "the kafka fixture left no bootstrap address";
    const std::string suffix =
        std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" + std::to_string(::getpid());
    topics_ = {"raw-" + suffix, "events-" + suffix, "alerts-" + suffix, "dlq-" + suffix};
  }
  void TearDown() override {
    stop_.request_stop();
    if (processor_.joinable()) processor_.join();
  }

  // Topics with Kafka's default limits (max.message.bytes 1048588), the raw one with `raw_configs`.
  void CreateTopics(const kafka::Properties& raw_configs = {}) {
    ASSERT_TRUE(kafka::EnsureTopics(kafka::ProducerProperties(brokers_), {topics_.raw}, 1, std::chrono::seconds(30),
                                    raw_configs));
    ASSERT_TRUE(kafka::EnsureTopics(kafka::ProducerProperties(brokers_), {topics_.events, topics_.dlq}, 1));
  }

  // Produces (key, value, headers) records, compressed with zstd, from a client that allows 64 MiB records.
  void Produce(const std::vector<std::tuple<std::string, std::string, kafka::Headers>>& records) {
    auto producer = kafka::Producer::Create(kafka::ProducerProperties(
        brokers_,
        {{"compression.type", "zstd"}, {"message.max.bytes", "67108864"}, {"queue.buffering.max.kbytes", "262144"}}));
    ASSERT_TRUE(producer);
    for (const auto& [key, value, headers] : records) {
      Status s = (*producer)->Produce(topics_.raw, key, value, headers);
      ASSERT_TRUE(s) << s.error().reason;
    }
    Status flushed = (*producer)->Flush(std::chrono::seconds(60));
    ASSERT_TRUE(flushed) << flushed.error().reason;
  }

  ProcessorOptions Options() const {
    ProcessorOptions p;
    p.kafka.brokers = brokers_;
    p.topics = topics_;
    p.group = "processor-" + topics_.raw;
    p.instance_id = topics_.raw;
    return p;
  }

  void StartProcessor(ProcessorOptions p) {
    processor_ = std::jthread([this, p] {
      Status s = RunProcessor(p, {.stop = stop_.get_token(), .metrics = &metrics_});
      EXPECT_TRUE(s) << s.error().reason;
    });
  }

  std::string brokers_;
  Topics topics_;
  StageMetrics metrics_{"processor"};
  std::stop_source stop_;
  std::jthread processor_;
};

TEST_F(HardeningTest, CompressedArticleTooLargeForTheDeadLetterTopicGoesThereTruncatedAndTheNextFlows) {
  CreateTopics();
  // 17 MiB of JSON compresses far below the raw topic's 1 MiB limit, so the
  // broker takes it; whole, it fits neither the DLQ nor the producer's limit.
  const std::string big = Envelope("big", Words(17 << 20));
  Produce({{"big", big, {{"content-type", "application/json"}}},
           {"good", Envelope("good", Words(2000)), {{"content-type", "application/json"}}}});
  StartProcessor(Options());

  std::vector<ReadRecord> events = ReadTopic(brokers_, topics_.events, 1, std::chrono::seconds(90));
  ASSERT_NE(Find(events, "good"), nullptr) << "the article behind the oversized one was never processed";
  std::vector<ReadRecord> dead = ReadTopic(brokers_, topics_.dlq, 1);
  const ReadRecord* letter = Find(dead, "big");
  ASSERT_NE(letter, nullptr);
  EXPECT_EQ(letter->header(header::kDlqErrorCode), "OVERSIZED_ARTICLE");
  EXPECT_EQ(letter->header(header::kDlqOriginalBytes), std::to_string(big.size()));
  EXPECT_EQ(letter->header(header::kDlqOriginalSha256), Sha256Hex(big));
  EXPECT_LT(letter->value.size(), 1u << 20);
  EXPECT_EQ(letter->value, big.substr(0, letter->value.size())) << "a truncated copy is the record's first bytes";
  EXPECT_TRUE(testing::WaitFor([&] { return metrics_.dead_letters(v1::OVERSIZED_ARTICLE) == 1; }))
      << "the metrics say what happened";
}

TEST_F(HardeningTest, RecordTooLargeForTheTopicsLimitsIsDeadLetteredTruncated) {
  // A topic that takes 50 MiB records: the processor reads one, and its dead
  // letter still has to fit the DLQ's 1 MiB.
  CreateTopics({{"max.message.bytes", "60000000"}});
  std::string huge(50 << 20, '\0');
  for (size_t i = 0; i < huge.size(); ++i) huge[i] = static_cast<char>((i * 2654435761u) >> 13);
  Produce({{"huge", huge, {}}, {"good", Envelope("good", Words(2000)), {{"content-type", "application/json"}}}});
  StartProcessor(Options());

  std::vector<ReadRecord> events = ReadTopic(brokers_, topics_.events, 1, std::chrono::seconds(90));
  ASSERT_NE(Find(events, "good"), nullptr);
  std::vector<ReadRecord> dead = ReadTopic(brokers_, topics_.dlq, 1);
  const ReadRecord* letter = Find(dead, "huge");
  ASSERT_NE(letter, nullptr);
  EXPECT_EQ(letter->header(header::kDlqOriginalBytes), std::to_string(huge.size()));
  EXPECT_TRUE(
      testing::WaitFor([&] { return metrics_.dead_lettered.value() == 1 && metrics_.records_out.value() == 1; }));
}

TEST_F(HardeningTest, ArticleNearTheLimitYieldsARecordTrimmedToFitTheEventsTopic) {
  CreateTopics();
  ProcessorOptions options = Options();
  std::string body = "France criticized Germany over its trade policy on Monday. ";
  while (body.size() < options.max_article_bytes - 200) body += "The weather was mild and the markets were quiet. ";
  Produce({{"near", Envelope("near", body), {{"content-type", "application/json"}}},
           {"good", Envelope("good", Words(2000)), {{"content-type", "application/json"}}}});
  StartProcessor(options);

  std::vector<ReadRecord> events = ReadTopic(brokers_, topics_.events, 2, std::chrono::seconds(90));
  ASSERT_NE(Find(events, "good"), nullptr);
  const ReadRecord* near = Find(events, "near");
  ASSERT_NE(near, nullptr) << "the near-limit article's record never reached the events topic";
  v1::EventRecord record;
  ASSERT_TRUE(record.ParseFromString(near->value));
  EXPECT_THAT(record.trimmed(), Contains("article.body"));
  EXPECT_TRUE(record.article().body().empty());
  EXPECT_THAT(record.trimmed(), ::testing::Not(Contains("events"))) << "trimming stops as soon as the record fits";
  EXPECT_GT(record.events_size(), 0);
  EXPECT_LT(near->value.size(), 1u << 20);
}

TEST_F(HardeningTest, HeadersThatAreNotUtf8AreRepairedInTheRecord) {
  CreateTopics();
  Produce({{"latin1",
            Words(400),
            {{"content-type", "text/plain"},
             {"herald-source",
              "Le Monde \xe9"
              "dition"},
             {"herald-url", "https://example.org/\xff\xfe"}}}});
  StartProcessor(Options());

  std::vector<ReadRecord> events = ReadTopic(brokers_, topics_.events, 1, std::chrono::seconds(60));
  const ReadRecord* event = Find(events, "latin1");
  ASSERT_NE(event, nullptr);
  v1::EventRecord record;
  ASSERT_TRUE(record.ParseFromString(event->value));
  EXPECT_EQ(record.article().source(),
            "Le Monde \xEF\xBF\xBD"
            "dition");
  EXPECT_EQ(record.article().url(), "https://example.org/\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_TRUE(IsValidUtf8(record.article().id()));
}

TEST_F(HardeningTest, DeadLetterListingShowsControlCharactersInsteadOfObeyingThem) {
  CreateTopics();
  Produce({{"\x1b]0;pwned\x07\x1b[2Jkey", "{\"title\": ", {{"content-type", "application/json"}}},
           {"good", Envelope("good", Words(500)), {{"content-type", "application/json"}}}});
  StartProcessor(Options());
  ASSERT_NE(Find(ReadTopic(brokers_, topics_.events, 1, std::chrono::seconds(60)), "good"), nullptr);
  DeadLetterOptions list{.kafka = {.brokers = brokers_}, .topics = topics_};
  for (bool json : {false, true}) {
    list.json = json;
    std::ostringstream out;
    ASSERT_TRUE(ListDeadLetters(list, out));
    EXPECT_THAT(out.str(), HasSubstr(json ? "\\u001b]0;pwned\\u0007\\u001b[2Jkey" : "\\x1B]0;pwned\\x07\\x1B[2Jkey"));
    EXPECT_EQ(out.str().find('\x1b'), std::string::npos) << "no raw escape reaches the terminal";
  }
}

TEST_F(HardeningTest, StartUpRefusesARecordLimitLargerThanTheProducerQueue) {
  CreateTopics();
  ProcessorOptions options = Options();
  options.kafka.properties = {{"message.max.bytes", "40000000"}};
  Status s = RunProcessor(options, {.stop = stop_.get_token(), .metrics = &metrics_});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, ErrorKind::kFatal);
  EXPECT_THAT(s.error().reason, HasSubstr("queue.buffering.max.kbytes"));
}

TEST_F(HardeningTest, TopicLimitsAreTheBrokersAndMissingTopicsInheritTheBrokerDefault) {
  CreateTopics({{"max.message.bytes", "2000000"}});
  auto limits = kafka::DescribeTopicLimits(kafka::ProducerProperties(brokers_),
                                           {topics_.raw, topics_.dlq, "not-yet-" + topics_.raw});
  ASSERT_TRUE(limits) << limits.error().reason;
  EXPECT_EQ(limits->at(topics_.raw), 2000000);
  EXPECT_EQ(limits->at(topics_.dlq), 1048588);
  EXPECT_EQ(limits->at("not-yet-" + topics_.raw), 1048588);
}

}  // namespace
}  // namespace herald
