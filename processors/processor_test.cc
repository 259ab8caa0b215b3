// The processor's wiring, on the in-memory cluster (core/fake_kafka.h), in
// both delivery modes: articles in, event records and dead letters out, offsets
// committed (in the transaction when exactly-once). The delivery guarantees
// themselves are proven against the real broker (tests/).
#include "processors/processor.h"

#include <gtest/gtest.h>

#include "core/fake_kafka.h"
#include "core/record_format.h"
#include "core/stage_testing.h"
#include "herald/v1/event.pb.h"

namespace herald {
namespace {

using testing::RunStageOnFakeCluster;
using testing::StageRun;

class ProcessorWiringTest : public ::testing::TestWithParam<Delivery> {
 protected:
  void SetUp() override {
    options_.topics = {"wiring.raw", "wiring.events", "wiring.alerts", "wiring.dlq"};
    options_.delivery = GetParam();
    options_.threads = 1;
    for (const std::string& t : {options_.topics.raw, options_.topics.events, options_.topics.dlq}) {
      cluster_.CreateTopic(t, 2);
    }
  }

  kafka::FakeCluster cluster_;
  ProcessorOptions options_;
  StageMetrics metrics_{std::string(kProcessorStage.name)};
};

TEST_P(ProcessorWiringTest, ArticlesBecomeEventsAndBadOnesDeadLettersWithTheirCode) {
  const std::string& raw = options_.topics.raw;
  ASSERT_TRUE(
      cluster_.Append(raw, "good-text", "Talks\nJapan and Korea met in Seoul.", {{"content-type", "text/plain"}}));
  ASSERT_TRUE(
      cluster_.Append(raw, "truncated", "{\"title\": \"x\", \"body\": \"abc", {{"content-type", "application/json"}}));
  ASSERT_TRUE(cluster_.Append(raw, "good-json", R"({"title":"T","body":"France and Germany met."})",
                              {{"content-type", "application/json"}}));

  StageRun run =
      RunStageOnFakeCluster(cluster_, metrics_, 3, [&](const StageContext& c) { return RunProcessor(options_, c); });
  EXPECT_TRUE(run.committed);
  EXPECT_TRUE(run.result) << run.result.error().reason;

  kafka::Batch events = cluster_.Records(options_.topics.events);
  ASSERT_EQ(events.size(), 2u);
  for (const kafka::Record& e : events) {
    v1::EventRecord record;
    ASSERT_TRUE(record.ParseFromString(std::string(e.value())));
    EXPECT_EQ(record.id(), e.key());
    EXPECT_EQ(record.provenance().topic(), raw);
    EXPECT_EQ(e.header(header::kContentType), kProtobufContentType);
  }
  kafka::Batch dead = cluster_.Records(options_.topics.dlq);
  ASSERT_EQ(dead.size(), 1u);
  const kafka::Record& letter = dead[0];
  EXPECT_EQ(letter.key(), "truncated");
  EXPECT_EQ(letter.header(header::kDlqErrorCode), "MALFORMED_JSON");
  EXPECT_EQ(letter.header(header::kDlqStage), "parse") << "the processor's step";
  EXPECT_EQ(metrics_.records_out.value(), 2);
  EXPECT_EQ(metrics_.dead_letters(v1::MALFORMED_JSON), 1);
  int64_t committed = 0;
  for (int32_t p = 0; p < 2; ++p) committed += cluster_.CommittedOffset(options_.group, raw, p).value_or(0);
  EXPECT_EQ(committed, 3) << "every article's offset, in either delivery mode";
}

INSTANTIATE_TEST_SUITE_P(BothDeliveries, ProcessorWiringTest,
                         ::testing::Values(Delivery::kAtLeastOnce, Delivery::kExactlyOnce),
                         [](const ::testing::TestParamInfo<Delivery>& info) {
                           return info.param == Delivery::kExactlyOnce ? "ExactlyOnce" : "AtLeastOnce";
                         });

}  // namespace
}  // namespace herald
