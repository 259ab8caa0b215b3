// alert_state.h: what the alerter remembers across restarts, in a small SQLite
// file: the alerts it fired (so that a rule never fires twice for one article,
// whatever is redelivered or re-produced later), the webhook deliveries still
// to make (the outbox), and those that failed after all their attempts.
//
//   auto state = AlertState::Open("herald-alert-state.db");
//   if (state->Fired(id) == AlertState::kConfirmed) skip;
//   state->Prepare(alerts);      // before the Kafka commit: fired + outbox rows, one SQLite transaction
//   ... commit the Kafka transaction that carries the alerts ...
//   state->Confirm(ids);         // after it
//
// Why two steps: an alert and its webhook must neither be lost nor sent twice
// to the topic, and SQLite and Kafka cannot commit together. Prepare writes the
// alert (its bytes) and its pending deliveries before the Kafka commit; Confirm
// marks them committed after it. An alert found prepared but unconfirmed (the
// process died between the two, or the Kafka transaction aborted) is produced
// again with the batch that brings its article back; its deliveries are already
// in the outbox, which the WebhookDispatcher (webhook_outbox.h) empties.
//
// Thread-safety: one AlertState per thread (the dispatcher opens its own on the same file).
// Failure: open errors are fatal; write errors retriable.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/status.h"

namespace herald {

// An alert about to be produced, and where it must be POSTed.
struct PendingAlert {
  std::string id;
  std::string bytes;  // the serialised v1::Alert
  std::string url;    // empty: no webhook
  std::string json;   // the webhook's body
};

// One webhook delivery waiting in the outbox.
struct OutboxEntry {
  std::string alert_id;
  std::string url;
  std::string body;
  int attempts = 0;
};

class AlertState {
 public:
  enum FiredState { kNotFired, kPrepared, kConfirmed };

  static Result<std::unique_ptr<AlertState>> Open(const std::string& path);
  ~AlertState();

  FiredState Fired(const std::string& alert_id) const;
  // The bytes of a prepared, unconfirmed alert.
  std::optional<std::string> PreparedAlert(const std::string& alert_id);
  Status Prepare(const std::vector<PendingAlert>& alerts);
  Status Confirm(const std::vector<std::string>& alert_ids);
  size_t fired_count() const { return fired_.size(); }

  // The outbox, for the dispatcher: the URLs with deliveries due at now_ms
  // (milliseconds since the epoch), a URL's due deliveries (at most `limit`,
  // the longest due first), and what became of a delivery.
  Result<std::vector<std::string>> DueUrls(int64_t now_ms);
  Result<std::vector<OutboxEntry>> DueDeliveries(const std::string& url, int64_t now_ms, size_t limit);
  Status Delivered(const OutboxEntry& entry);
  Status Retry(const OutboxEntry& entry, int64_t next_at_ms, const std::string& error);
  // Gave up after its last attempt: out of the outbox, into webhook_failures.
  Status GiveUp(const OutboxEntry& entry, const std::string& error);
  Result<int64_t> PendingDeliveries();

  Status RecordWebhookFailure(const std::string& alert_id, const std::string& url, const std::string& error);
  Result<int64_t> WebhookFailureCount();

 private:
  AlertState() = default;
  Status Exec(const char* sql);
  // Runs `body` in one write transaction: committed when it returns true,
  // rolled back (with SQLite's last error as the reason) when it returns false.
  Status InTransaction(const std::function<bool()>& body);
  // Runs statement `sql` once per row of text parameters, in one transaction.
  Status ExecRows(const char* sql, const std::vector<std::vector<std::string>>& rows);
  Result<int64_t> Count(const char* sql);

  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, bool> fired_;  // alert id -> confirmed
};

}  // namespace herald
