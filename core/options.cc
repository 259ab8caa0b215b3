#include "core/options.h"

#include "core/log.h"

namespace herald {

void DeclareKafkaSettings(SettingsTable& t, KafkaOptions* o) {
  t.Add("brokers", &o->brokers, "Kafka bootstrap servers, host:port[,host:port].").Flag("--brokers");
  t.Add("tuning", BindEnum(&o->tuning, kafka::kTuningNames),
        "Kafka client presets: throughput (producers linger 5 ms to fill batches) or latency (producers linger "
        "1 ms, Nagle off, shorter fetch waits). Properties under kafka: override either.")
      .Flag("--tuning");
  t.Add("kafka", &o->properties,
        "librdkafka properties passed through as given (TLS, SASL, tuning), e.g. security.protocol: SASL_SSL. "
        "In the environment HERALD_KAFKA_SECURITY_PROTOCOL sets security.protocol.")
      .Flag("-X,--kafka-property");
}

void DeclareTopicSettings(SettingsTable& t, Topics* topics) {
  t.Add("topics.raw", &topics->raw, "Topic of raw articles.").Flag("--raw-topic");
  t.Add("topics.events", &topics->events, "Topic of event records.").Flag("--events-topic");
  t.Add("topics.alerts", &topics->alerts, "Topic of alerts.").Flag("--alerts-topic");
  t.Add("topics.dlq", &topics->dlq, "Dead-letter topic: rejected records with the reason.").Flag("--dlq-topic");
}

void DeclareLogSettings(SettingsTable& t, LogOptions* o) {
  t.Add("log.level", BindEnum(&o->level, log::kLevelNames), "Least severe log level written (to stderr).")
      .Flag("--log-level");
  t.Add("log.json", &o->json, "Write log lines as JSON objects.").Flag("--log-json");
}

void ApplyLogOptions(const LogOptions& o) {
  log::SetLevel(o.level);
  log::SetJson(o.json);
}

void DeclareDaemonSettings(SettingsTable& t, std::string_view stage, DaemonOptions* o) {
  const std::string prefix(stage);
  t.Add("admin.host", &o->admin_host,
        "Address the admin endpoints (/healthz, /readyz, /metrics) listen on: loopback unless told otherwise; "
        "the container image sets 0.0.0.0 (HERALD_ADMIN_HOST) so that probes and scrapers can reach them.")
      .Flag("--admin-host");
  t.Add(prefix + ".admin_port", &o->admin_port, "Port of this daemon's admin endpoints; 0 turns them off.")
      .Flag("--admin-port")
      .Range(0, 65535);
  t.Add("admin.liveness_timeout_s", &o->liveness_timeout_s,
        "/healthz reports a stall when the stage loop has not turned for this many seconds.")
      .Flag("--liveness-timeout")
      .Range(1, 3600);
  t.Add("shutdown_timeout_s", &o->shutdown_timeout_s,
        "After SIGTERM or SIGINT the daemon finishes its batch, commits and flushes; past this many seconds it "
        "exits with status 1 instead.")
      .Flag("--shutdown-timeout")
      .Range(1, 3600);
  t.Add("auth_failure_timeout_s", &o->auth_failure_timeout_s,
        "When the brokers have refused the daemon's credentials (SASL, TLS) for this many seconds, it stops with "
        "status 1 and says so, rather than retrying for ever.")
      .Flag("--auth-failure-timeout")
      .Range(1, 86400);
}

}  // namespace herald
