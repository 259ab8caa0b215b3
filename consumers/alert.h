// alert.h: the alert daemon (`herald alert`): a consumer group on the events
// topic that evaluates the alert rules (alert_rules.h) against each record and,
// for each match, writes an Alert to the alerts topic, a line to stdout, and a
// JSON POST to the rule's (or the default) webhook.
//
// A rule fires at most once per article, across restarts: each batch's alerts
// and its consumed offsets go in one Kafka transaction (so a crash never
// re-fires a committed batch), and the ids of fired alerts ("<rule>/<article
// id>") are kept in the state file (so an article produced or replayed again
// later does not fire again). Webhooks go through an outbox in the state file,
// written with the alert before the commit (alert_state.h) and emptied by a
// dispatcher of their own (webhook_outbox.h: per-endpoint concurrency,
// time-outs, retries, a circuit breaker), so that a slow or dead endpoint
// never holds up the alerts and a crash loses no delivery. stdout lines follow
// the commit.
// Failure: a webhook that still fails after its attempts is recorded in the
// state file's webhook_failures table and logged; the alerts topic stays the
// source of truth; an endpoint that keeps failing makes /readyz say so. A fatal
// Kafka error returns an Error.
#pragma once

#include <functional>
#include <stop_token>
#include <string>

#include "core/options.h"
#include "core/settings.h"
#include "core/stage_metrics.h"
#include "core/status.h"
#include "herald/v1/alert.pb.h"

namespace herald {

struct AlertOptions {
  KafkaOptions kafka;
  Topics topics;
  std::string group = "herald-alert";
  std::string rules_path;
  // Default webhook for rules without their own; empty for none.
  std::string webhook;
  int webhook_attempts = 8;
  int webhook_timeout_s = 5;
  int webhook_concurrency = 4;
  int webhook_drain_s = 10;
  size_t batch_size = 500;
  // SQLite file remembering fired alerts and failed webhook deliveries.
  std::string state_path = "herald-alert-state.db";
  // Names this instance: static group membership and transactional.id (default: host name).
  std::string instance_id;
};

void DeclareAlertSettings(SettingsTable& table, AlertOptions* options);
// on_alert, when given, sees every alert fired (the demo collects them).
// Each change of *context.reloads (SIGHUP) reloads the rules file between
// batches; a file that does not load is logged and the rules in use stay.
Status RunAlert(const AlertOptions& options, const StageContext& context,
                const std::function<void(const v1::Alert&)>& on_alert = {});

// One stdout line for an alert: "ALERT WARNING us-china-military-contact <article id> "title" (reasons)".
std::string FormatAlertLine(const v1::Alert& alert);

}  // namespace herald
