// query.h: questions to the store, as `herald query` asks them on the command
// line and `herald serve` over HTTP, from one table of parameters
// (QueryParameters: names, docs, checks; the flags, the HTTP API and its
// OpenAPI description are derived from it).
//
//   auto q = ParseQuery({{"mode", "events"}, {"country", "UKR"}, {"from", "2026-11-01"}});
//   if (!q) return 400 with q.error().reason;               // names the parameter and why
//   SqlStatement s = BuildQuerySql(*q, SqlDialect::kSqlite);  // every value bound, none spliced
//
// Modes, like GDELT's DOC API: the articles or the events that match, newest
// first, a page at a time (limit, then the cursor of the last row); a timeline
// of the matching articles' volume and average tone per day or hour; and the
// most frequent countries, actors, themes, persons or organisations among
// them. Filters: time range, country, actor code, person, organisation, theme,
// CAMEO code or root, PLOVER category and mode, quad class, Goldstein range, tone
// range, near a point, and free text (words all present, any order).
// Thread-safety: pure functions over immutable tables.
// Failure: ParseQuery refuses what no store could answer sensibly (unknown or
// repeated parameters, bad dates, out-of-range numbers, oversized text, a
// forged cursor) with the parameter's name in the reason: a client error.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "consumers/store/store_schema.h"
#include "core/enum_names.h"
#include "core/status.h"

namespace herald::store {

enum class QueryMode {
  kArticles,
  kEvents,
  kTimeline,
  kTopCountries,
  kTopActors,
  kTopThemes,
  kTopPersons,
  kTopOrganizations
};
inline constexpr EnumName<QueryMode> kQueryModeNames[] = {
    {QueryMode::kArticles, "articles"},      {QueryMode::kEvents, "events"},
    {QueryMode::kTimeline, "timeline"},      {QueryMode::kTopCountries, "top-countries"},
    {QueryMode::kTopActors, "top-actors"},   {QueryMode::kTopThemes, "top-themes"},
    {QueryMode::kTopPersons, "top-persons"}, {QueryMode::kTopOrganizations, "top-organizations"}};

enum class QueryFormat { kJson, kNdjson, kCsv, kGeoJson, kGdelt };
inline constexpr EnumName<QueryFormat> kQueryFormatNames[] = {{QueryFormat::kJson, "json"},
                                                              {QueryFormat::kNdjson, "ndjson"},
                                                              {QueryFormat::kCsv, "csv"},
                                                              {QueryFormat::kGeoJson, "geojson"},
                                                              {QueryFormat::kGdelt, "gdelt"}};

inline constexpr int kMaxPageSize = 1000;

struct Near {
  double latitude = 0, longitude = 0, km = 0;
};

// Where the last page ended: its last row's time, article and event.
struct Cursor {
  int64_t time = 0, seq = 0, ordinal = 0;
};

struct Query {
  QueryMode mode = QueryMode::kArticles;
  QueryFormat format = QueryFormat::kJson;
  std::optional<int64_t> from, to;  // unix seconds, [from, to)
  std::string country, actor, person, organization, theme, cameo, plover, plover_mode, text;
  std::optional<int> quad_class;
  std::optional<double> goldstein_min, goldstein_max, tone_min, tone_max;
  std::optional<Near> near;
  int64_t bucket_seconds = 86400;
  int limit = 100;
  std::optional<Cursor> after;
};

struct QueryParameter {
  std::string_view name;
  std::string_view doc;
  std::string_view example;
  Status (*parse)(std::string_view value, Query* query);
};
std::span<const QueryParameter> QueryParameters();

Result<Query> ParseQuery(std::span<const std::pair<std::string, std::string>> parameters);

// The cursor text a client passes back for the page after `c`, and its reading.
std::string EncodeCursor(const Cursor& c);
std::optional<Cursor> DecodeCursor(std::string_view text);

// A statement and its bound values; the values may view `owned`.
struct SqlStatement {
  std::string sql;
  std::vector<SqlValue> values;
  std::deque<std::string> owned;
};
// How SQLite's full-text index meets the other conditions of a list (articles
// or events, newest first, a page at a time). kMatchSet: every article that
// holds the words, found first, then filtered: fast for rare words, slow for
// words in a large part of the store. kPerArticle: the window's articles,
// newest first, each checked against the index until the page is full: fast
// when the words are common. TextPlanProbe gives the statement that counts
// the matches up to kCommonWordsMatches; at that count or more, kPerArticle.
// PostgreSQL's planner weighs its own statistics; top lists and timelines
// read the whole window and take the match set.
enum class TextPlan { kMatchSet, kPerArticle };
inline constexpr int64_t kCommonWordsMatches = 20000;
std::optional<SqlStatement> TextPlanProbe(const Query& query, SqlDialect dialect);
SqlStatement BuildQuerySql(const Query& query, SqlDialect dialect, TextPlan plan = TextPlan::kMatchSet);

}  // namespace herald::store
