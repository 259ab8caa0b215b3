#include "consumers/store/sqlite_store.h"

#include <algorithm>
#include <numeric>
#include <unordered_map>

#include "consumers/store/store_schema.h"
#include "core/clock.h"

namespace herald {
namespace {

using store::RecordContext;
using store::RecordTables;
using store::RowWriter;
using store::SqlDialect;
using store::SqlType;
using store::SqlValue;

constexpr SqlDialect kDialect = SqlDialect::kSqlite;

int Bind(sqlite3_stmt* s, int index, const SqlValue& v) {
  switch (v.type) {
    case SqlType::kText:
      return sqlite3_bind_text(s, index, v.bytes.data(), static_cast<int>(v.bytes.size()), SQLITE_STATIC);
    case SqlType::kBlob:
      return sqlite3_bind_blob(s, index, v.bytes.data(), static_cast<int>(v.bytes.size()), SQLITE_STATIC);
    case SqlType::kInteger: return sqlite3_bind_int64(s, index, v.integer);
    case SqlType::kReal: return sqlite3_bind_double(s, index, v.real);
    case SqlType::kNull: return sqlite3_bind_null(s, index);
  }
  return SQLITE_MISUSE;
}

std::string_view ColumnBytes(sqlite3_stmt* s, int column) {
  const void* data = sqlite3_column_blob(s, column);
  return {static_cast<const char*>(data), static_cast<size_t>(sqlite3_column_bytes(s, column))};
}

}  // namespace

Error SqliteEventStore::SqlError(const std::string& what) const {
  const int primary = sqlite3_errcode(db_) & 0xff;
  const ErrorKind kind =
      (primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_IOERR || primary == SQLITE_FULL)
          ? ErrorKind::kRetriable
          : ErrorKind::kFatal;
  return Error{v1::SINK_FAILED, kind, "sqlite " + what + ": " + sqlite3_errmsg(db_)};
}

Result<std::unique_ptr<SqliteEventStore>> SqliteEventStore::Open(const std::string& path) {
  std::unique_ptr<SqliteEventStore> s(new SqliteEventStore());
  if (sqlite3_open_v2(path.c_str(), &s->db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    return Fatal("cannot open sqlite database " + path + ": " + (s->db_ ? sqlite3_errmsg(s->db_) : "out of memory"));
  }
  sqlite3_busy_timeout(s->db_, 5000);
  // 16 KiB pages hold an article row (its text and record) without overflow
  // pages (on a new file; an existing one keeps its size); 32 MiB of cache; a
  // checkpoint every 8,000 pages (128 MiB of WAL), since a page rewritten by
  // several batches between two checkpoints is copied to the file once.
  // Measured with herald_store_benchmark: docs/PERFORMANCE.md.
  for (const char* sql : {"PRAGMA page_size=16384", "PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL",
                          "PRAGMA cache_size=-32768", "PRAGMA wal_autocheckpoint=8000"}) {
    if (Status st = s->Exec(sql); !st) {
      Error e = st.error();
      e.kind = ErrorKind::kFatal;
      return Unexpected(e);
    }
  }
  if (Status m = s->Migrate(); !m) {
    Error e = m.error();
    e.kind = ErrorKind::kFatal;  // a database we cannot bring to our schema is not ours to write
    return Unexpected(e);
  }
  return s;
}

SqliteEventStore::~SqliteEventStore() {
  insert_rows_.clear();
  delete_rows_.clear();
  find_article_.reset(), insert_article_.reset(), update_article_.reset(), insert_text_.reset(), delete_text_.reset();
  sqlite3_close(db_);
}

Status SqliteEventStore::Exec(const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    Error e = SqlError(sql.substr(0, sql.find(' ', 12)));
    sqlite3_free(message);
    return Unexpected(e);
  }
  return {};
}

Result<SqliteEventStore::Statement> SqliteEventStore::Prepare(const std::string& sql) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr) != SQLITE_OK) {
    return Unexpected(SqlError("prepare " + sql));
  }
  return Statement(statement);
}

Result<int> SqliteEventStore::SchemaVersion() {
  auto has_table = [&](const char* name) -> Result<bool> {
    auto s = Prepare(std::string("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '") + name + "'");
    if (!s) return Unexpected(s.error());
    return sqlite3_step(s->get()) == SQLITE_ROW;
  };
  auto versioned = has_table("herald_schema");
  if (!versioned) return Unexpected(versioned.error());
  if (*versioned) {
    auto s = Prepare("SELECT MAX(version) FROM herald_schema");
    if (!s) return Unexpected(s.error());
    return sqlite3_step(s->get()) == SQLITE_ROW ? sqlite3_column_int(s->get(), 0) : 0;
  }
  auto legacy = has_table("events");
  if (!legacy) return Unexpected(legacy.error());
  return *legacy ? store::kLegacyVersion : 0;
}

Status SqliteEventStore::Migrate() {
  // The write lock first: of several stores opening one file, one migrates
  // and the others find it done.
  if (Status s = Exec("BEGIN IMMEDIATE"); !s) return s;
  auto fail = [&](Status s) {
    (void)Exec("ROLLBACK");
    return s;
  };
  auto version = SchemaVersion();
  if (!version) return fail(Unexpected(version.error()));
  auto steps = store::SchemaSteps(*version, kDialect);
  if (!steps) return fail(Unexpected(steps.error()));
  for (const std::string& sql : *steps) {
    if (Status s = Exec(sql); !s) return fail(s);
  }
  if (Status s = PrepareStatements(); !s) return fail(s);
  if (*version == store::kLegacyVersion) {
    if (Status s = CopyLegacyRecords(); !s) return fail(s);
  }
  return Exec("COMMIT");
}

Status SqliteEventStore::PrepareStatements() {
  auto prepare = [&](Statement* out, const std::string& sql) -> Status {
    auto s = Prepare(sql);
    if (!s) return Unexpected(s.error());
    *out = std::move(*s);
    return {};
  };
  const store::Table& articles = store::ArticlesTable();
  for (auto [out, sql] :
       {std::pair{&find_article_, std::string("SELECT seq, time, record FROM articles WHERE id = ?1")},
        std::pair{&insert_article_, store::InsertSql(articles, kDialect)},
        std::pair{&update_article_, store::UpdateArticleSql(kDialect)},
        std::pair{&insert_text_, std::string("INSERT INTO articles_text (rowid, title, body) "
                                             "VALUES (?1, ?2, ?3)")},
        std::pair{&delete_text_, std::string("INSERT INTO articles_text (articles_text, rowid, "
                                             "title, body) VALUES ('delete', ?1, ?2, ?3)")}}) {
    if (Status s = prepare(out, sql); !s) return s;
  }
  insert_rows_.resize(RecordTables().size());
  delete_rows_.resize(RecordTables().size());
  staged_.clear();
  key_columns_.clear();
  for (size_t t = 0; t < RecordTables().size(); ++t) {
    staged_.emplace_back(RecordTables()[t]);
    key_columns_.push_back(store::KeyColumns(RecordTables()[t]));
    if (Status s = prepare(&insert_rows_[t], store::InsertSql(RecordTables()[t], kDialect)); !s) return s;
    if (Status s = prepare(&delete_rows_[t], store::DeleteByKeySql(RecordTables()[t], kDialect)); !s) return s;
  }
  return {};
}

Status SqliteEventStore::CopyLegacyRecords() {
  auto legacy = Prepare("SELECT record, kafka_topic, kafka_partition, kafka_offset, stored_at FROM " +
                        std::string(store::kLegacyTable) + " ORDER BY rowid");
  if (!legacy) return Unexpected(legacy.error());
  sqlite3_stmt* s = legacy->get();
  v1::EventRecord record;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    const std::string_view bytes = ColumnBytes(s, 0);
    if (!record.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) continue;  // kept nowhere before either
    const std::string stored_at(ColumnBytes(s, 4));
    RecordContext where{.kafka_topic = ColumnBytes(s, 1),
                        .kafka_partition = sqlite3_column_int(s, 2),
                        .kafka_offset = sqlite3_column_int64(s, 3),
                        .stored_at = ParseTimestamp(stored_at).value_or(NowMicros()) / 1000000};
    if (Status w = Write(record, where); !w) return w;
  }
  if (rc != SQLITE_DONE) return Unexpected(SqlError("read " + std::string(store::kLegacyTable)));
  legacy->reset();
  return Exec("DROP TABLE " + std::string(store::kLegacyTable));
}

Status SqliteEventStore::Run(sqlite3_stmt* statement, std::span<const SqlValue> values, const char* what) {
  sqlite3_reset(statement);
  for (size_t i = 0; i < values.size(); ++i) Bind(statement, static_cast<int>(i + 1), values[i]);
  if (sqlite3_step(statement) != SQLITE_DONE) return Unexpected(SqlError(what));
  return {};
}

Status SqliteEventStore::RemoveRows(const RecordContext& old) {
  std::vector<SqlValue> key;
  for (size_t t = 0; t < RecordTables().size(); ++t) {
    const store::Table& table = RecordTables()[t];
    RowWriter rows(table);
    table.rows(old, rows);
    for (size_t r = 0; r < rows.size(); ++r) {
      key.clear();
      for (size_t k : key_columns_[t]) key.push_back(rows.row(r)[k]);
      if (Status s = Run(delete_rows_[t].get(), key, "delete"); !s) return s;
    }
  }
  return Run(delete_text_.get(), FullText(old), "full-text index");
}

std::array<SqlValue, 3> SqliteEventStore::FullText(const RecordContext& c) {
  const v1::Article& a = c.record->article();
  return {SqlValue{.type = SqlType::kInteger, .integer = c.article_seq},
          SqlValue{.type = SqlType::kText, .bytes = a.title()}, SqlValue{.type = SqlType::kText, .bytes = a.body()}};
}

Status SqliteEventStore::Stage(const v1::EventRecord& record, const RecordContext& where) {
  const std::string& bytes = batch_bytes_.emplace_back(record.SerializeAsString());
  RecordContext c = where;
  c.record = &record;
  c.record_bytes = bytes;
  c.time = store::RecordTime(record, where.stored_at);
  RowWriter article(store::ArticlesTable());
  store::ArticlesTable().rows(c, article);

  sqlite3_stmt* find = find_article_.get();
  sqlite3_reset(find);
  sqlite3_bind_text(find, 1, record.id().data(), static_cast<int>(record.id().size()), SQLITE_STATIC);
  const int found = sqlite3_step(find);
  if (found == SQLITE_ROW) {
    // A redelivery writes nothing; a new version replaces every row of the old.
    const std::string_view old_bytes = ColumnBytes(find, 2);
    if (old_bytes == bytes) {
      sqlite3_reset(find);
      return {};
    }
    c.article_seq = sqlite3_column_int64(find, 0);
    const RecordContext old{
        .record = &old_record_, .article_seq = c.article_seq, .time = sqlite3_column_int64(find, 1)};
    const bool parsed = old_record_.ParseFromArray(old_bytes.data(), static_cast<int>(old_bytes.size()));
    sqlite3_reset(find);
    if (parsed) {
      if (Status s = RemoveRows(old); !s) return s;
    }
    std::vector<SqlValue> values(article.row(0).begin(), article.row(0).end());
    values.push_back({.type = SqlType::kInteger, .integer = c.article_seq});
    if (Status s = Run(update_article_.get(), values, "update article"); !s) return s;
  } else if (found == SQLITE_DONE) {
    if (Status s = Run(insert_article_.get(), article.row(0), "insert article"); !s) return s;
    c.article_seq = sqlite3_last_insert_rowid(db_);
  } else {
    return Unexpected(SqlError("find article " + record.id()));
  }
  for (size_t t = 0; t < RecordTables().size(); ++t) RecordTables()[t].rows(c, staged_[t]);
  return Run(insert_text_.get(), FullText(c), "full-text index");
}

Status SqliteEventStore::InsertStaged() {
  // In key order: each b-tree page is visited once per batch, not once per
  // row, which is most of what a batch costs (random keys otherwise touch a
  // page per row, each written to the WAL).
  std::vector<size_t> order;
  for (size_t t = 0; t < RecordTables().size(); ++t) {
    RowWriter& rows = staged_[t];
    order.resize(rows.size());
    std::iota(order.begin(), order.end(), 0);
    const std::vector<size_t>& key = key_columns_[t];
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      for (size_t k : key) {
        const SqlValue &x = rows.row(a)[k], &y = rows.row(b)[k];
        if (x.type == SqlType::kInteger && x.integer != y.integer) return x.integer < y.integer;
        if (x.type != SqlType::kInteger && x.bytes != y.bytes) return x.bytes < y.bytes;
      }
      return false;
    });
    for (size_t r : order) {
      if (Status s = Run(insert_rows_[t].get(), rows.row(r), "insert"); !s) return s;
    }
    rows.Clear();
  }
  batch_bytes_.clear();
  return {};
}

Status SqliteEventStore::Write(const v1::EventRecord& record, const RecordContext& where) {
  if (Status s = Stage(record, where); !s) return s;
  return InsertStaged();
}

Status SqliteEventStore::Upsert(const std::vector<StoredEvent>& events) {
  // The last of a record's deliveries in a batch is the one written.
  std::unordered_map<std::string_view, size_t> last;
  for (size_t i = 0; i < events.size(); ++i) last[events[i].record->id()] = i;
  if (Status s = Exec("BEGIN IMMEDIATE"); !s) return s;
  const int64_t stored_at = NowMicros() / 1000000;
  Status written;
  for (size_t i = 0; i < events.size() && written; ++i) {
    const StoredEvent& e = events[i];
    if (last[e.record->id()] != i) continue;
    const RecordContext where{
        .kafka_topic = e.topic, .kafka_partition = e.partition, .kafka_offset = e.offset, .stored_at = stored_at};
    if (Status s = Stage(*e.record, where); !s) {
      Error error = s.error();
      error.reason += " (record " + e.record->id() + ")";
      written = Unexpected(error);
    }
  }
  if (written) written = InsertStaged();
  if (written) written = Exec("COMMIT");
  if (!written) {
    for (RowWriter& rows : staged_) rows.Clear();
    batch_bytes_.clear();
    (void)Exec("ROLLBACK");
  }
  return written;
}

Result<int64_t> SqliteEventStore::Purge(const RetentionPolicy& policy, int64_t now, int64_t at_most) {
  if (!policy.any() || at_most <= 0) return 0;
  auto excess = ArticlesOverLimit(*this, policy);
  if (!excess) return Unexpected(excess.error());
  const int64_t cutoff = RetentionCutoff(policy, now);
  if (Status s = Exec("BEGIN IMMEDIATE"); !s) return Unexpected(s.error());
  auto victims = Prepare(
      "SELECT seq, time, record FROM articles WHERE time < ?1 OR seq IN "
      "(SELECT seq FROM articles ORDER BY time, seq LIMIT ?2) ORDER BY time, seq LIMIT ?3");
  auto remove = Prepare("DELETE FROM articles WHERE seq = ?1");
  if (!victims || !remove) {
    (void)Exec("ROLLBACK");
    return Unexpected((victims ? remove.error() : victims.error()));
  }
  sqlite3_bind_int64(victims->get(), 1, cutoff);
  sqlite3_bind_int64(victims->get(), 2, std::min(*excess, at_most));
  sqlite3_bind_int64(victims->get(), 3, at_most);
  // Read first, then delete: the rows are not changed under the cursor reading them.
  struct Victim {
    int64_t seq, time;
    std::string record;
  };
  std::vector<Victim> found;
  while (sqlite3_step(victims->get()) == SQLITE_ROW) {
    found.push_back({sqlite3_column_int64(victims->get(), 0), sqlite3_column_int64(victims->get(), 1),
                     std::string(ColumnBytes(victims->get(), 2))});
  }
  victims->reset();
  int64_t removed = 0;
  Status done;
  for (const Victim& v : found) {
    if (old_record_.ParseFromString(v.record)) {
      done = RemoveRows({.record = &old_record_, .article_seq = v.seq, .time = v.time});
    }
    const SqlValue key[] = {{.type = SqlType::kInteger, .integer = v.seq}};
    if (done) done = Run(remove->get(), key, "purge");
    if (!done) break;
    ++removed;
  }
  if (done) done = Exec("COMMIT");
  if (!done) {
    (void)Exec("ROLLBACK");
    return Unexpected(done.error());
  }
  return removed;
}

Result<int64_t> SqliteEventStore::Count() {
  auto s = Prepare("SELECT COUNT(*) FROM articles");
  if (!s) return Unexpected(s.error());
  return sqlite3_step(s->get()) == SQLITE_ROW ? sqlite3_column_int64(s->get(), 0) : 0;
}

Result<std::vector<v1::EventRecord>> SqliteEventStore::ReadAll() {
  auto s = Prepare("SELECT record FROM articles ORDER BY seq");
  if (!s) return Unexpected(s.error());
  std::vector<v1::EventRecord> out;
  while (sqlite3_step(s->get()) == SQLITE_ROW) {
    const std::string_view bytes = ColumnBytes(s->get(), 0);
    out.emplace_back().ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
  }
  return out;
}

}  // namespace herald
