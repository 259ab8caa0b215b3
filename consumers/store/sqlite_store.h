// sqlite_store.h: the embedded event store (event_store.h): the tables of
// store_tables.h in one SQLite file, in WAL mode so that readers never block
// the writer, one transaction per batch.
//
//   auto store = SqliteEventStore::Open("herald.db");
//   (*store)->Upsert(records);          // all or nothing
//   SELECT cameo_code, source_code, target_code FROM events WHERE target_country = 'UKR';
//   SELECT a.title FROM articles_text t JOIN articles a ON a.seq = t.rowid WHERE articles_text MATCH 'ceasefire';
//
// Full-text search: articles_text, an FTS5 index over articles' title and body
// (external content: rowid = articles.seq).
//
// Thread-safety: one SqliteEventStore per thread; several processes may write
// one file (each batch takes the write lock, BEGIN IMMEDIATE).
// Failure: SQLITE_BUSY/LOCKED and I/O errors are retriable; a schema newer than
// this herald's, corruption, or an unwritable path is fatal.
#pragma once

#include <sqlite3.h>

#include <array>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "consumers/store/event_store.h"
#include "consumers/store/store_tables.h"
#include "core/status.h"

namespace herald {

class SqliteEventStore : public EventStore {
 public:
  static Result<std::unique_ptr<SqliteEventStore>> Open(const std::string& path);
  ~SqliteEventStore() override;

  Status Upsert(const std::vector<StoredEvent>& events) override;
  Result<int64_t> Purge(const RetentionPolicy& policy, int64_t now, int64_t at_most) override;
  Result<int64_t> Count() override;
  Result<std::vector<v1::EventRecord>> ReadAll() override;
  std::string_view kind() const override { return "sqlite"; }

 private:
  struct Finalize {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
  };
  using Statement = std::unique_ptr<sqlite3_stmt, Finalize>;

  SqliteEventStore() = default;
  Status Exec(const std::string& sql);
  Error SqlError(const std::string& what) const;
  Result<Statement> Prepare(const std::string& sql);
  Status PrepareStatements();
  Result<int> SchemaVersion();
  Status Migrate();
  Status CopyLegacyRecords();
  // Writes one record's article row, replacing what an earlier version of it
  // wrote, and stages its other rows; InsertStaged writes those, in key order.
  Status Stage(const v1::EventRecord& record, const store::RecordContext& where);
  Status InsertStaged();
  Status Write(const v1::EventRecord& record, const store::RecordContext& where);  // both
  Status RemoveRows(const store::RecordContext& old);
  static std::array<store::SqlValue, 3> FullText(const store::RecordContext& c);
  // Binds `values` from parameter 1 and runs the statement to completion.
  Status Run(sqlite3_stmt* statement, std::span<const store::SqlValue> values, const char* what);

  sqlite3* db_ = nullptr;
  Statement find_article_, insert_article_, update_article_, insert_text_, delete_text_;
  // One per store::RecordTables():
  std::vector<Statement> insert_rows_, delete_rows_;
  std::vector<store::RowWriter> staged_;
  std::vector<std::vector<size_t>> key_columns_;
  std::deque<std::string> batch_bytes_;  // the staged records' serialised forms
  v1::EventRecord old_record_;
};

}  // namespace herald
