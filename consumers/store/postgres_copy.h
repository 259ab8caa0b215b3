// postgres_copy.h: rows sent to PostgreSQL with COPY ... FROM STDIN (text
// format), the fastest way in: one round trip for a batch's rows of a table
// instead of one statement per row. Also the text forms of a value that
// libpq's parameters and arrays take.
//
//   PostgresCopy copy;
//   copy.Add(rows.row(0));                        // store::SqlValue each
//   Status s = copy.Send(conn, "COPY persons (name, time, ...) FROM STDIN");
//
// Text is sent as is but for COPY's escapes (backslash, tab, newline, return);
// a NUL byte, which PostgreSQL's text cannot hold, is dropped. Bytes go as
// bytea hex, reals in their shortest exact form.
// Thread-safety: one PostgresCopy per thread.
// Failure: Send returns the server's error (a constraint, a lost connection),
// classified as postgres_store.h says.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "consumers/store/store_tables.h"
#include "core/status.h"

struct pg_conn;
struct pg_result;

namespace herald {

class PostgresCopy {
 public:
  void Add(std::span<const store::SqlValue> row);
  bool empty() const { return data_.empty(); }
  // Runs `copy_sql` and streams the rows added since the last Send.
  Status Send(pg_conn* conn, const std::string& copy_sql);

 private:
  std::string data_;
};

// A value as a libpq text parameter (reals exact, in their shortest form).
std::string PostgresParameterText(const store::SqlValue& v);

// A text[] parameter's literal: {"a","b\"c"}.
std::string PostgresTextArray(std::span<const std::string> values);

// The error of a failed command, or of the connection when `result` is null.
Error PostgresError(pg_conn* conn, pg_result* result, const std::string& what);

}  // namespace herald
