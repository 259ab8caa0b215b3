#include "consumers/store/store.h"

#include <CLI/CLI.hpp>

#include "consumers/event_input.h"
#include "consumers/store/event_store.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/record_format.h"
#include "core/stage_loop.h"

namespace herald {

void DeclareStoreSettings(SettingsTable& t, StoreOptions* o) {
  DeclareKafkaSettings(t, &o->kafka);
  DeclareTopicSettings(t, &o->topics);
  t.Add("store.group", &o->group, "Consumer group of the stores.").Flag("--group");
  DeclareStoreDatabaseSettings(t, &o->database);
  t.Add("store.batch_size", &o->batch_size,
        "Records per database transaction; their offsets are committed within a second after it.")
      .Flag("--batch-size")
      .Range(1, 100000);
  t.Add("store.retention_days", &o->retention_days,
        "Purge records whose time (published, else processed) is older than this many days; 0 keeps them.")
      .Flag("--retention-days")
      .Range(0, 36500);
  t.Add("store.max_articles", &o->max_articles, "Purge the oldest records past this many; 0 keeps them all.")
      .Flag("--max-articles")
      .Range(0, int64_t{1} << 40);
  t.Add("store.instance_id", &o->instance_id,
        "This instance's name: its static group membership, so that a restarted store takes its partitions "
        "back at once. Empty: the host name.")
      .Flag("--instance-id");
}

void DeclareStoreDatabaseSettings(SettingsTable& t, EventStoreOptions* o) {
  t.Add("store.sqlite", &o->sqlite_path,
        "SQLite database file of the store (which creates it when missing), unless store.postgres is set.")
      .Flag("--sqlite");
  t.Add("store.postgres", &o->postgres_uri,
        "PostgreSQL connection URI (postgresql://user:password@host:5432/db) or key=value string; when set, "
        "the store is in PostgreSQL instead of SQLite.")
      .Flag("--postgres");
}

Status RunStore(const StoreOptions& options, const StageContext& context) {
  StageMetrics& metrics = *context.metrics;
  auto store = OpenEventStore(options.database);
  if (!store) return Unexpected(store.error());
  // No transactions: the database commit, then the offsets, make a batch durable.
  auto clients = OpenStageClients(kStoreStage.name, options.kafka, options.group, options.instance_id,
                                  {.input = options.topics.events, .dead_letters = options.topics.dlq},
                                  /*exactly_once=*/false, context);
  if (!clients) return Unexpected(clients.error());
  auto& producer = clients->producer;
  auto& consumer = clients->consumer;
  log::Info("store started",
            {{"topic", options.topics.events}, {"database", (*store)->kind()}, {"group", options.group}});

  metrics::Histogram& write_seconds = metrics.sink_write_seconds(std::string((*store)->kind()));
  std::vector<v1::EventRecord> records;
  std::vector<StoredEvent> rows;
  auto handle = [&](const kafka::Batch& batch) -> Result<BatchOutcome> {
    records.resize(batch.size());
    rows.clear();
    BatchOutcome outcome;
    for (size_t i = 0; i < batch.size(); ++i) {
      const kafka::Record& r = batch[i];
      auto decoded = DecodeOrDeadLetter(r, *producer, clients->dead_letters, kStoreStage.name, &records[i]);
      if (!decoded) return Unexpected(decoded.error());
      if (!*decoded) {
        outcome.DeadLettered(v1::MALFORMED_EVENT_RECORD);
        continue;
      }
      rows.push_back({&records[i], r.topic(), r.partition(), r.offset()});
    }
    if (Status s = producer->Flush(std::chrono::seconds(60)); !s) return Unexpected(s.error());
    Status written = metrics.TimedSinkWrite(write_seconds, [&] { return (*store)->Upsert(rows); });
    if (!written) return Unexpected(written.error());
    outcome.records_out = static_cast<int64_t>(rows.size());
    return outcome;
  };
  // A record the database keeps refusing is dead-lettered rather than blocking its partition.
  QuarantineHandler quarantine =
      DeadLetterQuarantine(*producer, *consumer, clients->dead_letters, kStoreStage.name, /*transactional=*/false);
  // Retention: a small batch at a time between the batches of records, at
  // most once a second unless the last pass found more to remove, so that
  // the purge never holds the writes up for long.
  const RetentionPolicy retention{.max_age_seconds = int64_t{options.retention_days} * 86400,
                                  .max_articles = options.max_articles};
  metrics::Counter& purged = metrics.registry().AddCounter(
      "herald_store_purged_total",
      "Records removed by the retention policy (store.retention_days, store.max_articles)");
  auto next_purge = std::chrono::steady_clock::now();
  auto purge = [&] {
    if (!retention.any() || std::chrono::steady_clock::now() < next_purge) return;
    constexpr int64_t kPurgeBatch = 500;
    auto removed = (*store)->Purge(retention, NowMicros() / 1000000, kPurgeBatch);
    if (!removed) log::Warn("purge failed; retrying later", {{"reason", removed.error().reason}});
    if (removed) purged.Add(*removed);
    const bool more = removed && *removed == kPurgeBatch;
    next_purge = std::chrono::steady_clock::now() + (more ? std::chrono::seconds(0) : std::chrono::seconds(1));
  };
  Status s = RunStageLoop(*consumer,
                          {.stage = std::string(kStoreStage.name),
                           .batch_size = options.batch_size,
                           .metrics = &metrics,
                           .between_batches = purge},
                          handle, context.stop, quarantine);
  log::Info("store stopped");
  return s;
}

}  // namespace herald
