// The stage loop's decisions, on the in-memory cluster (core/fake_kafka.h): what
// it commits, retries, quarantines and gives up on. What the broker does with
// the commits is proven against a real one (tests/stage_loop_integration_test.cc).
#include "core/stage_loop.h"

#include <gtest/gtest.h>

#include <set>

#include "core/fake_kafka.h"
#include "core/record_format.h"
#include "core/stage_testing.h"

namespace herald {
namespace {

using namespace std::chrono_literals;

class StageLoopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_.CreateTopic("in", 1);
    cluster_.CreateTopic("out", 1);
    cluster_.CreateTopic("dlq", 1);
    auto consumer = cluster_.NewConsumer({{"group.id", "g"}}, {"in"});
    ASSERT_TRUE(consumer);
    consumer_ = std::move(*consumer);
  }
  void Append(int records, int poison_at = -1) {
    for (int i = 0; i < records; ++i) {
      ASSERT_TRUE(cluster_.Append("in", i == poison_at ? "poison" : "ok-" + std::to_string(i), "value"));
    }
  }
  std::unique_ptr<kafka::Producer> Producer(const kafka::Properties& properties = {}) {
    auto producer = cluster_.NewProducer(properties);
    EXPECT_TRUE(producer);
    return std::move(*producer);
  }
  // Runs the loop until `records` are committed (or it returns), then stops it.
  Status Run(StageLoopOptions options, const BatchHandler& handle, int64_t records,
             const QuarantineHandler& quarantine = {}) {
    options.poll_wait = 1ms;  // so that it sees the stop at once
    return testing::RunStageOnFakeCluster(
               cluster_, *options.metrics, records,
               [&](const StageContext& c) { return RunStageLoop(*consumer_, options, handle, c.stop, quarantine); })
        .result;
  }

  kafka::FakeCluster cluster_;
  std::unique_ptr<kafka::Consumer> consumer_;
  StageMetrics metrics_{"test"};
};

TEST_F(StageLoopTest, PoisonRecordIsFoundByHalvingAndQuarantinedAndTheRestFlow) {
  Append(200, /*poison_at=*/107);
  std::set<std::string> handled, quarantined;
  int quarantine_attempts = 0, failed_batches = 0;
  auto handle = [&](const kafka::Batch& batch) -> Result<BatchOutcome> {
    for (const kafka::Record& r : batch) {
      if (r.key() == "poison") {
        ++failed_batches;
        return Retriable("the sink refuses this record");
      }
    }
    for (const kafka::Record& r : batch) handled.insert(std::string(r.key()));
    return BatchOutcome{.records_out = static_cast<int64_t>(batch.size())};
  };
  auto quarantine = [&](const kafka::Batch& batch, const Error& error, int attempts) -> Result<BatchOutcome> {
    EXPECT_EQ(batch.size(), 1u) << "the poison is found alone";
    EXPECT_EQ(error.reason, "the sink refuses this record");
    quarantined.insert(std::string(batch.front().key()));
    quarantine_attempts = attempts;
    BatchOutcome o;
    o.DeadLettered(error.code);
    return o;
  };
  StageLoopOptions options{
      .stage = "test", .batch_size = 64, .metrics = &metrics_, .max_attempts = 4, .first_backoff = 1ms};
  EXPECT_TRUE(Run(options, handle, 200, quarantine));
  EXPECT_EQ(handled.size(), 199u);
  EXPECT_EQ(quarantined, std::set<std::string>{"poison"});
  EXPECT_GE(quarantine_attempts, 4) << "at least max_attempts";
  // Halving finds it: a few failures per halving of the 64-record batch, not one per record.
  EXPECT_LE(failed_batches, 24);
  EXPECT_EQ(metrics_.dead_letters(v1::INTERNAL), 1) << "counted under the error's code";
  EXPECT_EQ(cluster_.CommittedOffset("g", "in", 0), 200) << "past the quarantined record";
}

TEST_F(StageLoopTest, AFatalErrorStopsTheLoopWithoutCommittingItsBatch) {
  Append(10);
  int calls = 0;
  auto handle = [&](const kafka::Batch&) -> Result<BatchOutcome> {
    ++calls;
    return Fatal("the database is gone");
  };
  Status s = Run({.stage = "test", .batch_size = 4, .metrics = &metrics_}, handle, 10);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().reason, "the database is gone");
  EXPECT_EQ(calls, 1) << "not retried";
  EXPECT_EQ(cluster_.CommittedOffset("g", "in", 0), std::nullopt);
  EXPECT_EQ(metrics_.committed.value(), 0);
}

TEST_F(StageLoopTest, ATransientFailureRedoesTheBatchFromItsFirstRecord) {
  Append(6);
  std::vector<std::string> seen;
  bool failed_once = false;
  auto handle = [&](const kafka::Batch& batch) -> Result<BatchOutcome> {
    for (const kafka::Record& r : batch) seen.emplace_back(r.key());
    if (!failed_once) {
      failed_once = true;
      return Retriable("broker busy");
    }
    return BatchOutcome{.records_out = static_cast<int64_t>(batch.size())};
  };
  EXPECT_TRUE(Run({.stage = "test", .batch_size = 3, .metrics = &metrics_, .first_backoff = 1ms}, handle, 6));
  EXPECT_EQ(seen, (std::vector<std::string>{"ok-0", "ok-1", "ok-2", "ok-0", "ok-1", "ok-2", "ok-3", "ok-4", "ok-5"}));
  EXPECT_EQ(metrics_.records_out.value(), 6);
  EXPECT_EQ(cluster_.CommittedOffset("g", "in", 0), 6);
}

// Exactly-once: the outputs and the offsets of a batch are committed together,
// and an aborted batch leaves neither behind before it is redone.
TEST_F(StageLoopTest, ProducingHandlerInATransactionCommitsOutputsWithOffsetsOrNeither) {
  Append(4);
  auto producer = Producer({{"transactional.id", "tx"}});
  ASSERT_TRUE(producer->InitTransactions(1s));
  int attempts = 0;
  BatchHandler handle = ProducingHandler(*producer, *consumer_, /*exactly_once=*/true, metrics_,
                                         [&](const kafka::Batch& batch, BatchOutcome* outcome) {
                                           for (const kafka::Record& r : batch) {
                                             if (Status s = producer->Produce("out", r.key(), "event"); !s) return s;
                                             ++outcome->records_out;
                                           }
                                           // The first attempt's outputs go to a topic that does not exist: the
                                           // transaction aborts.
                                           if (++attempts == 1) return producer->Produce("missing", "k", "v");
                                           return Status{};
                                         });
  EXPECT_TRUE(
      Run({.stage = "test", .batch_size = 4, .metrics = &metrics_, .commit_offsets = false, .first_backoff = 1ms},
          handle, 4));
  EXPECT_EQ(attempts, 2);
  EXPECT_EQ(cluster_.Records("out").size(), 4u) << "the aborted attempt's outputs are not there";
  EXPECT_EQ(cluster_.CommittedOffset("g", "in", 0), 4) << "the offsets travelled in the transaction";
}

TEST_F(StageLoopTest, DeadLetterQuarantineSendsTheRecordWithItsStageErrorAndAttempts) {
  Append(3, /*poison_at=*/1);
  auto producer = Producer();
  DeadLetterQueue dlq{.topic = "dlq", .max_record_bytes = 1 << 20};
  QuarantineHandler quarantine = DeadLetterQuarantine(*producer, *consumer_, dlq, "test", /*transactional=*/false);
  auto handle = [&](const kafka::Batch& batch) -> Result<BatchOutcome> {
    for (const kafka::Record& r : batch) {
      if (r.key() == "poison") return Retriable("refused");
    }
    return BatchOutcome{.records_out = static_cast<int64_t>(batch.size())};
  };
  EXPECT_TRUE(Run({.stage = "test", .batch_size = 3, .metrics = &metrics_, .max_attempts = 3, .first_backoff = 1ms},
                  handle, 3, quarantine));
  kafka::Batch dead = cluster_.Records("dlq");
  ASSERT_EQ(dead.size(), 1u);
  const kafka::Record& letter = dead[0];
  EXPECT_EQ(letter.key(), "poison");
  EXPECT_EQ(letter.value(), "value");
  EXPECT_EQ(letter.header(header::kDlqStage), "test");
  EXPECT_EQ(letter.header(header::kDlqReason), "refused");
  EXPECT_EQ(letter.header(header::kDlqTopic), "in");
  EXPECT_EQ(letter.header(header::kDlqOffset), "1");
  EXPECT_GE(std::stoi(std::string(letter.header(header::kDlqAttempts).value_or("0"))), 3);
  EXPECT_EQ(metrics_.records_out.value(), 2);
  EXPECT_EQ(cluster_.CommittedOffset("g", "in", 0), 3);
}

}  // namespace
}  // namespace herald
