// The store's wiring, on the in-memory cluster (core/fake_kafka.h): event
// records in, rows in SQLite, a record that is not an EventRecord dead-lettered,
// offsets committed after the database commit. The delivery guarantees
// themselves are proven against the real broker (tests/).
#include "consumers/store/store.h"

#include <gtest/gtest.h>

#include "consumers/store/sqlite_store.h"
#include "core/fake_kafka.h"
#include "core/record_format.h"
#include "core/scoped_temp_dir.h"
#include "core/stage_testing.h"
#include "herald/v1/event.pb.h"

namespace herald {
namespace {

TEST(StoreWiringTest, RecordsBecomeRowsAndUndecodableOnesDeadLetters) {
  kafka::FakeCluster cluster;
  ScopedTempDir dir("herald-store-wiring");
  StoreOptions options;
  options.topics = {"wiring.raw", "wiring.events", "wiring.alerts", "wiring.dlq"};
  options.database.sqlite_path = (dir.path() / "events.db").string();
  cluster.CreateTopic(options.topics.events, 1);
  cluster.CreateTopic(options.topics.dlq, 1);
  for (const char* id : {"a1", "a2"}) {
    v1::EventRecord record;
    record.set_id(id);
    record.mutable_article()->set_title(std::string("Title ") + id);
    ASSERT_TRUE(cluster.Append(options.topics.events, id, record.SerializeAsString()));
  }
  ASSERT_TRUE(cluster.Append(options.topics.events, "garbage", "\xff\xff not protobuf"));

  StageMetrics metrics(std::string(kStoreStage.name));
  testing::StageRun run =
      testing::RunStageOnFakeCluster(cluster, metrics, 3, [&](const StageContext& c) { return RunStore(options, c); });
  EXPECT_TRUE(run.committed);
  EXPECT_TRUE(run.result) << run.result.error().reason;

  auto db = SqliteEventStore::Open(options.database.sqlite_path);
  ASSERT_TRUE(db);
  Result<int64_t> rows = (*db)->Count();
  ASSERT_TRUE(rows);
  EXPECT_EQ(*rows, 2);
  kafka::Batch dead = cluster.Records(options.topics.dlq);
  ASSERT_EQ(dead.size(), 1u);
  const kafka::Record& letter = dead[0];
  EXPECT_EQ(letter.key(), "garbage");
  EXPECT_EQ(letter.header(header::kDlqErrorCode), "MALFORMED_EVENT_RECORD");
  EXPECT_EQ(letter.header(header::kDlqStage), kStoreStage.name);
  EXPECT_EQ(cluster.CommittedOffset(options.group, options.topics.events, 0), 3);
  EXPECT_EQ(metrics.records_out.value(), 2);
}

}  // namespace
}  // namespace herald
