// alert_state.h: what the alerter remembers across restarts, in a small SQLite
// file: the alerts it fired (so that a rule never fires twice for one article,
// whatever is redelivered or re-produced later) and webhook deliveries that
// failed after their retries (so that they are recorded, never lost; the alerts
// topic keeps every alert).
//
//   auto state = AlertState::Open("herald-alert-state.db");
//   if (!(*state)->Fired(id)) { ... }
//   (*state)->RecordFired(ids);
//
// Thread-safety: one AlertState per thread.
// Failure: open errors are fatal; write errors retriable.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/status.h"

namespace herald {

class AlertState {
 public:
  static Result<std::unique_ptr<AlertState>> Open(const std::string& path);
  ~AlertState();

  bool Fired(const std::string& alert_id) const { return fired_.count(alert_id) > 0; }
  Status RecordFired(const std::vector<std::string>& alert_ids);
  Status RecordWebhookFailure(const std::string& alert_id, const std::string& url, const std::string& error);
  size_t fired_count() const { return fired_.size(); }
  Result<int64_t> WebhookFailureCount();

 private:
  AlertState() = default;
  Status Exec(const char* sql);

  sqlite3* db_ = nullptr;
  std::unordered_set<std::string> fired_;
};

}  // namespace herald
