// The in-memory cluster keeps the promises the stage wiring tests rely on:
// what consumers see, what transactions make visible, what commits record.
#include "core/fake_kafka.h"

#include <gtest/gtest.h>

namespace herald::kafka {
namespace {

std::unique_ptr<Producer> NewProducer(FakeCluster& cluster, const Properties& properties = {}) {
  auto producer = cluster.NewProducer(properties);
  EXPECT_TRUE(producer) << producer.error().reason;
  return std::move(*producer);
}

std::unique_ptr<Consumer> NewConsumer(FakeCluster& cluster, const std::string& group, const std::string& topic) {
  auto consumer = cluster.NewConsumer({{"group.id", group}}, {topic});
  EXPECT_TRUE(consumer) << consumer.error().reason;
  return std::move(*consumer);
}

std::vector<std::string> Keys(const Batch& batch) {
  std::vector<std::string> keys;
  for (const Record& r : batch) keys.emplace_back(r.key());
  return keys;
}

TEST(FakeClusterTest, RecordsOfOneKeyStayInOrderOnOnePartition) {
  FakeCluster cluster;
  cluster.CreateTopic("t", 4);
  auto producer = NewProducer(cluster);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(producer->Produce("t", "same", std::to_string(i), {{"h", "v"}}));
  ASSERT_TRUE(producer->Flush(std::chrono::seconds(1)));
  kafka::Batch records = cluster.Records("t");
  ASSERT_EQ(records.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(records[i].value(), std::to_string(i));
    EXPECT_EQ(records[i].partition(), records[0].partition());
    EXPECT_EQ(records[i].offset(), i);
    EXPECT_EQ(records[i].header("h"), "v");
  }
  EXPECT_EQ(producer->delivered(), 5);
}

TEST(FakeClusterTest, AConsumerResumesAfterItsGroupsCommittedOffsetAndRewinds) {
  FakeCluster cluster;
  cluster.CreateTopic("t", 1);
  for (const char* key : {"a", "b", "c"}) ASSERT_TRUE(cluster.Append("t", key, "v"));
  auto first = NewConsumer(cluster, "g", "t");
  auto batch = first->Poll(2, std::chrono::milliseconds(0));
  ASSERT_TRUE(batch);
  EXPECT_EQ(Keys(*batch), (std::vector<std::string>{"a", "b"}));
  ASSERT_TRUE(first->Rewind(*batch));
  auto again = first->Poll(10, std::chrono::milliseconds(0));
  EXPECT_EQ(Keys(*again), (std::vector<std::string>{"a", "b", "c"}));
  first->StoreOffsets(*batch);  // only a and b
  EXPECT_EQ(cluster.CommittedOffset("g", "t", 0), 2);
  EXPECT_EQ(first->Committed("t", 0, std::chrono::seconds(1)).value(), 2);
  EXPECT_EQ(first->Lag(std::chrono::seconds(1))->at({"t", 0}), 1);
  EXPECT_EQ(first->EndOffset("t", 0, std::chrono::seconds(1)).value(), 3);

  auto next = NewConsumer(cluster, "g", "t");
  EXPECT_EQ(Keys(*next->Poll(10, std::chrono::milliseconds(0))), std::vector<std::string>{"c"});
  auto other_group = NewConsumer(cluster, "h", "t");
  EXPECT_EQ(other_group->Poll(10, std::chrono::milliseconds(0))->size(), 3u) << "from the earliest";
}

TEST(FakeClusterTest, ATransactionsRecordsAndOffsetsAppearTogetherAtCommitAndNeverAtAbort) {
  FakeCluster cluster;
  cluster.CreateTopic("in", 1);
  cluster.CreateTopic("out", 1);
  ASSERT_TRUE(cluster.Append("in", "k", "v"));
  auto consumer = NewConsumer(cluster, "g", "in");
  auto batch = consumer->Poll(10, std::chrono::milliseconds(0));
  auto producer = NewProducer(cluster, {{"transactional.id", "tx"}});
  EXPECT_FALSE(producer->Produce("out", "k", "early")) << "no transaction begun";
  ASSERT_TRUE(producer->InitTransactions(std::chrono::seconds(1)));

  ASSERT_TRUE(producer->BeginTransaction());
  ASSERT_TRUE(producer->Produce("out", "k", "aborted"));
  ASSERT_TRUE(producer->SendOffsetsToTransaction(*batch, *consumer, std::chrono::seconds(1)));
  ASSERT_TRUE(producer->AbortTransaction(std::chrono::seconds(1)));
  EXPECT_TRUE(cluster.Records("out").empty());
  EXPECT_EQ(cluster.CommittedOffset("g", "in", 0), std::nullopt);

  ASSERT_TRUE(producer->BeginTransaction());
  ASSERT_TRUE(producer->Produce("out", "k", "committed"));
  ASSERT_TRUE(producer->SendOffsetsToTransaction(*batch, *consumer, std::chrono::seconds(1)));
  EXPECT_TRUE(cluster.Records("out").empty()) << "not before the commit";
  ASSERT_TRUE(producer->CommitTransaction(std::chrono::seconds(1)));
  ASSERT_EQ(cluster.Records("out").size(), 1u);
  EXPECT_EQ(cluster.Records("out")[0].value(), "committed");
  EXPECT_EQ(cluster.CommittedOffset("g", "in", 0), 1);
}

TEST(FakeClusterTest, UndeliverableRecordsFailTheFlushOrTheTransactionAsLibrdkafkasDo) {
  FakeCluster cluster;
  cluster.CreateTopic("small", 1, /*max_message_bytes=*/10);
  auto producer = NewProducer(cluster);
  ASSERT_TRUE(producer->Produce("small", "k", std::string(100, 'x')));
  Status flushed = producer->Flush(std::chrono::seconds(1));
  ASSERT_FALSE(flushed);
  EXPECT_EQ(flushed.error().kind, ErrorKind::kRetriable);
  EXPECT_NE(flushed.error().reason.find("Message size too large"), std::string::npos) << flushed.error().reason;
  EXPECT_TRUE(producer->Flush(std::chrono::seconds(1))) << "reported once";
  EXPECT_EQ(producer->failed(), 1);

  auto transactional = NewProducer(cluster, {{"transactional.id", "tx"}});
  ASSERT_TRUE(transactional->InitTransactions(std::chrono::seconds(1)));
  ASSERT_TRUE(transactional->BeginTransaction());
  ASSERT_TRUE(transactional->Produce("missing", "k", "v"));
  Status committed = transactional->CommitTransaction(std::chrono::seconds(1));
  ASSERT_FALSE(committed);
  EXPECT_EQ(committed.error().kind, ErrorKind::kAbortTransaction);
  EXPECT_NE(committed.error().reason.find("Unknown topic"), std::string::npos) << committed.error().reason;
}

TEST(FakeClusterTest, TrackedDeliveriesSayWhetherTheirOwnRecordsArrived) {
  FakeCluster cluster;
  cluster.CreateTopic("small", 1, /*max_message_bytes=*/10);
  auto producer = NewProducer(cluster);
  auto good = std::make_shared<Deliveries>(), bad = std::make_shared<Deliveries>();
  ASSERT_TRUE(producer->ProduceTracked("small", "k", "v", {}, good));
  ASSERT_TRUE(producer->ProduceTracked("small", "k", std::string(100, 'x'), {}, bad));
  EXPECT_TRUE(good->Wait(*producer, std::chrono::seconds(1)));
  Status failed = bad->Wait(*producer, std::chrono::seconds(1));
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().kind, ErrorKind::kRetriable);
  EXPECT_EQ(cluster.Records("small").size(), 1u);
}

TEST(FakeClusterTest, RefusesWhatLibrdkafkaRefuses) {
  FakeCluster cluster;
  EXPECT_FALSE(cluster.NewProducer({{"linger.ms", "soon"}}));
  EXPECT_FALSE(cluster.NewConsumer({}, {"t"})) << "a consumer needs its group";
  auto producer = NewProducer(cluster);
  EXPECT_EQ(producer->InitTransactions(std::chrono::seconds(1)).error().kind, ErrorKind::kFatal)
      << "no transactional.id";
}

}  // namespace
}  // namespace herald::kafka
