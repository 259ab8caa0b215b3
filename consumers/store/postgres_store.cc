#include "consumers/store/postgres_store.h"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "consumers/store/postgres_copy.h"
#include "consumers/store/store_schema.h"
#include "core/clock.h"

namespace herald {
namespace {

using store::RecordTables;
using store::RowWriter;
using store::SqlDialect;
using store::SqlValue;

constexpr SqlDialect kDialect = SqlDialect::kPostgres;
// pg_advisory_xact_lock's key for migrations: "herald" in ASCII.
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(110241917765996)";

// A query's result, cleared when it goes out of scope.
struct PgResult {
  PGresult* r;
  ~PgResult() { PQclear(r); }
};

std::string CopySql(const store::Table& t, bool with_seq) {
  std::string sql = "COPY " + std::string(t.name) + " (" + (with_seq ? "seq" : "");
  for (const store::Column& c : t.columns) sql += (sql.back() == '(' ? "" : ", ") + std::string(c.name);
  return sql + ") FROM STDIN";
}

// A BIGINT of a binary result.
int64_t BinaryInt64(PGresult* r, int row, int column) {
  uint64_t v = 0;
  for (int b = 0; b < 8; ++b) v = (v << 8) | static_cast<unsigned char>(PQgetvalue(r, row, column)[b]);
  return static_cast<int64_t>(v);
}

// Runs `sql` with `values` as its parameters (blobs in binary).
Status ExecWith(PGconn* conn, const std::string& sql, std::span<const SqlValue> values, const std::string& what) {
  std::vector<std::string> texts(values.size());
  std::vector<const char*> pointers(values.size());
  std::vector<int> lengths(values.size()), formats(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].type == store::SqlType::kNull) continue;  // pointers[i] stays null: SQL NULL
    texts[i] = PostgresParameterText(values[i]);
    pointers[i] = texts[i].c_str();
    lengths[i] = static_cast<int>(texts[i].size());
    formats[i] = values[i].type == store::SqlType::kBlob;
  }
  PgResult r{PQexecParams(conn, sql.c_str(), static_cast<int>(values.size()), nullptr, pointers.data(), lengths.data(),
                          formats.data(), 0)};
  if (PQresultStatus(r.r) != PGRES_COMMAND_OK && PQresultStatus(r.r) != PGRES_TUPLES_OK) {
    return Unexpected(PostgresError(conn, r.r, what));
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<PostgresEventStore>> PostgresEventStore::Open(const std::string& uri) {
  std::unique_ptr<PostgresEventStore> s(new PostgresEventStore());
  s->uri_ = uri;
  if (Status c = s->Connect(); !c) {
    Error e = c.error();
    e.kind = ErrorKind::kFatal;  // at start-up, a database we cannot reach or migrate is a configuration error
    return Unexpected(e);
  }
  return s;
}

PostgresEventStore::~PostgresEventStore() {
  if (conn_) PQfinish(conn_);
}

Status PostgresEventStore::Connect() {
  if (conn_ && PQstatus(conn_) == CONNECTION_OK) return {};
  if (conn_) PQfinish(conn_);
  conn_ = PQconnectdb(uri_.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn_);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    return Retriable("postgres connect: " + message);
  }
  // Quiet NOTICEs; bring the schema up to date on each (re)connection.
  if (Status s = Exec("SET client_min_messages = warning"); !s) return s;
  return Migrate();
}

Status PostgresEventStore::Exec(const std::string& sql) {
  PgResult r{PQexec(conn_, sql.c_str())};
  const ExecStatusType status = PQresultStatus(r.r);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return {};
  return Unexpected(PostgresError(conn_, r.r, sql.substr(0, sql.find(' ', 12))));
}

Result<int> PostgresEventStore::SchemaVersion() {
  PgResult r{PQexec(conn_,
                    "SELECT CASE WHEN to_regclass('herald_schema') IS NOT NULL THEN -1 "
                    "WHEN to_regclass('events') IS NOT NULL THEN 1 ELSE 0 END")};
  if (PQresultStatus(r.r) != PGRES_TUPLES_OK) return Unexpected(PostgresError(conn_, r.r, "schema version"));
  const int version = std::atoi(PQgetvalue(r.r, 0, 0));
  if (version >= 0) return version;
  PgResult v{PQexec(conn_, "SELECT MAX(version) FROM herald_schema")};
  if (PQresultStatus(v.r) != PGRES_TUPLES_OK) return Unexpected(PostgresError(conn_, v.r, "schema version"));
  return std::atoi(PQgetvalue(v.r, 0, 0));
}

Status PostgresEventStore::Migrate() {
  if (Status s = Exec("BEGIN"); !s) return s;
  auto fail = [&](Status s) {
    (void)Exec("ROLLBACK");
    return s;
  };
  // Of several stores starting at once, one migrates; the others wait here
  // and find it done.
  if (Status s = Exec(kMigrationLock); !s) return fail(s);
  auto version = SchemaVersion();
  if (!version) return fail(Unexpected(version.error()));
  auto steps = store::SchemaSteps(*version, kDialect);
  if (!steps) return fail(Unexpected(steps.error()));
  for (const std::string& sql : *steps) {
    if (Status s = Exec(sql); !s) return fail(s);
  }
  if (*version == store::kLegacyVersion) {
    if (Status s = CopyLegacyRecords(); !s) return fail(s);
  }
  return Exec("COMMIT");
}

Status PostgresEventStore::CopyLegacyRecords() {
  const std::string legacy(store::kLegacyTable);
  if (Status s = Exec("DECLARE legacy CURSOR FOR SELECT record, kafka_topic, kafka_partition, kafka_offset, "
                      "extract(epoch FROM stored_at)::bigint FROM " +
                      legacy + " ORDER BY stored_at, kafka_offset");
      !s) {
    return s;
  }
  while (true) {
    PgResult r{PQexecParams(conn_, "FETCH 1000 FROM legacy", 0, nullptr, nullptr, nullptr, nullptr, /*binary=*/0)};
    if (PQresultStatus(r.r) != PGRES_TUPLES_OK) return Unexpected(PostgresError(conn_, r.r, "read " + legacy));
    const int rows = PQntuples(r.r);
    if (rows == 0) break;
    std::vector<v1::EventRecord> records(rows);
    std::vector<Pending> batch;
    for (int i = 0; i < rows; ++i) {
      size_t length = 0;
      unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(r.r, i, 0)), &length);
      const bool parsed = bytes && records[i].ParseFromArray(bytes, static_cast<int>(length));
      PQfreemem(bytes);
      if (!parsed) continue;
      batch.push_back({.record = &records[i],
                       .context = {.kafka_topic = PQgetvalue(r.r, i, 1),
                                   .kafka_partition = std::atoi(PQgetvalue(r.r, i, 2)),
                                   .kafka_offset = std::atoll(PQgetvalue(r.r, i, 3)),
                                   .stored_at = std::atoll(PQgetvalue(r.r, i, 4))}});
    }
    if (Status s = WriteBatch(batch); !s) return s;
  }
  if (Status s = Exec("CLOSE legacy"); !s) return s;
  return Exec("DROP TABLE " + legacy);
}

Result<std::vector<PostgresEventStore::Stored>> PostgresEventStore::LockAndRead(const std::vector<std::string>& ids,
                                                                                std::vector<std::string>* found_ids) {
  const std::string array = PostgresTextArray(ids);
  const char* values[] = {array.c_str()};
  PgResult lock{PQexecParams(conn_,
                             "SELECT pg_advisory_xact_lock(hashtext(id)) FROM "
                             "(SELECT id FROM unnest($1::text[]) AS id ORDER BY id) AS ids",
                             1, nullptr, values, nullptr, nullptr, 0)};
  if (PQresultStatus(lock.r) != PGRES_TUPLES_OK) return Unexpected(PostgresError(conn_, lock.r, "lock records"));
  PgResult r{PQexecParams(conn_, "SELECT id, seq, time, record FROM articles WHERE id = ANY($1::text[])", 1, nullptr,
                          values, nullptr, nullptr, /*binary=*/1)};
  if (PQresultStatus(r.r) != PGRES_TUPLES_OK) return Unexpected(PostgresError(conn_, r.r, "read stored records"));
  std::vector<Stored> stored(PQntuples(r.r));
  for (int i = 0; i < PQntuples(r.r); ++i) {
    found_ids->emplace_back(PQgetvalue(r.r, i, 0), PQgetlength(r.r, i, 0));
    stored[i] = {.seq = BinaryInt64(r.r, i, 1),
                 .time = BinaryInt64(r.r, i, 2),
                 .record = std::string(PQgetvalue(r.r, i, 3), PQgetlength(r.r, i, 3))};
  }
  return stored;
}

Result<std::vector<int64_t>> PostgresEventStore::NewSeqs(size_t count) {
  std::vector<int64_t> seqs;
  if (count == 0) return seqs;
  const std::string n = std::to_string(count);
  const char* values[] = {n.c_str()};
  PgResult r{PQexecParams(conn_,
                          "SELECT nextval(pg_get_serial_sequence('articles', 'seq')) FROM generate_series(1, $1::int)",
                          1, nullptr, values, nullptr, nullptr, 0)};
  if (PQresultStatus(r.r) != PGRES_TUPLES_OK) return Unexpected(PostgresError(conn_, r.r, "number articles"));
  for (int i = 0; i < PQntuples(r.r); ++i) seqs.push_back(std::atoll(PQgetvalue(r.r, i, 0)));
  return seqs;
}

Status PostgresEventStore::RemoveRows(const store::RecordContext& old) {
  for (const store::Table& table : RecordTables()) {
    RowWriter rows(table);
    table.rows(old, rows);
    const std::string sql = store::DeleteByKeySql(table, kDialect);
    const std::vector<size_t> key_columns = store::KeyColumns(table);
    std::vector<SqlValue> key;
    for (size_t r = 0; r < rows.size(); ++r) {
      key.clear();
      for (size_t k : key_columns) key.push_back(rows.row(r)[k]);
      if (Status s = ExecWith(conn_, sql, key, "delete from " + std::string(table.name)); !s) return s;
    }
  }
  return {};
}

Status PostgresEventStore::CopyRows(const std::vector<Pending>& batch, const std::vector<Pending*>& added) {
  PostgresCopy copy;
  for (const Pending* p : added) {
    RowWriter article(store::ArticlesTable());
    store::ArticlesTable().rows(p->context, article);
    std::vector<SqlValue> row{{.type = store::SqlType::kInteger, .integer = p->context.article_seq}};
    row.insert(row.end(), article.row(0).begin(), article.row(0).end());
    copy.Add(row);
  }
  if (!copy.empty()) {
    if (Status s = copy.Send(conn_, CopySql(store::ArticlesTable(), /*with_seq=*/true)); !s) return s;
  }
  for (const store::Table& table : RecordTables()) {
    const std::vector<size_t> key_columns = store::KeyColumns(table);
    for (const Pending& p : batch) {
      if (p.context.article_seq == 0) continue;  // unchanged
      RowWriter rows(table);
      table.rows(p.context, rows);
      // COPY refuses a duplicate key: a record naming one thing twice keeps the first, as in SQLite.
      std::set<std::vector<std::string>> keys;
      for (size_t r = 0; r < rows.size(); ++r) {
        std::vector<std::string> key;
        for (size_t k : key_columns) key.push_back(PostgresParameterText(rows.row(r)[k]));
        if (keys.insert(std::move(key)).second) copy.Add(rows.row(r));
      }
    }
    if (!copy.empty()) {
      if (Status s = copy.Send(conn_, CopySql(table, /*with_seq=*/false)); !s) return s;
    }
  }
  return {};
}

Status PostgresEventStore::WriteBatch(std::vector<Pending>& batch) {
  // The last of a record's deliveries in a batch is the one written.
  std::map<std::string_view, size_t> last;
  for (size_t i = 0; i < batch.size(); ++i) last[batch[i].record->id()] = i;
  std::vector<std::string> ids;
  for (const auto& [id, index] : last) ids.emplace_back(id);
  std::vector<std::string> found_ids;
  auto stored = LockAndRead(ids, &found_ids);
  if (!stored) return Unexpected(stored.error());
  std::map<std::string_view, const Stored*> stored_by_id;
  for (size_t i = 0; i < found_ids.size(); ++i) stored_by_id[found_ids[i]] = &(*stored)[i];

  std::vector<Pending*> added;
  const std::string update_sql = store::UpdateArticleSql(kDialect);
  for (auto& [id, index] : last) {
    Pending& p = batch[index];
    p.record->SerializeToString(&p.bytes);
    p.context.record = p.record;
    p.context.record_bytes = p.bytes;
    p.context.time = store::RecordTime(*p.record, p.context.stored_at);
    auto known = stored_by_id.find(id);
    if (known == stored_by_id.end()) {
      added.push_back(&p);
      continue;
    }
    if (known->second->record == p.bytes) continue;  // a redelivery: nothing to write
    p.stored = known->second;
    p.context.article_seq = p.stored->seq;
    if (old_record_.ParseFromString(p.stored->record)) {
      if (Status s = RemoveRows({.record = &old_record_, .article_seq = p.stored->seq, .time = p.stored->time}); !s) {
        return s;
      }
    }
    RowWriter article(store::ArticlesTable());
    store::ArticlesTable().rows(p.context, article);
    std::vector<SqlValue> values(article.row(0).begin(), article.row(0).end());
    values.push_back({.type = store::SqlType::kInteger, .integer = p.context.article_seq});
    if (Status s = ExecWith(conn_, update_sql, values, "update article " + p.record->id()); !s) return s;
  }
  auto seqs = NewSeqs(added.size());
  if (!seqs) return Unexpected(seqs.error());
  for (size_t i = 0; i < added.size(); ++i) added[i]->context.article_seq = (*seqs)[i];
  return CopyRows(batch, added);
}

Status PostgresEventStore::Upsert(const std::vector<StoredEvent>& events) {
  if (Status c = Connect(); !c) return c;
  const int64_t stored_at = NowMicros() / 1000000;
  std::vector<Pending> batch;
  batch.reserve(events.size());
  for (const StoredEvent& e : events) {
    batch.push_back({.record = e.record,
                     .context = {.kafka_topic = e.topic,
                                 .kafka_partition = e.partition,
                                 .kafka_offset = e.offset,
                                 .stored_at = stored_at}});
  }
  if (Status s = Exec("BEGIN"); !s) return s;
  if (Status s = WriteBatch(batch); !s) {
    (void)Exec("ROLLBACK");
    return s;
  }
  if (Status s = Exec("COMMIT"); !s) {
    (void)Exec("ROLLBACK");
    return s;
  }
  return {};
}

Result<int64_t> PostgresEventStore::Purge(const RetentionPolicy& policy, int64_t now, int64_t at_most) {
  if (!policy.any() || at_most <= 0) return 0;
  if (Status c = Connect(); !c) return Unexpected(c.error());
  auto excess = ArticlesOverLimit(*this, policy);
  if (!excess) return Unexpected(excess.error());
  const int64_t cutoff = RetentionCutoff(policy, now);
  if (Status s = Exec("BEGIN"); !s) return Unexpected(s.error());
  // SKIP LOCKED: instances purging at once take different rows.
  const std::string cutoff_text = std::to_string(cutoff), excess_text = std::to_string(std::min(*excess, at_most)),
                    limit_text = std::to_string(at_most);
  const char* values[] = {cutoff_text.c_str(), excess_text.c_str(), limit_text.c_str()};
  PgResult r{PQexecParams(conn_,
                          "SELECT seq, time, record FROM articles WHERE time < $1::bigint OR seq IN "
                          "(SELECT seq FROM articles ORDER BY time, seq LIMIT $2::bigint) "
                          "ORDER BY time, seq LIMIT $3::bigint FOR UPDATE SKIP LOCKED",
                          3, nullptr, values, nullptr, nullptr, /*binary=*/1)};
  Status done = PQresultStatus(r.r) == PGRES_TUPLES_OK ? Status{} : Unexpected(PostgresError(conn_, r.r, "purge"));
  int64_t removed = 0;
  for (int i = 0; done && i < PQntuples(r.r); ++i) {
    const store::RecordContext old{
        .record = &old_record_, .article_seq = BinaryInt64(r.r, i, 0), .time = BinaryInt64(r.r, i, 1)};
    if (old_record_.ParseFromArray(PQgetvalue(r.r, i, 2), PQgetlength(r.r, i, 2))) done = RemoveRows(old);
    const SqlValue key[] = {{.type = store::SqlType::kInteger, .integer = old.article_seq}};
    if (done) done = ExecWith(conn_, "DELETE FROM articles WHERE seq = $1", key, "purge");
    if (done) ++removed;
  }
  if (done) done = Exec("COMMIT");
  if (!done) {
    (void)Exec("ROLLBACK");
    return Unexpected(done.error());
  }
  return removed;
}

Result<int64_t> PostgresEventStore::Count() {
  if (Status c = Connect(); !c) return Unexpected(c.error());
  PgResult r{PQexec(conn_, "SELECT COUNT(*) FROM articles")};
  if (PQresultStatus(r.r) != PGRES_TUPLES_OK) return Unexpected(PostgresError(conn_, r.r, "count"));
  return std::atoll(PQgetvalue(r.r, 0, 0));
}

Result<std::vector<v1::EventRecord>> PostgresEventStore::ReadAll() {
  if (Status c = Connect(); !c) return Unexpected(c.error());
  PgResult r{PQexecParams(conn_, "SELECT record FROM articles ORDER BY seq", 0, nullptr, nullptr, nullptr, nullptr,
                          /*resultFormat=*/1)};
  if (PQresultStatus(r.r) != PGRES_TUPLES_OK) return Unexpected(PostgresError(conn_, r.r, "read"));
  std::vector<v1::EventRecord> out;
  for (int i = 0; i < PQntuples(r.r); ++i)
    out.emplace_back().ParseFromArray(PQgetvalue(r.r, i, 0), PQgetlength(r.r, i, 0));
  return out;
}

}  // namespace herald
