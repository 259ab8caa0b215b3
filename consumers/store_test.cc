// The store's wiring, on librdkafka's in-process mock cluster (no broker to
// start): event records in, rows in SQLite, a record that is not an EventRecord
// dead-lettered, offsets committed. The delivery guarantees themselves are proven
// against the real broker (tests/).
#include "consumers/store.h"

#include <gtest/gtest.h>

#include "consumers/sqlite_store.h"
#include "core/kafka.h"
#include "core/record_format.h"
#include "core/scoped_temp_dir.h"
#include "herald/v1/event.pb.h"
#include "tests/kafka_test_support.h"

namespace herald {
namespace {

using testing::ReadRecord;
using testing::ReadTopic;
using testing::RunStageUntilCommitted;

TEST(StoreWiringTest, RecordsBecomeRowsAndUndecodableOnesDeadLetters) {
  auto cluster = kafka::MockCluster::Start(1);
  ASSERT_TRUE(cluster) << cluster.error().reason;
  const std::string brokers = (*cluster)->bootstrap_servers();
  ScopedTempDir dir("herald-store-wiring");
  StoreOptions options;
  options.kafka.brokers = brokers;
  options.topics = {"wiring.raw", "wiring.events", "wiring.alerts", "wiring.dlq"};
  options.sqlite_path = (dir.path() / "events.db").string();
  for (const std::string& t : {options.topics.events, options.topics.dlq}) ASSERT_TRUE((*cluster)->CreateTopic(t, 1));
  auto producer = kafka::Producer::Create(kafka::ProducerProperties(brokers));
  ASSERT_TRUE(producer);
  for (const char* id : {"a1", "a2"}) {
    v1::EventRecord record;
    record.set_id(id);
    record.mutable_article()->set_title(std::string("Title ") + id);
    ASSERT_TRUE((*producer)->Produce(options.topics.events, id, record.SerializeAsString(), {}));
  }
  ASSERT_TRUE((*producer)->Produce(options.topics.events, "garbage", "\xff\xff not protobuf", {}));
  ASSERT_TRUE((*producer)->Flush(std::chrono::seconds(10)));

  StageMetrics metrics(std::string(kStoreStage.name));
  Status result;
  EXPECT_TRUE(RunStageUntilCommitted(
      metrics, 3, [&](const StageContext& c) { return RunStore(options, c); }, &result));
  EXPECT_TRUE(result) << result.error().reason;

  auto db = SqliteEventStore::Open(options.sqlite_path);
  ASSERT_TRUE(db);
  Result<int64_t> rows = (*db)->Count();
  ASSERT_TRUE(rows);
  EXPECT_EQ(*rows, 2);
  std::vector<ReadRecord> dead = ReadTopic(brokers, options.topics.dlq, 1);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].key, "garbage");
  EXPECT_EQ(dead[0].header(header::kDlqErrorCode), "MALFORMED_EVENT_RECORD");
  EXPECT_EQ(dead[0].header(header::kDlqStage), kStoreStage.name);
}

}  // namespace
}  // namespace herald
