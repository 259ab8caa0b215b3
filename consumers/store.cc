#include "consumers/store.h"

#include <CLI/CLI.hpp>

#include "consumers/event_input.h"
#include "consumers/sqlite_store.h"
#include "core/log.h"
#include "core/record_format.h"
#include "core/stage_loop.h"

namespace herald {

void AddStoreOptions(CLI::App* app, StoreOptions* o) {
  AddKafkaOptions(app, &o->kafka);
  AddTopicOptions(app, &o->topics);
  app->add_option("--group", o->group, "Consumer group id")->capture_default_str();
  app->add_option("--sqlite", o->sqlite_path, "SQLite database file (created if missing)")->capture_default_str();
  app->add_option("--batch-size", o->batch_size, "Records per database transaction and offset commit")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
}

Status RunStore(const StoreOptions& options, std::stop_token stop, StageCounters* counters) {
  auto store = SqliteEventStore::Open(options.sqlite_path);
  if (!store) return Unexpected(store.error());
  auto producer = kafka::Producer::Create(kafka::ProducerProperties(options.kafka.brokers, options.kafka.properties));
  if (!producer) return Unexpected(producer.error());
  auto consumer = kafka::Consumer::Create(
      kafka::ConsumerProperties(options.kafka.brokers, options.group, options.kafka.properties),
      {options.topics.events});
  if (!consumer) return Unexpected(consumer.error());
  log::Info("store started", {{"topic", options.topics.events}, {"sqlite", options.sqlite_path},
                              {"group", options.group}});

  std::vector<v1::EventRecord> records;
  std::vector<StoredEvent> rows;
  auto handle = [&](const kafka::Batch& batch) -> Result<BatchOutcome> {
    records.resize(batch.size());
    rows.clear();
    BatchOutcome outcome;
    for (size_t i = 0; i < batch.size(); ++i) {
      const kafka::Record& r = batch[i];
      auto decoded = DecodeOrDeadLetter(r, **producer, options.topics.dlq, "store", &records[i]);
      if (!decoded) return Unexpected(decoded.error());
      if (!*decoded) {
        ++outcome.dead_lettered;
        continue;
      }
      rows.push_back({&records[i], r.topic(), r.partition(), r.offset()});
    }
    if (Status s = (*producer)->Flush(std::chrono::seconds(60)); !s) return Unexpected(s.error());
    if (Status s = (*store)->Upsert(rows); !s) return Unexpected(s.error());
    outcome.records_out = static_cast<int64_t>(rows.size());
    return outcome;
  };
  // A record the database keeps refusing is dead-lettered rather than blocking its partition.
  auto quarantine = [&](const kafka::Batch& batch, const Error& error, int attempts) -> Result<BatchOutcome> {
    if (Status d = DeadLetter(**producer, options.topics.dlq, batch.front(), "store", error, attempts); !d) {
      return Unexpected(d.error());
    }
    if (Status f = (*producer)->Flush(std::chrono::seconds(60)); !f) return Unexpected(f.error());
    return BatchOutcome{.dead_lettered = 1};
  };
  Status s = RunStageLoop(**consumer, {.stage = "store", .batch_size = options.batch_size, .counters = counters},
                          handle, stop, quarantine);
  log::Info("store stopped");
  return s;
}

}  // namespace herald
