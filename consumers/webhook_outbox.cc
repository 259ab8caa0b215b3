#include "consumers/webhook_outbox.h"

#include <curl/curl.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "consumers/alert_state.h"
#include "core/backoff.h"
#include "core/clock.h"
#include "core/log.h"

namespace herald {
namespace {

using Clock = std::chrono::steady_clock;

int64_t NowMs() { return NowMicros() / 1000; }

// One endpoint's deliveries in flight and its circuit.
struct Endpoint {
  int in_flight = 0;
  int failures = 0;  // in a row
  Clock::time_point open_until{};
  std::string last_error;
};

struct InFlight {
  OutboxEntry entry;
  curl_slist* headers = nullptr;
  Clock::time_point started;
  char error[CURL_ERROR_SIZE] = {};
};

}  // namespace

class WebhookDispatcher::Loop {
 public:
  Loop(std::unique_ptr<AlertState> state, const WebhookOptions& options, StageMetrics* metrics)
      : state_(std::move(state)),
        options_(options),
        metrics_(metrics),
        multi_(curl_multi_init()),
        delivered_(Counter("delivered")),
        retried_(Counter("retried")),
        failed_(Counter("failed")),
        pending_(metrics->registry().AddGauge("herald_webhook_outbox_pending",
                                              "Webhook deliveries waiting in the alerter's outbox.",
                                              {{"stage", metrics->stage()}})),
        circuits_open_(metrics->registry().AddGauge("herald_webhook_circuits_open",
                                                    "Webhook endpoints whose circuit is open after failures.",
                                                    {{"stage", metrics->stage()}})),
        write_seconds_(metrics->sink_write_seconds("webhook")) {}

  ~Loop() {
    for (auto& [handle, flight] : in_flight_) Release(handle, flight);
    curl_multi_cleanup(multi_);
  }

  void Run() {
    Clock::time_point next_scan{};
    while (!stop_) {
      const Clock::time_point now = Clock::now();
      if (draining_ && now >= drain_deadline_) break;
      if (woken_.exchange(false) || now >= next_scan) {
        const bool started = StartDue(now);
        // Draining ends once nothing is in flight and nothing is due.
        if (draining_ && !started && in_flight_.empty()) break;
        next_scan = now + std::chrono::milliseconds(250);
      }
      int running = 0;
      curl_multi_perform(multi_, &running);
      Finish();
      curl_multi_poll(multi_, nullptr, 0, 100, nullptr);
    }
    if (!in_flight_.empty()) {
      log::Warn("webhook deliveries still in flight stay in the outbox",
                {{"deliveries", std::to_string(in_flight_.size())}});
    }
  }

  void Wake() {
    woken_ = true;
    curl_multi_wakeup(multi_);
  }
  void Drain(Clock::time_point deadline) {
    drain_deadline_ = deadline;
    draining_ = true;
    Wake();
  }
  void Stop() {
    stop_ = true;
    curl_multi_wakeup(multi_);
  }

 private:
  metrics::Counter& Counter(const char* result) {
    return metrics_->registry().AddCounter("herald_webhook_deliveries_total",
                                           "Webhook delivery attempts, by what became of them.",
                                           {{"stage", metrics_->stage()}, {"result", result}});
  }

  // How many more deliveries `endpoint` may have in flight now.
  int Room(const Endpoint& endpoint, Clock::time_point now) const {
    int allowed = options_.per_endpoint_concurrency;
    if (endpoint.failures >= options_.breaker_failures) {
      if (now < endpoint.open_until) return 0;
      allowed = 1;  // half open: one delivery tries the endpoint again
    }
    return std::max(0, allowed - endpoint.in_flight);
  }

  // Starts what is due and has room; whether it started anything.
  bool StartDue(Clock::time_point now) {
    // Endpoint by endpoint, so that one whose circuit is open cannot crowd out the rest.
    auto urls = state_->DueUrls(NowMs());
    if (!urls) {
      log::Warn("cannot read the webhook outbox", {{"reason", urls.error().reason}});
      return false;
    }
    bool any = false;
    for (const std::string& url : *urls) {
      Endpoint& endpoint = endpoints_[url];
      const int room = Room(endpoint, now);
      if (room == 0) continue;
      auto due = state_->DueDeliveries(url, NowMs(), static_cast<size_t>(room + endpoint.in_flight));
      if (!due) continue;
      int started = 0;
      for (OutboxEntry& entry : *due) {
        if (started == room) break;
        if (busy_.contains({entry.alert_id, entry.url})) continue;
        Begin(std::move(entry), endpoint);
        ++started;
        any = true;
      }
    }
    if (auto pending = state_->PendingDeliveries()) pending_.Set(static_cast<double>(*pending));
    return any;
  }

  void Begin(OutboxEntry entry, Endpoint& endpoint) {
    CURL* handle = curl_easy_init();
    if (!handle) return;
    InFlight& flight = in_flight_[handle];
    flight.started = Clock::now();
    flight.headers = curl_slist_append(nullptr, "Content-Type: application/json");
    curl_easy_setopt(handle, CURLOPT_URL, entry.url.c_str());
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, flight.headers);
    curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE, static_cast<long>(entry.body.size()));
    curl_easy_setopt(handle, CURLOPT_COPYPOSTFIELDS, entry.body.c_str());
    curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, flight.error);
    busy_.insert({entry.alert_id, entry.url});
    flight.entry = std::move(entry);
    ++endpoint.in_flight;
    curl_multi_add_handle(multi_, handle);
  }

  void Release(CURL* handle, InFlight& flight) {
    curl_multi_remove_handle(multi_, handle);
    curl_easy_cleanup(handle);
    curl_slist_free_all(flight.headers);
  }

  // Settles every delivery that has finished.
  void Finish() {
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multi_, &left)) {
      if (message->msg != CURLMSG_DONE) continue;
      CURL* handle = message->easy_handle;
      auto node = in_flight_.extract(handle);
      if (node.empty()) continue;
      InFlight& flight = node.mapped();
      long status = 0;
      curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
      const CURLcode result = message->data.result;
      Release(handle, flight);
      write_seconds_.Observe(std::chrono::duration<double>(Clock::now() - flight.started).count());
      busy_.erase({flight.entry.alert_id, flight.entry.url});
      Endpoint& endpoint = endpoints_[flight.entry.url];
      --endpoint.in_flight;
      if (result == CURLE_OK && status >= 200 && status < 300) {
        Succeeded(flight.entry, endpoint);
      } else {
        Failed(flight.entry, endpoint,
               result != CURLE_OK ? (flight.error[0] ? flight.error : curl_easy_strerror(result))
                                  : "HTTP " + std::to_string(status));
      }
    }
    PublishHealth();
  }

  void Succeeded(const OutboxEntry& entry, Endpoint& endpoint) {
    delivered_.Add();
    if (endpoint.failures >= options_.breaker_failures) {
      log::Info("webhook endpoint answers again; its circuit is closed", {{"url", entry.url}});
    }
    endpoint.failures = 0;
    // Should this fail, the delivery is made again later: at least once.
    if (Status s = state_->Delivered(entry); !s)
      log::Warn("webhook delivered but not marked", {{"reason", s.error().reason}});
  }

  void Failed(const OutboxEntry& entry, Endpoint& endpoint, const std::string& error) {
    endpoint.last_error = error;
    if (++endpoint.failures >= options_.breaker_failures) {
      if (endpoint.failures == options_.breaker_failures) {
        log::Error(
            "webhook endpoint keeps failing; its circuit is open",
            {{"url", entry.url}, {"reason", error}, {"open_s", std::to_string(options_.breaker_open.count() / 1000)}});
      }
      endpoint.open_until = Clock::now() + options_.breaker_open;
    }
    if (entry.attempts + 1 >= options_.attempts) {
      failed_.Add();
      log::Error("webhook delivery failed after its last attempt; recorded, and the alert stays on the alerts topic",
                 {{"alert", entry.alert_id},
                  {"url", entry.url},
                  {"reason", error},
                  {"attempts", std::to_string(entry.attempts + 1)}});
      (void)state_->GiveUp(entry, error);
      return;
    }
    retried_.Add();
    const int64_t base = DoubledBackoff(options_.first_backoff, entry.attempts + 1, options_.max_backoff).count();
    const int64_t wait = base / 2 + static_cast<int64_t>(jitter_() % static_cast<uint64_t>(base / 2 + 1));
    (void)state_->Retry(entry, NowMs() + wait, error);
  }

  void PublishHealth() {
    std::string problem;
    int open = 0;
    for (const auto& [url, endpoint] : endpoints_) {
      if (endpoint.failures < options_.breaker_failures) continue;
      ++open;
      if (problem.empty()) {
        problem = "webhook " + url + " is failing (" + endpoint.last_error + "), " + std::to_string(endpoint.failures) +
                  " failures in a row; its deliveries wait in the outbox";
      }
    }
    circuits_open_.Set(open);
    metrics_->SetSinkProblem("webhook", problem);
  }

  std::unique_ptr<AlertState> state_;
  WebhookOptions options_;
  StageMetrics* metrics_;
  CURLM* multi_;
  metrics::Counter& delivered_;
  metrics::Counter& retried_;
  metrics::Counter& failed_;
  metrics::Gauge& pending_;
  metrics::Gauge& circuits_open_;
  metrics::Histogram& write_seconds_;
  std::map<CURL*, InFlight> in_flight_;
  std::set<std::pair<std::string, std::string>> busy_;  // (alert id, url) in flight
  std::map<std::string, Endpoint> endpoints_;
  std::mt19937_64 jitter_{std::random_device{}()};
  std::atomic<bool> stop_{false}, woken_{false}, draining_{false};
  Clock::time_point drain_deadline_{};  // written before draining_ is set
};

Result<std::unique_ptr<WebhookDispatcher>> WebhookDispatcher::Start(const std::string& state_path,
                                                                    const WebhookOptions& options,
                                                                    StageMetrics* metrics) {
  auto state = AlertState::Open(state_path);
  if (!state) return Unexpected(state.error());
  std::unique_ptr<WebhookDispatcher> d(new WebhookDispatcher());
  d->loop_ = std::make_unique<Loop>(std::move(*state), options, metrics);
  d->thread_ = std::thread([loop = d->loop_.get()] { loop->Run(); });
  return d;
}

WebhookDispatcher::~WebhookDispatcher() {
  loop_->Stop();
  if (thread_.joinable()) thread_.join();
}

void WebhookDispatcher::Wake() { loop_->Wake(); }

void WebhookDispatcher::Drain(std::chrono::steady_clock::time_point deadline) {
  loop_->Drain(deadline);
  if (thread_.joinable()) thread_.join();
}

}  // namespace herald
