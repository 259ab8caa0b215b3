#include "consumers/alert.h"

#include <curl/curl.h>
#include <google/protobuf/util/json_util.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <random>
#include <thread>
#include <unordered_set>

#include "consumers/alert_rules.h"
#include "consumers/alert_state.h"
#include "consumers/event_input.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/record_format.h"
#include "core/stage_loop.h"

namespace herald {
namespace {

// POSTs body as JSON; retries with exponential backoff and jitter.
Status PostWebhook(const std::string& url, const std::string& body, int attempts) {
  std::string last_error;
  std::mt19937 jitter(std::random_device{}());
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    CURL* curl = curl_easy_init();
    if (!curl) return Retriable("curl_easy_init failed");
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (rc == CURLE_OK && status >= 200 && status < 300) return {};
    last_error = rc != CURLE_OK ? curl_easy_strerror(rc) : "HTTP " + std::to_string(status);
    if (attempt < attempts) {
      int base_ms = 200 << (attempt - 1);
      std::this_thread::sleep_for(std::chrono::milliseconds(base_ms + static_cast<int>(jitter() % base_ms)));
    }
  }
  return Retriable("webhook " + url + ": " + last_error + " after " + std::to_string(attempts) + " attempts");
}

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
  t.Add("alert.webhook_attempts", &o->webhook_attempts, "Tries per webhook delivery (exponential backoff, jitter).")
      .Flag("--webhook-attempts")
      .Range(1, 20);
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
    log::Info("alert rules reloaded", {{"rules", options.rules_path}, {"count", std::to_string(rules->rules().size())}});
  };
  auto state = AlertState::Open(options.state_path);
  if (!state) return Unexpected(state.error());
  auto clients = OpenStageClients("alert", options.kafka, options.group, options.instance_id,
                                  {.input = options.topics.events, .outputs = {options.topics.alerts},
                                   .dead_letters = options.topics.dlq},
                                  /*exactly_once=*/true, metrics, context.stop);
  if (!clients) return Unexpected(clients.error());
  auto& producer = clients->producer;
  auto& consumer = clients->consumer;
  log::Info("alert started", {{"topic", options.topics.events}, {"rules", std::to_string(rules->rules().size())},
                              {"group", options.group}, {"state", options.state_path},
                              {"remembered", std::to_string((*state)->fired_count())}});

  google::protobuf::util::JsonPrintOptions json_options;
  json_options.preserve_proto_field_names = true;
  v1::EventRecord record;
  metrics::Histogram& webhook_seconds = metrics.sink_write_seconds("webhook");
  auto handle = [&](const kafka::Batch& batch) -> Result<BatchOutcome> {
    std::vector<v1::Alert> alerts;
    std::vector<const AlertRule*> fired_by;  // alerts[i] fired by fired_by[i]
    auto outcome = TransactBatch(*producer, *consumer, batch, [&]() -> Result<BatchOutcome> {
      alerts.clear();
      fired_by.clear();
      std::unordered_set<std::string> in_batch;  // the same article twice in one batch fires once
      BatchOutcome o;
      for (const kafka::Record& r : batch) {
        auto decoded = DecodeOrDeadLetter(r, *producer, clients->dead_letters, "alert", &record);
        if (!decoded) return Unexpected(decoded.error());
        if (!*decoded) {
          o.DeadLettered(v1::MALFORMED_EVENT_RECORD);
          continue;
        }
        for (RuleMatch& m : rules->Evaluate(record)) {
          v1::Alert a;
          a.set_id(m.rule->name + "/" + record.id());
          if ((*state)->Fired(a.id()) || !in_batch.insert(a.id()).second) continue;
          a.set_rule(m.rule->name);
          a.set_severity(m.rule->severity);
          a.set_article_id(record.id());
          a.set_title(record.article().title());
          a.set_url(record.article().url());
          for (auto& reason : m.reasons) a.add_reasons(std::move(reason));
          a.set_fired_at(NowRfc3339());
          std::string bytes = a.SerializeAsString();
          if (Status s = producer->Produce(options.topics.alerts, a.id(), bytes,
                                              {{std::string(header::kContentType), std::string(kProtobufContentType)}});
              !s) {
            return Unexpected(s.error());
          }
          alerts.push_back(std::move(a));
          fired_by.push_back(m.rule);
        }
      }
      o.records_out = static_cast<int64_t>(alerts.size());
      return o;
    });
    if (!outcome) return outcome;
    std::vector<std::string> ids;
    for (const v1::Alert& a : alerts) ids.push_back(a.id());
    if (Status s = (*state)->RecordFired(ids); !s) {
      // The alerts are committed on the topic; only the memory of them is late.
      log::Warn("could not record fired alerts", {{"reason", s.error().reason}});
    }
    for (size_t i = 0; i < alerts.size(); ++i) {
      const v1::Alert& a = alerts[i];
      std::cout << FormatAlertLine(a) << std::endl;
      if (on_alert) on_alert(a);
      const std::string& url = !fired_by[i]->webhook.empty() ? fired_by[i]->webhook : options.webhook;
      if (url.empty()) continue;
      std::string json;
      (void)google::protobuf::util::MessageToJsonString(a, &json, json_options);
      const auto started = std::chrono::steady_clock::now();
      Status posted = PostWebhook(url, json, options.webhook_attempts);
      webhook_seconds.Observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
      if (Status s = posted; !s) {
        log::Error("webhook delivery failed; recorded, and the alert stays on the alerts topic",
                   {{"alert", a.id()}, {"reason", s.error().reason}});
        (void)(*state)->RecordWebhookFailure(a.id(), url, s.error().reason);
      }
    }
    return outcome;
  };
  auto quarantine = [&](const kafka::Batch& batch, const Error& error, int attempts) -> Result<BatchOutcome> {
    return TransactBatch(*producer, *consumer, batch, [&]() -> Result<BatchOutcome> {
      if (Status d = DeadLetter(*producer, clients->dead_letters, batch.front(), "alert", error, attempts); !d) {
        return Unexpected(d.error());
      }
      BatchOutcome o;
      o.DeadLettered(error.code);
      return o;
    });
  };
  Status s = RunStageLoop(*consumer,
                          {.stage = "alert", .batch_size = options.batch_size, .metrics = &metrics,
                           .commit_offsets = false, .between_batches = reload_rules_if_asked},
                          handle, context.stop, quarantine);
  log::Info("alert stopped", {{"remembered", std::to_string((*state)->fired_count())}});
  return s;
}

}  // namespace herald
