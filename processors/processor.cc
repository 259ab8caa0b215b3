#include "processors/processor.h"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>

#include "core/clock.h"
#include "core/log.h"
#include "core/record_format.h"
#include "core/stage_loop.h"
#include "core/worker_pool.h"
#include "processors/extractor.h"
#include "processors/record_fit.h"

#ifndef HERALD_VERSION
#define HERALD_VERSION "dev"
#endif

namespace herald {
namespace {

int64_t ParseMicros(std::optional<std::string_view> v) {
  if (!v) return 0;
  int64_t out = 0;
  for (char c : *v) {
    if (c < '0' || c > '9') return 0;
    out = out * 10 + (c - '0');
  }
  return out;
}

}  // namespace

void DeclareProcessorSettings(SettingsTable& t, ProcessorOptions* o) {
  DeclareKafkaSettings(t, &o->kafka);
  DeclareTopicSettings(t, &o->topics);
  t.Add("processor.group", &o->group, "Consumer group of the processors.").Flag("--group");
  t.Add("processor.batch_size", &o->batch_size, "Records per poll and per transaction.")
      .Flag("--batch-size")
      .Range(1, 100000);
  t.Add("processor.delivery", BindEnum(&o->delivery, kDeliveryNames),
        "exactly-once: each batch's events, dead letters and offsets in one Kafka transaction; at-least-once: "
        "a batch's offsets are committed, by the consumer's commit every second, once its events are "
        "acknowledged (cheaper; a crash may repeat events).")
      .Flag("--delivery");
  t.Add("processor.threads", &o->threads,
        "Threads extracting each batch's articles (events are still produced in batch order). 0: one per CPU "
        "the process may run on (its affinity mask; in a container with a CPU limit, set the limit instead).")
      .Flag("--threads")
      .Range(0, 256);
  t.Add("processor.instance_id", &o->instance_id,
        "This instance's name: its static group membership and transactional.id. Empty: the host name.")
      .Flag("--instance-id");
  t.Add("processor.max_article_bytes", &o->max_article_bytes, "Larger articles are dead-lettered.")
      .Flag("--max-article-bytes")
      .Range(1, 64 << 20);
  DeclareKnowledgeSettings(t, &o->knowledge);
}

Status RunProcessor(const ProcessorOptions& options, const StageContext& context) {
  const bool exactly_once = options.delivery == Delivery::kExactlyOnce;
  auto kb = KnowledgeBase::Load(options.knowledge);
  if (!kb) return Unexpected(kb.error());
  Extractor extractor(*kb);

  StageMetrics& metrics = *context.metrics;
  auto clients = OpenStageClients(
      kProcessorStage.name, options.kafka, options.group, options.instance_id,
      {.input = options.topics.raw, .outputs = {options.topics.events}, .dead_letters = options.topics.dlq},
      exactly_once, context);
  if (!clients) return Unexpected(clients.error());
  auto& producer = clients->producer;
  auto& consumer = clients->consumer;
  const std::string& instance = clients->instance;
  const DeadLetterQueue& dlq = clients->dead_letters;
  const size_t max_event_bytes = clients->limits.For(options.topics.events);
  if (options.max_article_bytes > max_event_bytes) {
    log::Info("articles may be larger than the events topic accepts; such records are trimmed (EventRecord.trimmed)",
              {{"max_article_bytes", std::to_string(options.max_article_bytes)},
               {"max_event_bytes", std::to_string(max_event_bytes)}});
  }
  log::Info("processor started", {{"brokers", options.kafka.brokers},
                                  {"topic", options.topics.raw},
                                  {"group", options.group},
                                  {"instance", instance},
                                  {"delivery", NameOf(options.delivery, kDeliveryNames)}});

  const kafka::Headers event_headers_template = {
      {std::string(header::kContentType), std::string(kProtobufContentType)}};
  // Extraction, the costly part, runs on the pool's threads, each with its own
  // arena; production stays on this thread, in batch order, so that a batch's
  // transaction and offsets mean what they meant with one thread.
  WorkerPool pool(options.threads);
  std::vector<RecordArena> arenas(pool.size());
  struct Extracted {
    Status status;
    std::string id;
    // Handed to librdkafka as they are, not copied.
    kafka::MallocBytes serialized;
    size_t size = 0;
    int64_t produced_at_us = 0;
  };
  std::vector<Extracted> extracted;
  // Events and dead letters of one batch, produced; the outcome counts them.
  ProduceBatch produce_batch = [&](const kafka::Batch& batch, BatchOutcome* outcome) -> Status {
    const std::string processed_at = NowRfc3339();
    extracted.resize(std::max(extracted.size(), batch.size()));
    pool.ForEach(batch.size(), [&](size_t i, size_t worker) {
      const kafka::Record& r = batch[i];
      Extracted& out = extracted[i];
      ParseOptions parse{.content_type = r.header(header::kContentType),
                         .source = r.header(header::kSource).value_or(""),
                         .url = r.header(header::kUrl).value_or(""),
                         .key = r.key(),
                         .max_bytes = options.max_article_bytes};
      v1::EventRecord* record = arenas[worker].NewRecord();
      out.status = extractor.Process(r.value(), parse, record);
      if (!out.status) return;
      out.produced_at_us = ParseMicros(r.header(header::kProducedAtUs));
      v1::Provenance* p = record->mutable_provenance();
      p->set_topic(r.topic());
      p->set_partition(r.partition());
      p->set_offset(r.offset());
      p->set_processed_at(processed_at);
      p->set_processor_version(HERALD_VERSION);
      p->set_produced_at_us(out.produced_at_us);
      out.id = record->id();
      // The headers added below: content-type and produced-at.
      const size_t framing = RecordBytes(out.id, {}, event_headers_template) + 64;
      Result<size_t> fitted = FitEventRecord(max_event_bytes > framing ? max_event_bytes - framing : 0, record);
      if (!fitted) {
        out.status = Unexpected(fitted.error());
        return;
      }
      out.size = *fitted;
      // Protobuf refuses messages past 2 GiB; those are not allocated at all.
      out.serialized.reset(out.size > static_cast<size_t>(INT_MAX)
                               ? nullptr
                               : static_cast<char*>(std::malloc(std::max<size_t>(out.size, 1))));
      if (!out.serialized) {
        out.status = Unexpected(Error{v1::SERIALIZE_FAILED, ErrorKind::kPermanent, "event record did not serialise"});
        return;
      }
      record->SerializeWithCachedSizesToArray(reinterpret_cast<uint8_t*>(out.serialized.get()));
    });
    for (size_t i = 0; i < batch.size(); ++i) {
      const kafka::Record& r = batch[i];
      Extracted& e = extracted[i];
      Status sent;
      if (e.status) {
        kafka::Headers h = event_headers_template;
        if (e.produced_at_us) h.push_back({std::string(header::kProducedAtUs), std::to_string(e.produced_at_us)});
        sent = producer->Produce(options.topics.events, e.id, e.serialized, e.size, h);
        ++outcome->records_out;
      } else {
        const Error& error = e.status.error();
        const char* step =
            error.code == v1::SERIALIZE_FAILED || error.code == v1::RECORD_TOO_LARGE ? "serialize" : "parse";
        log::Debug("article rejected",
                   {{"code", error.code_name()}, {"reason", error.reason}, {"offset", std::to_string(r.offset())}});
        sent = DeadLetter(*producer, dlq, r, step, error);
        outcome->DeadLettered(error.code);
      }
      if (!sent) return sent;
    }
    return {};
  };
  BatchHandler handle = ProducingHandler(*producer, *consumer, exactly_once, metrics, produce_batch);
  // A record that keeps failing is dead-lettered rather than blocking its partition.
  QuarantineHandler quarantine = DeadLetterQuarantine(*producer, *consumer, dlq, kProcessorStage.name, exactly_once);
  Status s = RunStageLoop(*consumer,
                          {.stage = std::string(kProcessorStage.name),
                           .batch_size = options.batch_size,
                           .metrics = &metrics,
                           .commit_offsets = !exactly_once},
                          handle, context.stop, quarantine);
  log::Info("processor stopped", {{"delivered", std::to_string(producer->delivered())}});
  return s;
}

}  // namespace herald
