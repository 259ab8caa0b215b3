// store_tables.h: the store's tables, declared once, each beside the rows a
// record makes in it. The schema and its migrations (store_schema.h), both
// databases' statements and the table reference in docs/STORE.md are derived
// from this list.
//
//   for (const Table& t : RecordTables()) {
//     RowWriter rows(t);
//     t.rows(record_context, rows);       // every row `record` makes in t
//     for (size_t r = 0; r < rows.size(); ++r) Bind(rows.row(r));
//   }
//
// One article row per record (ArticlesTable, numbered by its `seq`), and rows
// in the other tables that name it by article_seq: one per coded event,
// person, organisation, location, theme, country and quote. Every row carries
// the article's `time` (unix seconds: published, else processed, else stored),
// so a question about a span of time needs no join. The record itself stays
// whole in articles.record, so nothing is lost when the tables grow.
//
// Values are views into the record and its serialised bytes: a RecordContext
// must outlive the rows made from it.
// Thread-safety: the tables are immutable; a RowWriter is one thread's.
// Failure: a row with a value missing or extra is a bug, checked in release
// builds (HERALD_CHECK) rather than written out of column order.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "herald/v1/event.pb.h"

namespace herald::store {

// kNull is a value's type only: no column has it.
enum class SqlType { kText, kInteger, kReal, kBlob, kNull };

struct Column {
  std::string_view name;
  SqlType type;
  std::string_view doc;
  int since = 2;  // the schema version that added it (store_schema.h)
};

// One value of a row.
struct SqlValue {
  SqlType type = SqlType::kText;
  int64_t integer = 0;
  double real = 0;
  std::string_view bytes;  // kText and kBlob
};

// What a record's rows are made of: the record, and what the store knows of it.
struct RecordContext {
  const v1::EventRecord* record = nullptr;
  std::string_view record_bytes;  // its serialised form, kept in articles.record
  int64_t article_seq = 0;        // its article row's number (0 before it has one)
  int64_t time = 0;               // unix seconds (RecordTime)
  std::string_view kafka_topic;
  int32_t kafka_partition = 0;
  int64_t kafka_offset = 0;
  int64_t stored_at = 0;  // unix seconds
};

// The time a record is filed under: its article's published time when that
// parses (core/clock.h), else its processing time, else `fallback`.
int64_t RecordTime(const v1::EventRecord& record, int64_t fallback);

struct Table;

// Collects one table's rows, checking each has exactly the table's columns.
class RowWriter {
 public:
  explicit RowWriter(const Table& table);
  RowWriter& Row();  // starts a row
  RowWriter& Text(std::string_view v);
  RowWriter& Blob(std::string_view v);
  RowWriter& Integer(int64_t v);
  RowWriter& Real(double v);
  RowWriter& Null();

  size_t size() const;  // rows
  std::span<const SqlValue> row(size_t r) const;
  void Clear() { values_.clear(); }

 private:
  RowWriter& Add(SqlValue v);
  size_t width_;
  std::vector<SqlValue> values_;
};

struct Table {
  std::string_view name;
  std::string_view doc;
  std::span<const Column> columns;
  // The primary key's columns; the articles table's key is its seq.
  std::span<const std::string_view> primary_key;
  // Secondary indexes, each a comma-separated column list ("source_country, time").
  std::span<const std::string_view> indexes;
  void (*rows)(const RecordContext&, RowWriter&);
};

// The articles table: its columns, without the seq the database assigns.
const Table& ArticlesTable();
// The tables whose rows name an article by article_seq, in creation order.
std::span<const Table> RecordTables();

}  // namespace herald::store
