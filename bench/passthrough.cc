#include "bench/passthrough.h"

#include "core/stage_loop.h"

namespace herald {

void DeclarePassthroughSettings(SettingsTable& t, PassthroughOptions* o) {
  DeclareKafkaSettings(t, &o->kafka);
  DeclareTopicSettings(t, &o->topics);
  t.Add("passthrough.group", &o->group, "Consumer group of the passthroughs.").Flag("--group");
  t.Add("passthrough.batch_size", &o->batch_size, "Records per poll and per transaction or commit.")
      .Flag("--batch-size")
      .Range(1, 100000);
  t.Add("passthrough.delivery", BindEnum(&o->delivery, kDeliveryNames),
        "As processor.delivery: the baseline runs the same way as the processor it is compared with.")
      .Flag("--delivery");
  t.Add("passthrough.instance_id", &o->instance_id,
        "Static group membership and transactional.id. Empty: the host name.")
      .Flag("--instance-id");
}

Status RunPassthrough(const PassthroughOptions& options, const StageContext& context) {
  const bool exactly_once = options.delivery == Delivery::kExactlyOnce;
  StageMetrics& metrics = *context.metrics;
  auto clients = OpenStageClients(
      kPassthroughStage.name, options.kafka, options.group, options.instance_id,
      {.input = options.topics.raw, .outputs = {options.topics.events}, .dead_letters = options.topics.dlq},
      exactly_once, context);
  if (!clients) return Unexpected(clients.error());
  auto& producer = clients->producer;
  auto& consumer = clients->consumer;
  ProduceBatch copy = [&](const kafka::Batch& batch, BatchOutcome* outcome) -> Status {
    for (const kafka::Record& r : batch) {
      if (Status s = producer->Produce(options.topics.events, r.key(), r.value(), r.headers()); !s) return s;
      ++outcome->records_out;
    }
    return {};
  };
  return RunStageLoop(*consumer,
                      {.stage = std::string(kPassthroughStage.name),
                       .batch_size = options.batch_size,
                       .metrics = &metrics,
                       .commit_offsets = !exactly_once},
                      ProducingHandler(*producer, *consumer, exactly_once, metrics, copy), context.stop);
}

}  // namespace herald
