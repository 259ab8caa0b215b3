// query_testing.h: a small fixed store and the answers every query mode and
// filter must give over it, shared by the SQLite tests (query_test.cc) and the
// PostgreSQL ones (tests/postgres_integration_test.cc), so both databases are
// held to the same results.
#pragma once

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "consumers/store/event_store.h"
#include "consumers/store/query_reader.h"

namespace herald::store::testing {

// Four articles (ids a1..a4, 2026-11-01 to 2026-11-03), three of them with an event.
inline std::vector<v1::EventRecord> FixedRecords() {
  auto article = [](const char* id, const char* published, double tone, const char* title, const char* body) {
    v1::EventRecord r;
    r.set_id(id);
    r.mutable_article()->set_url(std::string("https://news.example/") + id);
    r.mutable_article()->set_title(title);
    r.mutable_article()->set_body(body);
    r.mutable_article()->set_published_at(published);
    r.mutable_tone()->set_tone(tone);
    return r;
  };
  auto event = [](v1::EventRecord* r, const char* source, const char* source_country, const char* code,
                  const char* target, const char* target_country, int quad, double goldstein, const char* plover) {
    v1::CodedEvent* e = r->add_events();
    e->mutable_source()->set_code(source);
    e->mutable_source()->set_country_code(source_country);
    e->mutable_target()->set_code(target);
    e->mutable_target()->set_country_code(target_country);
    e->set_cameo_code(code);
    e->set_root_code(std::string(code).substr(0, 2));
    e->set_quad_class(quad);
    e->set_goldstein(goldstein);
    e->set_plover(plover);
    return e;
  };
  auto place = [](v1::Location* l, const char* name, const char* country, double lat, double lon) {
    l->set_name(name);
    l->set_type("CITY");
    l->set_country_code(country);
    l->set_latitude(lat);
    l->set_longitude(lon);
    l->set_resolved(true);
  };
  std::vector<v1::EventRecord> out;
  v1::EventRecord a1 =
      article("a1", "2026-11-01T10:00:00Z", -5, "Kyiv shelled", "Russian forces shelled Kyiv overnight.");
  for (const char* c : {"UKR", "RUS"}) a1.add_countries()->set_code(c);
  a1.add_persons()->set_name("Volodymyr Zelensky");
  a1.add_organizations()->set_name("United Nations");
  a1.add_themes("MILITARY");
  place(a1.add_locations(), "Kyiv", "UKR", 50.45, 30.52);
  place(event(&a1, "RUSMIL", "RUS", "190", "UKR", "UKR", 4, -10, "ASSAULT")->mutable_location(), "Kyiv", "UKR", 50.45,
        30.52);
  out.push_back(a1);
  v1::EventRecord a2 = article("a2", "2026-11-02T12:00:00Z", 2, "Austin, Dong talk",
                               "Austin held talks with his Chinese counterpart, \"frankly\".");
  for (const char* c : {"USA", "CHN"}) a2.add_countries()->set_code(c);
  a2.add_persons()->set_name("Lloyd Austin");
  a2.add_themes("MILITARY");
  place(event(&a2, "USAGOV", "USA", "040", "CHN", "CHN", 1, 1, "CONSULT")->mutable_location(), "Washington", "USA",
        38.9, -77.04);
  out.push_back(a2);
  v1::EventRecord a3 = article("a3", "2026-11-02T18:00:00Z", -1, "Protest in Lviv",
                               "Protesters gathered in Lviv demanding ceasefire talks.");
  a3.add_countries()->set_code("UKR");
  a3.add_themes("PROTEST");
  event(&a3, "UKR", "UKR", "141", "UKRGOV", "UKR", 3, -6.5, "PROTEST")->set_plover_mode("demo");
  out.push_back(a3);
  v1::EventRecord a4 = article("a4", "2026-11-03T09:00:00Z", 0, "Markets", "Markets in Paris rallied.");
  a4.add_countries()->set_code("FRA");
  out.push_back(a4);
  return out;
}

// FixedRecords() written by `store`; false after reporting why.
inline bool WriteFixedRecords(EventStore& store) {
  static const std::vector<v1::EventRecord> records = FixedRecords();
  std::vector<StoredEvent> batch;
  for (const v1::EventRecord& r : records) batch.push_back({&r, "events", 0, 1});
  Status s = store.Upsert(batch);
  if (!s) std::fprintf(stderr, "cannot write the fixed records: %s\n", s.error().reason.c_str());
  return static_cast<bool>(s);
}

// A query's rows in brief: articles "a4,a3"; events "a1:190"; timeline
// "2026-11-01=1@-5"; top lists "UKR=2,CHN=1".
inline std::string Brief(const QueryRows& rows) {
  auto column = [&](std::string_view name) {
    for (size_t i = 0; i < rows.columns.size(); ++i) {
      if (rows.columns[i] == name) return static_cast<int>(i);
    }
    return -1;
  };
  auto text = [](const Cell& c) {
    if (c.type == SqlType::kInteger) return std::to_string(c.integer);
    if (c.type == SqlType::kReal) {
      char b[32];
      std::snprintf(b, sizeof b, "%g", c.real);
      return std::string(b);
    }
    return c.text;
  };
  std::string out;
  for (const std::vector<Cell>& row : rows.rows) {
    if (!out.empty()) out += ",";
    if (column("cameo_code") >= 0) {
      out += row[column("id")].text + ":" + row[column("cameo_code")].text;
    } else if (column("bucket") >= 0) {
      out += std::to_string(row[column("bucket")].integer / 86400 - 20758) + "=" + text(row[column("articles")]) + "@" +
             text(row[column("tone")]);
    } else if (column("name") >= 0) {
      out += row[column("name")].text + "=" + text(row[column(rows.columns.back())]);
    } else {
      out += row[column("id")].text;
    }
  }
  return out;
}

// (parameters, Brief of the answer): timeline buckets count days from 2026-11-01 (day 0).
inline std::vector<std::pair<std::vector<std::pair<std::string, std::string>>, std::string>> Cases() {
  return {
      {{}, "a4,a3,a2,a1"},
      {{{"country", "ukr"}}, "a3,a1"},
      {{{"mode", "events"}, {"country", "UKR"}}, "a3:141,a1:190"},
      {{{"from", "2026-11-02"}, {"to", "2026-11-03"}}, "a3,a2"},
      {{{"from", "1793577600"}}, "a4,a3,a2"},  // 2026-11-02 in unix seconds
      {{{"mode", "events"}, {"actor", "USAGOV"}}, "a2:040"},
      {{{"mode", "events"}, {"cameo", "19"}}, "a1:190"},
      {{{"cameo", "04"}}, "a2"},
      {{{"mode", "events"}, {"cameo", "040"}}, "a2:040"},
      {{{"person", "Lloyd Austin"}}, "a2"},
      {{{"organization", "United Nations"}}, "a1"},
      {{{"theme", "MILITARY"}}, "a2,a1"},
      {{{"mode", "events"}, {"plover", "protest"}}, "a3:141"},
      {{{"mode", "events"}, {"plover_mode", "Demo"}}, "a3:141"},
      {{{"mode", "events"}, {"plover_mode", "riot"}}, ""},
      {{{"mode", "events"}, {"quad_class", "4"}}, "a1:190"},
      {{{"mode", "events"}, {"goldstein_max", "-5"}}, "a3:141,a1:190"},
      {{{"mode", "events"}, {"goldstein_min", "-7"}, {"goldstein_max", "0"}}, "a3:141"},
      {{{"tone_min", "0"}}, "a4,a2"},
      {{{"mode", "events"}, {"near", "50.45,30.52,50"}}, "a1:190"},
      {{{"near", "50.0,30.0,100"}}, "a1"},
      {{{"text", "ceasefire talks"}}, "a3"},
      {{{"text", "talks"}}, "a3,a2"},
      {{{"mode", "events"}, {"text", "talks"}, {"country", "USA"}}, "a2:040"},
      {{{"mode", "timeline"}}, "0=1@-5,1=2@0.5,2=1@0"},
      {{{"mode", "timeline"}, {"country", "UKR"}}, "0=1@-5,1=1@-1"},
      {{{"mode", "top-countries"}}, "UKR=2,CHN=1,FRA=1,RUS=1,USA=1"},
      {{{"mode", "top-countries"}, {"country", "UKR"}}, "UKR=2,RUS=1"},
      {{{"mode", "top-themes"}, {"from", "2026-11-02"}}, "MILITARY=1,PROTEST=1"},
      {{{"mode", "top-persons"}}, "Lloyd Austin=1,Volodymyr Zelensky=1"},
      {{{"mode", "top-organizations"}}, "United Nations=1"},
      {{{"mode", "top-actors"}, {"limit", "3"}}, "UKR=2,CHN=1,RUSMIL=1"},
      {{{"person", "O'Brien\"); DROP TABLE articles; --"}}, ""},
      {{{"text", "\"NEAR( OR * ^"}}, ""},
  };
}

}  // namespace herald::store::testing
