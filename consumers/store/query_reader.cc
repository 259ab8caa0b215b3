#include "consumers/store/query_reader.h"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <cmath>

#include "consumers/store/postgres_copy.h"

namespace herald::store {
namespace {

constexpr double kEarthRadiusKm = 6371.0088;

// herald_distance_km(lat1, lon1, lat2, lon2): great-circle distance (haversine).
void DistanceKm(sqlite3_context* context, int, sqlite3_value** v) {
  for (int i = 0; i < 4; ++i) {
    if (sqlite3_value_type(v[i]) == SQLITE_NULL) return sqlite3_result_null(context);
  }
  auto radians = [&](int i) { return sqlite3_value_double(v[i]) * M_PI / 180; };
  const double dlat = radians(2) - radians(0), dlon = radians(3) - radians(1);
  const double h =
      std::pow(std::sin(dlat / 2), 2) + std::cos(radians(0)) * std::cos(radians(2)) * std::pow(std::sin(dlon / 2), 2);
  sqlite3_result_double(context, 2 * kEarthRadiusKm * std::asin(std::sqrt(std::min(1.0, h))));
}

Cell SqliteCell(sqlite3_stmt* s, int column) {
  Cell c;
  switch (sqlite3_column_type(s, column)) {
    case SQLITE_INTEGER: c.type = SqlType::kInteger, c.integer = sqlite3_column_int64(s, column); break;
    case SQLITE_FLOAT: c.type = SqlType::kReal, c.real = sqlite3_column_double(s, column); break;
    case SQLITE_NULL: break;
    default:
      c.type = SqlType::kText;
      c.text.assign(reinterpret_cast<const char*>(sqlite3_column_text(s, column)), sqlite3_column_bytes(s, column));
  }
  return c;
}

class SqliteReader : public QueryReader {
 public:
  ~SqliteReader() override { sqlite3_close(db_); }
  static Result<std::unique_ptr<QueryReader>> Open(const std::string& path, std::chrono::milliseconds timeout) {
    std::unique_ptr<SqliteReader> r(new SqliteReader());
    r->timeout_ = timeout;
    if (sqlite3_open_v2(path.c_str(), &r->db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
      return Fatal("cannot open the store " + path + ": " + (r->db_ ? sqlite3_errmsg(r->db_) : "out of memory"));
    }
    sqlite3_busy_timeout(r->db_, static_cast<int>(timeout.count()));
    sqlite3_create_function(r->db_, "herald_distance_km", 4, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, DistanceKm,
                            nullptr, nullptr);
    sqlite3_progress_handler(r->db_, 10000, &SqliteReader::PastDeadline, r.get());
    auto version = r->Run({.sql = "SELECT MAX(version) FROM herald_schema"});
    if (!version || version->rows.empty() || version->rows[0][0].integer < kSchemaVersion) {
      return Fatal("the store " + path + " is not at schema version " + std::to_string(kSchemaVersion) +
                   ": run `herald store` once to create or migrate it");
    }
    return std::unique_ptr<QueryReader>(std::move(r));
  }
  SqlDialect dialect() const override { return SqlDialect::kSqlite; }

  Result<QueryRows> Run(const SqlStatement& statement) override {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, statement.sql.c_str(), -1, &s, nullptr) != SQLITE_OK)
      return Unexpected(Failure("prepare"));
    for (size_t i = 0; i < statement.values.size(); ++i) {
      const SqlValue& v = statement.values[i];
      const int at = static_cast<int>(i + 1);
      if (v.type == SqlType::kInteger)
        sqlite3_bind_int64(s, at, v.integer);
      else if (v.type == SqlType::kReal)
        sqlite3_bind_double(s, at, v.real);
      else
        sqlite3_bind_text(s, at, v.bytes.data(), static_cast<int>(v.bytes.size()), SQLITE_STATIC);
    }
    QueryRows out;
    for (int c = 0; c < sqlite3_column_count(s); ++c) out.columns.emplace_back(sqlite3_column_name(s, c));
    deadline_ = std::chrono::steady_clock::now() + timeout_;
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
      std::vector<Cell>& row = out.rows.emplace_back();
      for (int c = 0; c < sqlite3_column_count(s); ++c) row.push_back(SqliteCell(s, c));
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) return Unexpected(Failure("step"));
    return out;
  }

 private:
  SqliteReader() = default;
  static int PastDeadline(void* self) {
    return std::chrono::steady_clock::now() > static_cast<SqliteReader*>(self)->deadline_;
  }
  Error Failure(const char* what) const {
    const bool interrupted = sqlite3_errcode(db_) == SQLITE_INTERRUPT;
    return Error{v1::SINK_FAILED, ErrorKind::kRetriable,
                 interrupted ? "the query ran longer than " + std::to_string(timeout_.count()) + " ms: narrow it"
                             : std::string("sqlite ") + what + ": " + sqlite3_errmsg(db_)};
  }
  sqlite3* db_ = nullptr;
  std::chrono::milliseconds timeout_{0};
  std::chrono::steady_clock::time_point deadline_;
};

Cell PostgresCell(PGresult* r, int row, int column) {
  Cell c;
  if (PQgetisnull(r, row, column)) return c;
  const char* text = PQgetvalue(r, row, column);
  switch (PQftype(r, column)) {
    case 20:
    case 21:
    case 23:  // int8, int2, int4
      c.type = SqlType::kInteger, c.integer = std::atoll(text);
      break;
    case 700:
    case 701:
    case 1700:  // float4, float8, numeric
      c.type = SqlType::kReal, c.real = std::strtod(text, nullptr);
      break;
    default: c.type = SqlType::kText, c.text.assign(text, PQgetlength(r, row, column));
  }
  return c;
}

class PostgresReader : public QueryReader {
 public:
  ~PostgresReader() override { PQfinish(conn_); }
  static Result<std::unique_ptr<QueryReader>> Open(const std::string& uri, std::chrono::milliseconds timeout) {
    std::unique_ptr<PostgresReader> r(new PostgresReader());
    r->conn_ = PQconnectdb(uri.c_str());
    if (PQstatus(r->conn_) != CONNECTION_OK) return Unexpected(PostgresError(r->conn_, nullptr, "connect"));
    auto set = r->Run({.sql = "SET statement_timeout = " + std::to_string(timeout.count())});
    if (!set) return Unexpected(set.error());
    auto version = r->Run({.sql = "SELECT MAX(version) FROM herald_schema"});
    if (!version || version->rows.empty() || version->rows[0][0].integer < kSchemaVersion) {
      return Fatal("the store is not at schema version " + std::to_string(kSchemaVersion) +
                   ": run `herald store` once to create or migrate it");
    }
    return std::unique_ptr<QueryReader>(std::move(r));
  }
  SqlDialect dialect() const override { return SqlDialect::kPostgres; }

  Result<QueryRows> Run(const SqlStatement& statement) override {
    std::vector<std::string> texts;
    texts.reserve(statement.values.size());
    std::vector<const char*> values;
    for (const SqlValue& v : statement.values) {
      texts.push_back(PostgresParameterText(v));
      values.push_back(texts.back().c_str());
    }
    PGresult* r = PQexecParams(conn_, statement.sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                               nullptr, nullptr, 0);
    const ExecStatusType status = PQresultStatus(r);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      Error e = PostgresError(conn_, r, "query");
      PQclear(r);
      return Unexpected(e);
    }
    QueryRows out;
    for (int c = 0; c < PQnfields(r); ++c) out.columns.emplace_back(PQfname(r, c));
    for (int i = 0; i < PQntuples(r); ++i) {
      std::vector<Cell>& row = out.rows.emplace_back();
      for (int c = 0; c < PQnfields(r); ++c) row.push_back(PostgresCell(r, i, c));
    }
    PQclear(r);
    return out;
  }

 private:
  PostgresReader() = default;
  PGconn* conn_ = nullptr;
};

}  // namespace

Result<std::unique_ptr<QueryReader>> OpenQueryReader(const EventStoreOptions& where,
                                                     std::chrono::milliseconds timeout) {
  if (!where.postgres_uri.empty()) return PostgresReader::Open(where.postgres_uri, timeout);
  return SqliteReader::Open(where.sqlite_path, timeout);
}

Result<QueryRows> RunQuery(const Query& query, QueryReader& reader) {
  TextPlan plan = TextPlan::kMatchSet;
  if (std::optional<SqlStatement> probe = TextPlanProbe(query, reader.dialect())) {
    auto count = reader.Run(*probe);
    if (!count) return Unexpected(count.error());
    if (!count->rows.empty() && count->rows[0][0].integer >= kCommonWordsMatches) plan = TextPlan::kPerArticle;
  }
  return reader.Run(BuildQuerySql(query, reader.dialect(), plan));
}

}  // namespace herald::store
