// query_reader.h: runs query statements (query.h) against a store's database,
// read-only, and gives back their rows; and formats those rows as the client
// asked (JSON, NDJSON, CSV, GeoJSON, GDELT 2.0 event rows).
//
//   auto reader = OpenQueryReader({.sqlite_path = "herald.db"}, std::chrono::seconds(5));
//   auto rows = RunQuery(query, **reader);                 // BuildQuerySql, then Run
//   QueryOutput out = FormatQueryRows(query, *rows);   // body, content type, next cursor
//
// A query that runs past the time-out is stopped (SQLite's progress handler,
// PostgreSQL's statement_timeout) with a retriable Error: the client may try a
// narrower question. A store whose schema is older than this herald's is
// refused with the reason (start `herald store` once to migrate it).
// Thread-safety: one reader per thread; FormatQueryRows is pure.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "consumers/store/event_store.h"
#include "consumers/store/query.h"

namespace herald::store {

struct Cell {
  SqlType type = SqlType::kNull;
  int64_t integer = 0;
  double real = 0;
  std::string text;
};
struct QueryRows {
  std::vector<std::string> columns;
  std::vector<std::vector<Cell>> rows;
};

class QueryReader {
 public:
  virtual ~QueryReader() = default;
  virtual SqlDialect dialect() const = 0;
  virtual Result<QueryRows> Run(const SqlStatement& statement) = 0;
};
Result<std::unique_ptr<QueryReader>> OpenQueryReader(const EventStoreOptions& where, std::chrono::milliseconds timeout);

// The query's rows: its statement (BuildQuerySql), in the free-text plan
// that TextPlanProbe's count chooses where there is a choice.
Result<QueryRows> RunQuery(const Query& query, QueryReader& reader);

struct QueryOutput {
  std::string body;
  std::string content_type;
  std::string next_cursor;  // empty on the last page
};
QueryOutput FormatQueryRows(const Query& query, const QueryRows& rows);

// The GDELT 2.0 event table's 61 columns, in GDELT's order: what format=gdelt writes.
std::span<const std::string_view> GdeltEventColumns();

}  // namespace herald::store
