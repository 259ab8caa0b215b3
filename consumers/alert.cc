#include "consumers/alert.h"

#include "herald/v1/json.h"

#include <CLI/CLI.hpp>
#include <iostream>
#include <optional>
#include <unordered_set>

#include "consumers/alert_rules.h"
#include "consumers/alert_state.h"
#include "consumers/event_input.h"
#include "consumers/webhook_outbox.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/record_format.h"
#include "core/stage_loop.h"

namespace herald {
namespace {

v1::Alert MakeAlert(std::string id, RuleMatch& m, const v1::EventRecord& record) {
  v1::Alert a;
  a.set_id(std::move(id));
  a.set_rule(m.rule->name);
  a.set_severity(m.rule->severity);
  a.set_article_id(record.id());
  a.set_title(record.article().title());
  a.set_url(record.article().url());
  for (auto& reason : m.reasons) a.add_reasons(std::move(reason));
  a.set_fired_at(NowRfc3339());
  return a;
}

// One batch's alerts: produced in its transaction and prepared in the state
// (alert bytes and webhook deliveries) before that transaction commits.
class BatchAlerts {
 public:
  BatchAlerts(const AlertOptions& options, kafka::Producer& producer, AlertState& state)
      : options_(options), producer_(producer), state_(state) {}

  void Clear() {
    fired_.clear();
    pending_.clear();
    in_batch_.clear();
  }

  // Fires what `m` calls for, unless it fired before: an alert whose earlier
  // transaction may not have committed (prepared, not confirmed) is produced again as it was.
  Status Fire(RuleMatch& m, const v1::EventRecord& record) {
    const std::string id = m.rule->name + "/" + record.id();
    const AlertState::FiredState before = state_.Fired(id);
    if (before == AlertState::kConfirmed || !in_batch_.insert(id).second) return {};
    v1::Alert a;
    std::optional<std::string> bytes = before == AlertState::kPrepared ? state_.PreparedAlert(id) : std::nullopt;
    if (!bytes || !a.ParseFromString(*bytes)) {
      a = MakeAlert(id, m, record);
      bytes = a.SerializeAsString();
    }
    if (Status s = producer_.Produce(options_.topics.alerts, id, *bytes,
                                     {{std::string(header::kContentType), std::string(kProtobufContentType)}});
        !s) {
      return s;
    }
    // A prepared alert's deliveries are in the outbox already.
    if (before == AlertState::kNotFired) {
      PendingAlert pending{
          .id = id, .bytes = std::move(*bytes), .url = !m.rule->webhook.empty() ? m.rule->webhook : options_.webhook};
      if (!pending.url.empty()) pending.json = v1::ToJson(a);
      pending_.push_back(std::move(pending));
    }
    fired_.push_back(std::move(a));
    return {};
  }

  // Before the commit: the alerts and their deliveries, durable in the state.
  Status Prepare() { return state_.Prepare(pending_); }
  const std::vector<v1::Alert>& fired() const { return fired_; }

 private:
  const AlertOptions& options_;
  kafka::Producer& producer_;
  AlertState& state_;
  std::vector<v1::Alert> fired_;
  std::vector<PendingAlert> pending_;
  std::unordered_set<std::string> in_batch_;  // the same article twice in one batch fires once
};

}  // namespace

std::string FormatAlertLine(const v1::Alert& a) {
  std::string reasons;
  for (const auto& r : a.reasons()) reasons += (reasons.empty() ? "" : "; ") + r;
  return "ALERT " + a.severity() + " " + a.rule() + " " + a.article_id() + " \"" + a.title() + "\" (" + reasons + ")";
}

void DeclareAlertSettings(SettingsTable& t, AlertOptions* o) {
  DeclareKafkaSettings(t, &o->kafka);
  DeclareTopicSettings(t, &o->topics);
  t.Add("alert.group", &o->group, "Consumer group of the alerters.").Flag("--group");
  t.Add("alert.rules", &o->rules_path, "Alert rules YAML file; SIGHUP reloads it.").Flag("--rules").Required();
  t.Add("alert.webhook", &o->webhook, "URL to POST each alert to as JSON, for rules without their own.")
      .Flag("--webhook");
  t.Add("alert.webhook_attempts", &o->webhook_attempts,
        "Tries per webhook delivery (backoff from 1 s, doubling to 5 min, with jitter) before it is recorded as "
        "failed in the state file.")
      .Flag("--webhook-attempts")
      .Range(1, 30);
  t.Add("alert.webhook_timeout_s", &o->webhook_timeout_s, "Time one webhook request may take, connection included.")
      .Flag("--webhook-timeout")
      .Range(1, 300);
  t.Add("alert.webhook_concurrency", &o->webhook_concurrency, "Webhook requests in flight at once, per endpoint.")
      .Flag("--webhook-concurrency")
      .Range(1, 64);
  t.Add("alert.webhook_drain_s", &o->webhook_drain_s,
        "At shutdown, how long deliveries still due may go on; the rest wait in the outbox for the next start. "
        "Keep it below shutdown_timeout_s.")
      .Flag("--webhook-drain")
      .Range(0, 3600);
  t.Add("alert.batch_size", &o->batch_size, "Records per poll, transaction and commit.")
      .Flag("--batch-size")
      .Range(1, 100000);
  t.Add("alert.state", &o->state_path, "SQLite file remembering fired alerts and failed webhooks.").Flag("--state");
  t.Add("alert.instance_id", &o->instance_id,
        "This instance's name: its static group membership and transactional.id. Empty: the host name.")
      .Flag("--instance-id");
}

Status RunAlert(const AlertOptions& options, const StageContext& context,
                const std::function<void(const v1::Alert&)>& on_alert) {
  StageMetrics& metrics = *context.metrics;
  auto rules = AlertRules::LoadFile(options.rules_path);
  if (!rules) return Unexpected(rules.error());
  uint64_t reloads_seen = context.reloads ? context.reloads->load() : 0;
  auto reload_rules_if_asked = [&] {
    if (!context.reloads || context.reloads->load() == reloads_seen) return;
    reloads_seen = context.reloads->load();
    auto reloaded = AlertRules::LoadFile(options.rules_path);
    if (!reloaded) {
      log::Error("alert rules not reloaded; the rules in use stay",
                 {{"rules", options.rules_path}, {"reason", reloaded.error().reason}});
      return;
    }
    rules = std::move(reloaded);
    log::Info("alert rules reloaded",
              {{"rules", options.rules_path}, {"count", std::to_string(rules->rules().size())}});
  };
  auto state = AlertState::Open(options.state_path);
  if (!state) return Unexpected(state.error());
  auto clients = OpenStageClients(
      kAlertStage.name, options.kafka, options.group, options.instance_id,
      {.input = options.topics.events, .outputs = {options.topics.alerts}, .dead_letters = options.topics.dlq},
      /*exactly_once=*/true, context);
  if (!clients) return Unexpected(clients.error());
  auto& producer = clients->producer;
  auto& consumer = clients->consumer;
  log::Info("alert started", {{"topic", options.topics.events},
                              {"rules", std::to_string(rules->rules().size())},
                              {"group", options.group},
                              {"state", options.state_path},
                              {"remembered", std::to_string((*state)->fired_count())}});

  auto dispatcher = WebhookDispatcher::Start(options.state_path,
                                             {.attempts = options.webhook_attempts,
                                              .timeout = std::chrono::seconds(options.webhook_timeout_s),
                                              .per_endpoint_concurrency = options.webhook_concurrency},
                                             &metrics);
  if (!dispatcher) return Unexpected(dispatcher.error());
  v1::EventRecord record;
  BatchAlerts alerts(options, *producer, **state);
  auto handle = [&](const kafka::Batch& batch) -> Result<BatchOutcome> {
    auto outcome = TransactBatch(*producer, *consumer, batch, [&]() -> Result<BatchOutcome> {
      alerts.Clear();
      BatchOutcome o;
      for (const kafka::Record& r : batch) {
        auto decoded = DecodeOrDeadLetter(r, *producer, clients->dead_letters, kAlertStage.name, &record);
        if (!decoded) return Unexpected(decoded.error());
        if (!*decoded) {
          o.DeadLettered(v1::MALFORMED_EVENT_RECORD);
          continue;
        }
        for (RuleMatch& m : rules->Evaluate(record)) {
          if (Status s = alerts.Fire(m, record); !s) return Unexpected(s.error());
        }
      }
      if (Status s = alerts.Prepare(); !s) return Unexpected(s.error());
      o.records_out = static_cast<int64_t>(alerts.fired().size());
      return o;
    });
    if (!outcome) return outcome;
    (*dispatcher)->Wake();
    std::vector<std::string> ids;
    for (const v1::Alert& a : alerts.fired()) {
      ids.push_back(a.id());
      std::cout << FormatAlertLine(a) << std::endl;
      if (on_alert) on_alert(a);
    }
    if (Status s = (*state)->Confirm(ids); !s) {
      // Committed on the topic; confirmed later, or produced once more if the article comes back.
      log::Warn("could not confirm fired alerts", {{"reason", s.error().reason}});
    }
    return outcome;
  };
  // A record that keeps failing is dead-lettered rather than blocking its partition.
  QuarantineHandler quarantine =
      DeadLetterQuarantine(*producer, *consumer, clients->dead_letters, kAlertStage.name, /*transactional=*/true);
  Status s = RunStageLoop(*consumer,
                          {.stage = std::string(kAlertStage.name),
                           .batch_size = options.batch_size,
                           .metrics = &metrics,
                           .commit_offsets = false,
                           .between_batches = reload_rules_if_asked},
                          handle, context.stop, quarantine);
  // Webhooks still due get the drain period; what is left waits in the outbox for the next start.
  (*dispatcher)->Drain(std::chrono::steady_clock::now() + std::chrono::seconds(options.webhook_drain_s));
  log::Info("alert stopped", {{"remembered", std::to_string((*state)->fired_count())}});
  return s;
}

}  // namespace herald
