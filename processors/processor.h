// processor.h: the processor daemon (`herald process`): a consumer group on the
// raw-articles topic that turns each article into one EventRecord on the events
// topic, keyed by article id, and dead-letters what it cannot read.
//
//   ProcessorOptions options;              // brokers, topics, group, limits
//   SettingsTable settings;
//   DeclareProcessorSettings(settings, &options);   // file, environment, flags
//   Status s = RunProcessor(options, {.stop = stop_token, .metrics = &metrics});
//
// Delivery, --delivery:
//   exactly-once (default): each batch's events, dead letters and consumed
//     offsets are written in one Kafka transaction; a read_committed subscriber
//     sees each article's record once, across crashes and rebalances. The
//     transactional.id is derived from --instance-id, so a restarted instance
//     fences its predecessor; run one process per instance id.
//   at-least-once: no transactions; offsets are committed after every event and
//     dead letter of the batch is acknowledged. A crash replays the batch: the
//     events are keyed by article id, so sinks that upsert (the store) absorb it,
//     but subscribers may see duplicates. Cheaper per batch.
// Failure: bad input never stops it (each bad record goes to the DLQ with the
// reason); a fatal Kafka error returns an Error.
#pragma once

#include <stop_token>
#include <string>

#include "core/options.h"
#include "core/settings.h"
#include "core/stage_metrics.h"
#include "core/status.h"
#include "processors/knowledge_base.h"

namespace herald {

struct ProcessorOptions {
  KafkaOptions kafka;
  Topics topics;
  std::string group = "herald-processor";
  size_t batch_size = 1000;
  size_t max_article_bytes = 1 << 20;
  KnowledgeSources knowledge;
  Delivery delivery = Delivery::kExactlyOnce;
  // Threads extracting a batch's records; 0: one per CPU the process may use.
  size_t threads = 0;
  // Names this instance: its static group membership and transactional.id. Default: the host name.
  std::string instance_id;
};

void DeclareProcessorSettings(SettingsTable& table, ProcessorOptions* options);
Status RunProcessor(const ProcessorOptions& options, const StageContext& context);

}  // namespace herald
