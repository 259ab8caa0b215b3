// options.h: the settings every herald command shares (brokers, Kafka
// pass-through properties, topics, logging) and every daemon shares (admin
// endpoint, shutdown), each declared once in a SettingsTable (core/settings.h).
//
//   SettingsTable table;
//   DeclareKafkaSettings(table, &opts.kafka);
//   DeclareTopicSettings(table, &opts.topics);
#pragma once

#include <string>
#include <string_view>

#include "core/enum_names.h"
#include "core/kafka.h"
#include "core/log.h"
#include "core/settings.h"

namespace herald {

struct Topics {
  std::string raw = "herald.articles.raw";
  std::string events = "herald.events.v1";
  std::string alerts = "herald.alerts.v1";
  std::string dlq = "herald.articles.dlq";
};

struct KafkaOptions {
  std::string brokers = "localhost:9092";
  kafka::Tuning tuning = kafka::Tuning::kThroughput;  // the client presets
  // librdkafka properties passed through as given (TLS, SASL, tuning); they win over the presets.
  kafka::Properties properties;

  kafka::Properties ProducerProperties() const { return kafka::ProducerProperties(brokers, properties, tuning); }
  kafka::Properties ConsumerProperties(std::string_view group) const {
    return kafka::ConsumerProperties(brokers, group, properties, tuning);
  }
};

struct LogOptions {
  log::Level level = log::Level::kInfo;
  bool json = false;
};

// How a stage's outputs and its consumed offsets are made durable together.
enum class Delivery { kExactlyOnce, kAtLeastOnce };
inline constexpr EnumName<Delivery> kDeliveryNames[] = {{Delivery::kExactlyOnce, "exactly-once"},
                                                        {Delivery::kAtLeastOnce, "at-least-once"}};

// Each long-running stage's names, declared once: the command that runs it, and the
// name it goes by everywhere else (settings section, metrics' stage label, client and
// transactional ids, dead letters' herald-stage header, logs); and its default admin
// port, distinct so that all of them can share a host (deploy/ files use the ports;
// tests/deploy_test.cc checks that they agree). Folders follow the layout: the
// processor is in processors/, the store and the alerter in consumers/, the
// passthrough in bench/.
struct StageName {
  std::string_view command;
  std::string_view name;
  int admin_port;  // 0: no admin endpoint unless asked for
};
inline constexpr StageName kProducerStage{"produce", "producer", 9640};  // with --watch
inline constexpr StageName kProcessorStage{"process", "processor", 9641};
inline constexpr StageName kStoreStage{"store", "store", 9642};
inline constexpr StageName kAlertStage{"alert", "alert", 9643};
inline constexpr StageName kFeedsStage{"feeds", "feeds", 9644};  // producers/feeds/
// The article API itself is on ingest.port (9645); its probes and metrics on
// the admin port, whose server slow clients of the API cannot hold up.
inline constexpr StageName kIngestStage{"ingest", "ingest", 9646};
inline constexpr StageName kPassthroughStage{"passthrough", "passthrough", 0};

// What a long-running stage adds to its own settings.
struct DaemonOptions {
  // Loopback: only the host sees the endpoints unless asked (the container image sets 0.0.0.0).
  std::string admin_host = "127.0.0.1";
  int admin_port = 0;  // per stage; 0 turns the admin endpoint off
  // /healthz fails when the stage loop has not turned for this long.
  int liveness_timeout_s = 120;
  // After SIGTERM or SIGINT: finish the batch in hand, commit, flush; exit 1 if that takes longer.
  int shutdown_timeout_s = 30;
  // Kafka refusing the credentials this long stops the daemon with status 1.
  int auth_failure_timeout_s = 60;
};

void DeclareKafkaSettings(SettingsTable& table, KafkaOptions* options);
void DeclareTopicSettings(SettingsTable& table, Topics* topics);
void DeclareLogSettings(SettingsTable& table, LogOptions* options);
void ApplyLogOptions(const LogOptions& options);
// `stage` prefixes the per-stage keys ("processor.admin_port"); set
// options->admin_port to the stage's default port first.
void DeclareDaemonSettings(SettingsTable& table, std::string_view stage, DaemonOptions* options);

}  // namespace herald
