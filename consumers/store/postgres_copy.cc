#include "consumers/store/postgres_copy.h"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>

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

void AppendText(std::string_view text, std::string* out) {
  for (char c : text) {
    switch (c) {
      case '\\': out->append("\\\\"); break;
      case '\t': out->append("\\t"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\0': break;
      default: out->push_back(c);
    }
  }
}

void AppendValue(const store::SqlValue& v, std::string* out) {
  char number[32];
  switch (v.type) {
    case store::SqlType::kNull: out->append("\\N"); return;
    case store::SqlType::kText: AppendText(v.bytes, out); return;
    case store::SqlType::kInteger:
      out->append(number, std::to_chars(number, number + sizeof number, v.integer).ptr);
      return;
    case store::SqlType::kReal:
      // NaN and infinities come out as "nan" and "inf", which float8 reads.
      out->append(number, std::to_chars(number, number + sizeof number, v.real).ptr);
      return;
    case store::SqlType::kBlob: {
      static constexpr char kHex[] = "0123456789abcdef";
      out->append("\\\\x");
      for (unsigned char c : v.bytes) out->push_back(kHex[c >> 4]), out->push_back(kHex[c & 15]);
      return;
    }
  }
}

}  // namespace

Error PostgresError(pg_conn* conn, pg_result* result, const std::string& what) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = result ? PQresultErrorMessage(result) : PQerrorMessage(conn);
  while (!message.empty() && message.back() == '\n') message.pop_back();
  const ErrorKind kind = PQstatus(conn) == CONNECTION_BAD ? ErrorKind::kRetriable : KindOf(state);
  return Error{v1::SINK_FAILED, kind, "postgres " + what + ": " + message};
}

void PostgresCopy::Add(std::span<const store::SqlValue> row) {
  for (size_t i = 0; i < row.size(); ++i) {
    if (i > 0) data_.push_back('\t');
    AppendValue(row[i], &data_);
  }
  data_.push_back('\n');
}

Status PostgresCopy::Send(pg_conn* conn, const std::string& copy_sql) {
  PGresult* start = PQexec(conn, copy_sql.c_str());
  if (PQresultStatus(start) != PGRES_COPY_IN) {
    Error e = PostgresError(conn, start, copy_sql.substr(0, copy_sql.find('(')));
    PQclear(start);
    return Unexpected(e);
  }
  PQclear(start);
  bool sent = true;
  constexpr size_t kChunk = size_t{1} << 20;
  for (size_t at = 0; sent && at < data_.size(); at += kChunk) {
    sent = PQputCopyData(conn, data_.data() + at, static_cast<int>(std::min(kChunk, data_.size() - at))) == 1;
  }
  sent = PQputCopyEnd(conn, sent ? nullptr : "client could not send the rows") == 1 && sent;
  data_.clear();
  Status outcome;
  while (PGresult* r = PQgetResult(conn)) {
    if (PQresultStatus(r) != PGRES_COMMAND_OK && outcome) outcome = Unexpected(PostgresError(conn, r, "copy"));
    PQclear(r);
  }
  if (!sent && outcome) outcome = Unexpected(PostgresError(conn, nullptr, "copy"));
  return outcome;
}

std::string PostgresParameterText(const store::SqlValue& v) {
  char number[32];
  switch (v.type) {
    case store::SqlType::kInteger:
      return std::string(number, std::to_chars(number, number + sizeof number, v.integer).ptr);
    case store::SqlType::kReal: return std::string(number, std::to_chars(number, number + sizeof number, v.real).ptr);
    default: return std::string(v.bytes);
  }
}

std::string PostgresTextArray(std::span<const std::string> values) {
  std::string out = "{";
  for (const std::string& v : values) {
    if (out.size() > 1) out.push_back(',');
    out.push_back('"');
    for (char c : v) {
      if (c == '"' || c == '\\') out.push_back('\\');
      if (c != '\0') out.push_back(c);
    }
    out.push_back('"');
  }
  return out + "}";
}

}  // namespace herald
