// webhook_outbox.h: delivers the alerter's webhooks from its outbox (the
// outbox table of AlertState, written in the same step as each alert), on a
// thread of its own, so that no endpoint can hold up the alerts or each other.
//
//   auto dispatcher = WebhookDispatcher::Start(state_path, {}, &metrics);
//   ... state->Prepare(alerts) writes deliveries; then: dispatcher->Wake();
//   dispatcher->Drain(deadline);     // at shutdown: what is not delivered by then stays in the outbox
//
// Each delivery is a JSON POST, made concurrently through libcurl's multi
// interface: at most `per_endpoint_concurrency` at a time to one URL, each
// within `timeout`. A delivery is removed from the outbox once the endpoint
// answers 2xx; a failure is retried after an exponential backoff with jitter,
// and after `attempts` tries it moves to the webhook_failures table (logged and
// counted; the alerts topic still holds the alert). `breaker_failures` failures
// in a row open an endpoint's circuit: nothing is sent to it for `breaker_open`,
// then one delivery tries it again. While a circuit is open the stage's
// readiness says which endpoint is failing (StageMetrics::SetSinkProblem).
// Deliveries are at least once: one in flight when the process dies is sent
// again after a restart, so receivers should de-duplicate on the alert's id.
// Metrics: herald_webhook_deliveries_total{result=delivered|retried|failed},
// herald_webhook_outbox_pending, herald_webhook_circuits_open, and each
// delivery's time in herald_sink_write_seconds{sink="webhook"}.
// Thread-safety: Wake and Drain may be called from any thread.
// Failure: Start fails when the state file cannot be opened.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "core/stage_metrics.h"
#include "core/status.h"

namespace herald {

struct WebhookOptions {
  int attempts = 8;
  std::chrono::milliseconds timeout{5000};
  std::chrono::milliseconds first_backoff{1000};  // doubles per attempt
  std::chrono::milliseconds max_backoff{300000};
  int per_endpoint_concurrency = 4;
  int breaker_failures = 5;
  std::chrono::milliseconds breaker_open{30000};
};

class WebhookDispatcher {
 public:
  static Result<std::unique_ptr<WebhookDispatcher>> Start(const std::string& state_path, const WebhookOptions& options,
                                                          StageMetrics* metrics);
  // Stops at once; deliveries in flight stay in the outbox for the next start.
  ~WebhookDispatcher();
  WebhookDispatcher(const WebhookDispatcher&) = delete;
  WebhookDispatcher& operator=(const WebhookDispatcher&) = delete;

  // New deliveries are in the outbox: look now rather than at the next tick.
  void Wake();
  // Goes on delivering what is due, and lets what is in flight finish, until
  // nothing is due or in flight, or `deadline`; then returns. Whatever is left
  // (deliveries waiting out a backoff among them) waits in the outbox.
  void Drain(std::chrono::steady_clock::time_point deadline);

 private:
  class Loop;
  WebhookDispatcher() = default;
  std::unique_ptr<Loop> loop_;
  std::thread thread_;
};

}  // namespace herald
