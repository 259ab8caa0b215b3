#include "consumers/alert_state.h"

#include "core/clock.h"

namespace herald {

Result<std::unique_ptr<AlertState>> AlertState::Open(const std::string& path) {
  std::unique_ptr<AlertState> s(new AlertState());
  if (sqlite3_open_v2(path.c_str(), &s->db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
    return Fatal("cannot open alert state " + path + ": " + (s->db_ ? sqlite3_errmsg(s->db_) : "out of memory"));
  }
  sqlite3_busy_timeout(s->db_, 5000);
  Status created = s->Exec(
      "PRAGMA journal_mode=WAL;"
      "CREATE TABLE IF NOT EXISTS fired (alert_id TEXT PRIMARY KEY, fired_at TEXT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS webhook_failures (alert_id TEXT NOT NULL, url TEXT NOT NULL,"
      " error TEXT NOT NULL, failed_at TEXT NOT NULL);");
  if (!created) return Fatal("alert state " + path + ": " + created.error().reason);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(s->db_, "SELECT alert_id FROM fired", -1, &stmt, nullptr);
  while (stmt && sqlite3_step(stmt) == SQLITE_ROW) {
    s->fired_.insert(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
  }
  sqlite3_finalize(stmt);
  return s;
}

AlertState::~AlertState() { sqlite3_close(db_); }

Status AlertState::Exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string reason = message ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    return Retriable("alert state: " + reason);
  }
  return {};
}

Status AlertState::RecordFired(const std::vector<std::string>& ids) {
  if (ids.empty()) return {};
  if (Status s = Exec("BEGIN IMMEDIATE"); !s) return s;
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db_, "INSERT OR IGNORE INTO fired (alert_id, fired_at) VALUES (?1, ?2)", -1, &stmt, nullptr);
  std::string now = NowRfc3339();
  for (const std::string& id : ids) {
    sqlite3_reset(stmt);
    sqlite3_bind_text(stmt, 1, id.data(), static_cast<int>(id.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 2, now.data(), static_cast<int>(now.size()), SQLITE_TRANSIENT);
    if (sqlite3_step(stmt) != SQLITE_DONE) {
      std::string reason = sqlite3_errmsg(db_);
      sqlite3_finalize(stmt);
      (void)Exec("ROLLBACK");
      return Retriable("alert state: " + reason);
    }
  }
  sqlite3_finalize(stmt);
  if (Status s = Exec("COMMIT"); !s) return s;
  fired_.insert(ids.begin(), ids.end());
  return {};
}

Status AlertState::RecordWebhookFailure(const std::string& alert_id, const std::string& url, const std::string& error) {
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db_, "INSERT INTO webhook_failures VALUES (?1, ?2, ?3, ?4)", -1, &stmt, nullptr);
  std::string now = NowRfc3339();
  for (auto [i, v] : {std::pair{1, &alert_id}, {2, &url}, {3, &error}, {4, &now}}) {
    sqlite3_bind_text(stmt, i, v->data(), static_cast<int>(v->size()), SQLITE_TRANSIENT);
  }
  int rc = sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) return Retriable(std::string("alert state: ") + sqlite3_errmsg(db_));
  return {};
}

Result<int64_t> AlertState::WebhookFailureCount() {
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db_, "SELECT COUNT(*) FROM webhook_failures", -1, &stmt, nullptr);
  int64_t n = stmt && sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
  sqlite3_finalize(stmt);
  return n;
}

}  // namespace herald
