#include "bench/passthrough.h"

#include <CLI/CLI.hpp>

#include "core/stage_loop.h"

namespace herald {

void AddPassthroughArguments(CLI::App* app, PassthroughOptions* o) {
  app->add_option("--brokers", o->kafka.brokers, "Kafka bootstrap servers")->capture_default_str();
  app->add_option("--raw-topic", o->topics.raw, "Topic to read")->capture_default_str();
  app->add_option("--events-topic", o->topics.events, "Topic to write")->capture_default_str();
  app->add_option("--group", o->group, "Consumer group")->capture_default_str();
  app->add_option("--batch-size", o->batch_size, "Records per poll and commit")->capture_default_str();
  app->add_option("--delivery", o->delivery, "exactly-once or at-least-once")
      ->check(CLI::IsMember({"exactly-once", "at-least-once"}))
      ->capture_default_str();
  app->add_option("--tuning", o->kafka.tuning, "Kafka client presets: throughput or latency")
      ->check(CLI::IsMember({"throughput", "latency"}))
      ->capture_default_str();
  app->add_option("--instance-id", o->instance_id, "Static membership and transactional.id (default: host name)");
  app->add_option("--admin-port", o->admin_port, "Admin endpoint port, 0 for none")->capture_default_str();
}

Status RunPassthrough(const PassthroughOptions& options, const StageContext& context) {
  const bool exactly_once = options.delivery == "exactly-once";
  StageMetrics& metrics = *context.metrics;
  auto clients = OpenStageClients("passthrough", options.kafka, options.group, options.instance_id,
                                  {.input = options.topics.raw, .outputs = {options.topics.events},
                                   .dead_letters = options.topics.dlq},
                                  exactly_once, metrics, context.stop);
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
                      {.stage = "passthrough", .batch_size = options.batch_size, .metrics = &metrics,
                       .commit_offsets = !exactly_once},
                      ProducingHandler(*producer, *consumer, exactly_once, metrics, copy), context.stop);
}

}  // namespace herald
