#include "consumers/store/query.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "consumers/store/query_reader.h"
#include "consumers/store/query_testing.h"
#include "consumers/store/sqlite_store.h"
#include "core/scoped_temp_dir.h"

namespace herald::store {
namespace {

using ::testing::HasSubstr;

class QueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = SqliteEventStore::Open(path_);
    ASSERT_TRUE(store) << store.error().reason;
    ASSERT_TRUE(testing::WriteFixedRecords(**store));
    auto reader = OpenQueryReader({.sqlite_path = path_}, std::chrono::seconds(5));
    ASSERT_TRUE(reader) << reader.error().reason;
    reader_ = std::move(*reader);
  }
  void TearDown() override { reader_.reset(); }
  Result<QueryRows> Ask(const std::vector<std::pair<std::string, std::string>>& parameters, Query* parsed = nullptr) {
    auto q = ParseQuery(parameters);
    EXPECT_TRUE(q) << q.error().reason;
    if (!q) return Unexpected(q.error());
    if (parsed) *parsed = *q;
    return RunQuery(*q, *reader_);
  }

  ScopedTempDir dir_{"herald-query-test"};
  std::string path_ = (dir_.path() / "store.db").string();
  std::unique_ptr<QueryReader> reader_;
};

TEST_F(QueryTest, EveryModeAndFilterGivesItsExactAnswer) {
  for (const auto& [parameters, expected] : testing::Cases()) {
    std::string asked;
    for (const auto& [k, v] : parameters) asked += k + "=" + v + " ";
    auto rows = Ask(parameters);
    ASSERT_TRUE(rows) << asked << rows.error().reason;
    EXPECT_EQ(testing::Brief(*rows), expected) << asked;
  }
  auto count = reader_->Run({.sql = "SELECT COUNT(*) FROM articles"});
  ASSERT_TRUE(count);
  EXPECT_EQ(count->rows[0][0].integer, 4) << "hostile values were bound, not run";
}

TEST_F(QueryTest, BothFreeTextPlansGiveTheSameAnswers) {
  int with_text = 0;
  for (const auto& [parameters, expected] : testing::Cases()) {
    auto q = ParseQuery(parameters);
    ASSERT_TRUE(q) << q.error().reason;
    if (q->text.empty()) continue;
    ++with_text;
    for (TextPlan plan : {TextPlan::kMatchSet, TextPlan::kPerArticle}) {
      auto rows = reader_->Run(BuildQuerySql(*q, SqlDialect::kSqlite, plan));
      ASSERT_TRUE(rows) << rows.error().reason;
      EXPECT_EQ(testing::Brief(*rows), expected)
          << q->text << (plan == TextPlan::kMatchSet ? " match set" : " per article");
    }
  }
  EXPECT_GE(with_text, 3);
  Query q;
  q.mode = QueryMode::kEvents;
  q.text = "talks";
  EXPECT_THAT(BuildQuerySql(q, SqlDialect::kSqlite, TextPlan::kPerArticle).sql, HasSubstr("rowid = a.seq"));
  q.mode = QueryMode::kTimeline;
  EXPECT_THAT(BuildQuerySql(q, SqlDialect::kSqlite, TextPlan::kPerArticle).sql, HasSubstr("a.seq IN (SELECT rowid"))
      << "a timeline reads the whole window: the match set, once";
  auto probe = TextPlanProbe({.mode = QueryMode::kArticles, .text = "talks"}, SqlDialect::kSqlite);
  ASSERT_TRUE(probe);
  auto count = reader_->Run(*probe);
  ASSERT_TRUE(count) << count.error().reason;
  EXPECT_EQ(count->rows[0][0].integer, 2) << "the fixture's two articles that say 'talks'";
  EXPECT_FALSE(TextPlanProbe({.mode = QueryMode::kArticles, .text = "talks"}, SqlDialect::kPostgres));
}

TEST_F(QueryTest, PagesFollowTheCursorToTheEnd) {
  for (const char* mode : {"articles", "events"}) {
    std::vector<std::string> seen;
    std::vector<std::pair<std::string, std::string>> parameters = {{"mode", mode}, {"limit", "2"}};
    for (int page = 0; page < 10; ++page) {
      Query q;
      auto rows = Ask(parameters, &q);
      ASSERT_TRUE(rows) << rows.error().reason;
      seen.push_back(testing::Brief(*rows));
      const QueryOutput out = FormatQueryRows(q, *rows);
      if (out.next_cursor.empty()) break;
      parameters = {{"mode", mode}, {"limit", "2"}, {"cursor", out.next_cursor}};
    }
    if (std::string(mode) == "articles") {
      EXPECT_THAT(seen, ::testing::ElementsAre("a4,a3", "a2,a1", ""));
    } else {
      EXPECT_THAT(seen, ::testing::ElementsAre("a3:141,a2:040", "a1:190"));
    }
  }
}

TEST_F(QueryTest, EachFormatWritesTheRows) {
  Query q;
  auto rows = Ask({{"mode", "events"}, {"format", "csv"}}, &q);
  ASSERT_TRUE(rows);
  QueryOutput csv = FormatQueryRows(q, *rows);
  EXPECT_EQ(csv.content_type, "text/csv; charset=utf-8");
  EXPECT_THAT(csv.body, ::testing::StartsWith("article_seq,ordinal,time,source_code,"));
  EXPECT_THAT(csv.body, HasSubstr("\"Austin, Dong talk\""));
  EXPECT_EQ(std::count(csv.body.begin(), csv.body.end(), '\n'), 4);

  rows = Ask({{"mode", "events"}, {"format", "geojson"}}, &q);
  const std::string geojson = FormatQueryRows(q, *rows).body;
  EXPECT_THAT(geojson, ::testing::StartsWith("{\"type\":\"FeatureCollection\""));
  EXPECT_THAT(geojson, HasSubstr("\"coordinates\":[30.52,50.45]"));
  EXPECT_EQ(std::count(geojson.begin(), geojson.end(), 'F') - 1, 2) << "two events have coordinates: " << geojson;

  rows = Ask({{"mode", "events"}, {"format", "gdelt"}, {"actor", "RUSMIL"}}, &q);
  const std::string gdelt = FormatQueryRows(q, *rows).body;
  std::vector<std::string> columns;
  for (size_t start = 0, tab;; start = tab + 1) {
    tab = gdelt.find_first_of("\t\n", start);
    columns.push_back(gdelt.substr(start, tab - start));
    if (gdelt[tab] == '\n') break;
  }
  ASSERT_EQ(columns.size(), GdeltEventColumns().size());
  auto at = [&](std::string_view name) {
    return columns[std::find(GdeltEventColumns().begin(), GdeltEventColumns().end(), name) -
                   GdeltEventColumns().begin()];
  };
  EXPECT_EQ(at("SQLDATE"), "20261101");
  EXPECT_EQ(at("Actor1Code"), "RUSMIL");
  EXPECT_EQ(at("Actor1Type1Code"), "MIL");
  EXPECT_EQ(at("Actor2CountryCode"), "UKR");
  EXPECT_EQ(at("EventCode"), "190");
  EXPECT_EQ(at("EventRootCode"), "19");
  EXPECT_EQ(at("QuadClass"), "4");
  EXPECT_EQ(at("ActionGeo_Type"), "4");
  EXPECT_EQ(at("ActionGeo_Lat"), "50.45");
  EXPECT_EQ(at("SOURCEURL"), "https://news.example/a1");

  rows = Ask({{"mode", "top-countries"}, {"format", "ndjson"}, {"limit", "1"}}, &q);
  EXPECT_EQ(FormatQueryRows(q, *rows).body, "{\"name\":\"UKR\",\"articles\":2}\n");
  rows = Ask({{"mode", "top-countries"}, {"limit", "1"}}, &q);
  EXPECT_EQ(FormatQueryRows(q, *rows).body,
            "{\"mode\":\"top-countries\",\"count\":1,\"next_cursor\":null,\"rows\":[{\"name\":\"UKR\",\"articles\":2}]}"
            "\n");
}

TEST(QueryParametersTest, WhatNoStoreCouldAnswerIsRefusedNamingTheParameter) {
  const std::vector<std::pair<std::pair<std::string, std::string>, std::string>> refused = {
      {{"limit", "-1"}, "limit: expected a number from 1 to 1000"},
      {{"limit", "100000"}, "limit: expected a number from 1 to 1000"},
      {{"limit", "ten"}, "limit: expected a number"},
      {{"from", "last week"}, "from: expected a date"},
      {{"from", "2026-02-30"}, "from: expected a date"},
      {{"country", "Ukraine"}, "country: expected 3 to 3 characters"},
      {{"country", "U'K"}, "country: expected letters and digits"},
      {{"cameo", "1x"}, "cameo: expected 2 to 4 digits"},
      {{"cameo", "12345"}, "cameo: expected 2 to 4 characters"},
      {{"quad_class", "5"}, "quad_class: expected a number from 1 to 4"},
      {{"goldstein_min", "nan"}, "goldstein_min: expected a number"},
      {{"near", "91,0,10"}, "near: expected a number from -90"},
      {{"near", "50,30"}, "near: expected latitude,longitude,km"},
      {{"text", std::string(10000, 'x')}, "text: expected 1 to 200 bytes"},
      {{"person", "bad\xff"}, "person: not valid UTF-8"},
      {{"person", "tab\there"}, "person: control characters"},
      {{"cursor", "1.2"}, "cursor: not a cursor this store gave out"},
      {{"cursor", "-1.2.3"}, "cursor: not a cursor"},
      {{"mode", "everything"}, "mode: expected one of articles, events"},
      {{"format", "xml"}, "format: expected one of json"},
      {{"sql", "DROP TABLE articles"}, "sql: no such parameter"},
  };
  for (const auto& [parameter, reason] : refused) {
    auto q = ParseQuery(std::vector{parameter});
    ASSERT_FALSE(q) << parameter.first << "=" << parameter.second.substr(0, 40);
    EXPECT_THAT(q.error().reason, HasSubstr(reason));
  }
  using Parameters = std::vector<std::pair<std::string, std::string>>;
  EXPECT_THAT(ParseQuery(Parameters{{"limit", "5"}, {"limit", "6"}}).error().reason, HasSubstr("limit: given twice"));
  EXPECT_THAT(ParseQuery(Parameters{{"from", "2026-11-02"}, {"to", "2026-11-01"}}).error().reason,
              HasSubstr("from: must be before to"));
  EXPECT_THAT(ParseQuery(Parameters{{"format", "geojson"}}).error().reason, HasSubstr("geojson is for mode=events"));
}

TEST_F(QueryTest, AQueryRunningPastItsTimeOutIsStoppedWithAReason) {
  auto reader = OpenQueryReader({.sqlite_path = path_}, std::chrono::milliseconds(50));
  ASSERT_TRUE(reader);
  auto endless =
      (*reader)->Run({.sql = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT COUNT(*) FROM r"});
  ASSERT_FALSE(endless);
  EXPECT_EQ(endless.error().kind, ErrorKind::kRetriable);
  EXPECT_THAT(endless.error().reason, HasSubstr("ran longer than 50 ms"));
}

TEST(QueryReaderTest, AStoreThatIsNotThereIsRefusedWithTheReason) {
  auto reader = OpenQueryReader({.sqlite_path = "/nonexistent/herald.db"}, std::chrono::seconds(1));
  ASSERT_FALSE(reader);
  EXPECT_THAT(reader.error().reason, HasSubstr("/nonexistent/herald.db"));
}

}  // namespace
}  // namespace herald::store
