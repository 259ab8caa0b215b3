// store_schema.h: the store's schema in SQLite's and PostgreSQL's dialects,
// generated from the tables of store_tables.h, and the steps that bring a
// database of any earlier herald version to it.
//
//   int version = ...;                       // herald_schema.version, 1 for the legacy table, 0 empty
//   for (const std::string& sql : SchemaSteps(version, SqlDialect::kSqlite)) Exec(sql);
//   // then, from version 1: every legacy row upserted again (LegacyRecordsSql), and DropLegacySql
//
// Versions: 1 is herald 0.1's one wide `events` table (a row per record, lists
// comma-joined); 2 is store_tables.h's tables, with full-text search over
// title and body (FTS5 in SQLite, a tsvector in PostgreSQL); later versions
// add the columns whose Column::since names them (3: events.plover_mode),
// empty in the rows stored before. A migration runs
// in the transaction that records its version, so a database is at one
// version or the next, never between; the stores take a lock first (BEGIN
// IMMEDIATE, pg_advisory_xact_lock) so that instances starting together
// migrate once.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "consumers/store/store_tables.h"
#include "core/status.h"

namespace herald::store {

enum class SqlDialect { kSqlite, kPostgres };

inline constexpr int kSchemaVersion = 3;
// The first version of store_tables.h's tables; later ones only add columns.
inline constexpr int kTablesVersion = 2;
inline constexpr int kLegacyVersion = 1;
// Where a version-1 table waits while its rows are copied (renamed from `events`).
inline constexpr std::string_view kLegacyTable = "legacy_events";

// The statements that take a database from `version` to kSchemaVersion, in
// order (the legacy rows' copy excepted): empty when it is there already; a
// fatal Error for a version newer than this herald's.
Result<std::vector<std::string>> SchemaSteps(int version, SqlDialect dialect);

// "INSERT INTO table (columns...) VALUES (?1, ...)" in the dialect's
// placeholders, for a table of store_tables.h; articles' seq is left to the
// database, and a row whose key is there already is skipped (a record that
// names one thing twice keeps the first).
std::string InsertSql(const Table& table, SqlDialect dialect);
// "UPDATE articles SET id = ?1, ... WHERE seq = ?N+1": an article row replaced in place.
std::string UpdateArticleSql(SqlDialect dialect);
// "DELETE FROM table WHERE key1 = ?1 AND ..." by the table's primary key.
std::string DeleteByKeySql(const Table& table, SqlDialect dialect);
// The positions in table.columns of its primary key's columns.
std::vector<size_t> KeyColumns(const Table& table);

// The SQL type of a column.
std::string_view TypeName(SqlType type, SqlDialect dialect);

}  // namespace herald::store
