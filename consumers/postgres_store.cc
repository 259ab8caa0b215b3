#include "consumers/postgres_store.h"

#include <libpq-fe.h>

#include "core/clock.h"

namespace herald {
namespace {

// By SQLSTATE class: what a retry cannot fix stops the daemon; everything
// else (connection, concurrency, resources, one record's data) is retried,
// and a record that keeps failing is quarantined by the stage loop.
ErrorKind KindOf(const char* sqlstate) {
  std::string_view state = sqlstate ? sqlstate : "";
  for (std::string_view fatal_class : {"28", "3D", "3F", "42"}) {
    if (state.starts_with(fatal_class)) return ErrorKind::kFatal;
  }
  return ErrorKind::kRetriable;
}

Error ResultError(PGconn* conn, PGresult* result, const std::string& what) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = result ? PQresultErrorMessage(result) : PQerrorMessage(conn);
  while (!message.empty() && message.back() == '\n') message.pop_back();
  ErrorKind kind = PQstatus(conn) == CONNECTION_BAD ? ErrorKind::kRetriable : KindOf(state);
  return Error{v1::SINK_FAILED, kind, "postgres " + what + ": " + message};
}

}  // namespace

Result<std::unique_ptr<PostgresEventStore>> PostgresEventStore::Open(const std::string& uri) {
  std::unique_ptr<PostgresEventStore> s(new PostgresEventStore());
  s->uri_ = uri;
  if (Status c = s->Connect(); !c) {
    Error e = c.error();
    e.kind = ErrorKind::kFatal;  // at start-up, a database we cannot reach is a configuration error
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
  // Quiet NOTICEs ("relation already exists, skipping") and fix the schema on each (re)connection.
  if (Status s = Exec("SET client_min_messages = warning"); !s) return s;
  if (Status s = Exec(EventsSchemaSql(SqlDialect::kPostgres).c_str()); !s) return s;
  PGresult* prepared = PQprepare(conn_, "upsert", UpsertEventSql(SqlDialect::kPostgres).c_str(), 0, nullptr);
  bool ok = PQresultStatus(prepared) == PGRES_COMMAND_OK;
  Error e = ok ? Error{} : ResultError(conn_, prepared, "prepare");
  PQclear(prepared);
  if (!ok) return Unexpected(e);
  return {};
}

Status PostgresEventStore::Exec(const char* sql) {
  PGresult* r = PQexec(conn_, sql);
  ExecStatusType status = PQresultStatus(r);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    PQclear(r);
    return {};
  }
  Error e = ResultError(conn_, r, "exec");
  PQclear(r);
  return Unexpected(e);
}

Status PostgresEventStore::Upsert(const std::vector<StoredEvent>& events) {
  if (Status c = Connect(); !c) return c;
  if (Status s = Exec("BEGIN"); !s) return s;
  const std::string stored_at = NowRfc3339();
  for (const StoredEvent& e : events) {
    const EventColumns c = ColumnsOf(*e.record);
    const std::string partition = std::to_string(e.partition), offset = std::to_string(e.offset);
    const char* values[16];
    int lengths[16] = {};
    int formats[16] = {};
    for (size_t i = 0; i < c.texts.size(); ++i) values[i] = c.texts[i].c_str();
    values[10] = c.record.data();
    lengths[10] = static_cast<int>(c.record.size());
    formats[10] = 1;  // binary: the serialised record as is
    values[11] = c.record_json.c_str();
    values[12] = e.topic.c_str();
    values[13] = partition.c_str();
    values[14] = offset.c_str();
    values[15] = stored_at.c_str();
    PGresult* r = PQexecPrepared(conn_, "upsert", 16, values, lengths, formats, 0);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
      Error err = ResultError(conn_, r, "upsert " + e.record->id());
      PQclear(r);
      (void)Exec("ROLLBACK");
      return Unexpected(err);
    }
    PQclear(r);
  }
  if (Status s = Exec("COMMIT"); !s) {
    (void)Exec("ROLLBACK");
    return s;
  }
  return {};
}

Result<int64_t> PostgresEventStore::Count() {
  if (Status c = Connect(); !c) return Unexpected(c.error());
  PGresult* r = PQexec(conn_, "SELECT COUNT(*) FROM events");
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    Error e = ResultError(conn_, r, "count");
    PQclear(r);
    return Unexpected(e);
  }
  int64_t n = std::stoll(PQgetvalue(r, 0, 0));
  PQclear(r);
  return n;
}

Result<std::vector<v1::EventRecord>> PostgresEventStore::ReadAll() {
  if (Status c = Connect(); !c) return Unexpected(c.error());
  PGresult* r = PQexecParams(conn_, "SELECT record FROM events ORDER BY stored_at, kafka_offset", 0, nullptr, nullptr,
                             nullptr, nullptr, /*resultFormat=*/1);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    Error e = ResultError(conn_, r, "read");
    PQclear(r);
    return Unexpected(e);
  }
  std::vector<v1::EventRecord> out;
  for (int i = 0; i < PQntuples(r); ++i) out.emplace_back().ParseFromArray(PQgetvalue(r, i, 0), PQgetlength(r, i, 0));
  PQclear(r);
  return out;
}

}  // namespace herald
