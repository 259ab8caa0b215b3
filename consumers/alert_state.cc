#include "consumers/alert_state.h"

#include <functional>

#include "core/clock.h"

namespace herald {
namespace {

// A prepared statement that finalises itself.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  sqlite3_stmt* get() const { return stmt_; }
  void Text(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void Blob(int i, const std::string& v) {
    sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  void Int(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  // Runs it to completion and resets it for the next row.
  bool Done() {
    const int rc = stmt_ ? sqlite3_step(stmt_) : SQLITE_ERROR;
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    return rc == SQLITE_DONE;
  }
  std::string Column(int i) const {
    const void* data = sqlite3_column_blob(stmt_, i);
    return data ? std::string(static_cast<const char*>(data), static_cast<size_t>(sqlite3_column_bytes(stmt_, i)))
                : std::string();
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace

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
      " error TEXT NOT NULL, failed_at TEXT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS outbox (alert_id TEXT NOT NULL, url TEXT NOT NULL, body TEXT NOT NULL,"
      " attempts INTEGER NOT NULL DEFAULT 0, next_at_ms INTEGER NOT NULL, last_error TEXT,"
      " PRIMARY KEY (alert_id, url));"
      "CREATE INDEX IF NOT EXISTS outbox_due ON outbox (url, next_at_ms);");
  if (!created) return Fatal("alert state " + path + ": " + created.error().reason);
  // Files from before the outbox: fired alerts gain the column that holds a prepared alert's bytes.
  auto has_prepared = s->Count("SELECT COUNT(*) FROM pragma_table_info('fired') WHERE name = 'prepared'");
  if (has_prepared && *has_prepared == 0) {
    if (Status added = s->Exec("ALTER TABLE fired ADD COLUMN prepared BLOB"); !added) {
      return Fatal("alert state " + path + ": " + added.error().reason);
    }
  }
  Statement all(s->db_, "SELECT alert_id, prepared IS NULL FROM fired");
  while (all.get() && sqlite3_step(all.get()) == SQLITE_ROW) {
    s->fired_[all.Column(0)] = sqlite3_column_int(all.get(), 1) != 0;
  }
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

Result<int64_t> AlertState::Count(const char* sql) {
  Statement count(db_, sql);
  if (!count.get() || sqlite3_step(count.get()) != SQLITE_ROW) {
    return Retriable(std::string("alert state: ") + sqlite3_errmsg(db_));
  }
  return sqlite3_column_int64(count.get(), 0);
}

AlertState::FiredState AlertState::Fired(const std::string& alert_id) const {
  auto it = fired_.find(alert_id);
  if (it == fired_.end()) return kNotFired;
  return it->second ? kConfirmed : kPrepared;
}

std::optional<std::string> AlertState::PreparedAlert(const std::string& alert_id) {
  Statement read(db_, "SELECT prepared FROM fired WHERE alert_id = ?1 AND prepared IS NOT NULL");
  read.Text(1, alert_id);
  if (!read.get() || sqlite3_step(read.get()) != SQLITE_ROW) return std::nullopt;
  return read.Column(0);
}

Status AlertState::InTransaction(const std::function<bool()>& body) {
  if (Status s = Exec("BEGIN IMMEDIATE"); !s) return s;
  if (!body()) {
    std::string reason = sqlite3_errmsg(db_);
    (void)Exec("ROLLBACK");
    return Retriable("alert state: " + reason);
  }
  return Exec("COMMIT");
}

Status AlertState::Prepare(const std::vector<PendingAlert>& alerts) {
  if (alerts.empty()) return {};
  Status written = InTransaction([&] {
    Statement fired(db_, "INSERT OR REPLACE INTO fired (alert_id, fired_at, prepared) VALUES (?1, ?2, ?3)");
    Statement outbox(db_, "INSERT OR IGNORE INTO outbox (alert_id, url, body, next_at_ms) VALUES (?1, ?2, ?3, ?4)");
    const std::string now = NowRfc3339();
    const int64_t now_ms = NowMicros() / 1000;
    for (const PendingAlert& a : alerts) {
      fired.Text(1, a.id);
      fired.Text(2, now);
      fired.Blob(3, a.bytes);
      if (!fired.Done()) return false;
      if (a.url.empty()) continue;
      outbox.Text(1, a.id);
      outbox.Text(2, a.url);
      outbox.Text(3, a.json);
      outbox.Int(4, now_ms);
      if (!outbox.Done()) return false;
    }
    return true;
  });
  if (!written) return written;
  for (const PendingAlert& a : alerts) fired_[a.id] = false;
  return {};
}

Status AlertState::ExecRows(const char* sql, const std::vector<std::vector<std::string>>& rows) {
  if (rows.empty()) return {};
  return InTransaction([&] {
    Statement statement(db_, sql);
    for (const std::vector<std::string>& row : rows) {
      for (size_t i = 0; i < row.size(); ++i) statement.Text(static_cast<int>(i + 1), row[i]);
      if (!statement.Done()) return false;
    }
    return true;
  });
}

Status AlertState::Confirm(const std::vector<std::string>& alert_ids) {
  std::vector<std::vector<std::string>> rows;
  for (const std::string& id : alert_ids) rows.push_back({id});
  if (Status s = ExecRows("UPDATE fired SET prepared = NULL WHERE alert_id = ?1", rows); !s) return s;
  for (const std::string& id : alert_ids) fired_[id] = true;
  return {};
}

Result<std::vector<std::string>> AlertState::DueUrls(int64_t now_ms) {
  Statement due(db_, "SELECT DISTINCT url FROM outbox WHERE next_at_ms <= ?1");
  due.Int(1, now_ms);
  std::vector<std::string> out;
  int rc = SQLITE_ERROR;
  while (due.get() && (rc = sqlite3_step(due.get())) == SQLITE_ROW) out.push_back(due.Column(0));
  if (rc != SQLITE_DONE) return Retriable(std::string("alert state: ") + sqlite3_errmsg(db_));
  return out;
}

Result<std::vector<OutboxEntry>> AlertState::DueDeliveries(const std::string& url, int64_t now_ms, size_t limit) {
  Statement due(db_,
                "SELECT alert_id, url, body, attempts FROM outbox WHERE url = ?1 AND next_at_ms <= ?2 "
                "ORDER BY next_at_ms LIMIT ?3");
  due.Text(1, url);
  due.Int(2, now_ms);
  due.Int(3, static_cast<int64_t>(limit));
  std::vector<OutboxEntry> out;
  int rc = SQLITE_ERROR;
  while (due.get() && (rc = sqlite3_step(due.get())) == SQLITE_ROW) {
    out.push_back({due.Column(0), due.Column(1), due.Column(2), sqlite3_column_int(due.get(), 3)});
  }
  if (rc != SQLITE_DONE) return Retriable(std::string("alert state: ") + sqlite3_errmsg(db_));
  return out;
}

Status AlertState::Delivered(const OutboxEntry& entry) {
  return ExecRows("DELETE FROM outbox WHERE alert_id = ?1 AND url = ?2", {{entry.alert_id, entry.url}});
}

Status AlertState::Retry(const OutboxEntry& entry, int64_t next_at_ms, const std::string& error) {
  return ExecRows(
      "UPDATE outbox SET attempts = attempts + 1, next_at_ms = ?3, last_error = ?4 WHERE alert_id = ?1 AND url = ?2",
      {{entry.alert_id, entry.url, std::to_string(next_at_ms), error}});
}

Status AlertState::GiveUp(const OutboxEntry& entry, const std::string& error) {
  // One transaction: a delivery is in the outbox or among the failures, never both or neither.
  return InTransaction([&] {
    Statement failed(db_, "INSERT INTO webhook_failures VALUES (?1, ?2, ?3, ?4)");
    Statement gone(db_, "DELETE FROM outbox WHERE alert_id = ?1 AND url = ?2");
    failed.Text(1, entry.alert_id);
    failed.Text(2, entry.url);
    failed.Text(3, error);
    failed.Text(4, NowRfc3339());
    gone.Text(1, entry.alert_id);
    gone.Text(2, entry.url);
    return failed.Done() && gone.Done();
  });
}

Result<int64_t> AlertState::PendingDeliveries() { return Count("SELECT COUNT(*) FROM outbox"); }

Status AlertState::RecordWebhookFailure(const std::string& alert_id, const std::string& url, const std::string& error) {
  return ExecRows("INSERT INTO webhook_failures VALUES (?1, ?2, ?3, ?4)", {{alert_id, url, error, NowRfc3339()}});
}

Result<int64_t> AlertState::WebhookFailureCount() { return Count("SELECT COUNT(*) FROM webhook_failures"); }

}  // namespace herald
