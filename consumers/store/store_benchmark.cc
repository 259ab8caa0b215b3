// The store's write path on its own: records upserted into a fresh SQLite
// file (and PostgreSQL when HERALD_BENCH_POSTGRES names a database), records/s,
// in batches of 1,000 and 5,000 records. The records are made up to the shape
// of real ones, in two profiles:
//   Reuters: the processor's records of the Reuters-21578 stories on average
//     (820-byte body, 0.9 persons, 1.7 organisations, 2.3 places, 0.25 themes,
//     1.3 countries, 0.3 events, 0.5 quotes: 9 rows each);
//   Dense: a long political story (2,500-byte body, 4 persons, 3 organisations,
//     4 places, 6 themes, 3 countries, 2 events, 2 quotes: 25 rows each).
// Names and places come from small pools, so that index keys repeat as real
// ones do, and stories arrive in time order, as a stream does.
// Every iteration writes new ids: a redelivery (nothing written) would flatter.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "consumers/store/postgres_store.h"
#include "consumers/store/query.h"
#include "consumers/store/query_reader.h"
#include "consumers/store/sqlite_store.h"
#include "core/clock.h"

namespace herald {
namespace {

struct Profile {
  int body_bytes, persons, organizations, locations, themes, countries, events, quotes;
};
constexpr Profile kReuters{820, 1, 2, 2, 0, 1, 0, 1};
constexpr Profile kDense{2500, 4, 3, 4, 6, 3, 2, 2};
// The query benchmark's records: Reuters-sized, each with an event.
constexpr Profile kQueried{820, 1, 2, 2, 1, 2, 1, 1};

const char* const kNames[] = {"Lloyd Austin",    "Dong Jun",    "Antony Blinken", "Wang Yi",       "Olaf Scholz",
                              "Emmanuel Macron", "Rishi Sunak", "Narendra Modi",  "Lula da Silva", "Cyril Ramaphosa"};
const char* const kCountries[] = {"USA", "CHN", "RUS", "UKR", "GBR", "FRA", "DEU", "IND", "BRA", "ZAF", "JPN", "ISR"};
const char* const kThemes[] = {"MILITARY", "PROTEST", "ECON_TRADE", "ELECTION", "TERROR", "HEALTH", "ENV_CLIMATE"};
const char* const kCameo[] = {"010", "020", "036", "042", "043", "051", "057",
                              "111", "112", "120", "141", "173", "190"};

// Record n, published `spacing_ms` after record n-1 (from 2026-11-01).
v1::EventRecord MakeRecord(const Profile& p, int64_t n, std::mt19937& random, int64_t spacing_ms = 100) {
  auto pick = [&](const auto& pool) { return std::string(pool[random() % std::size(pool)]); };
  v1::EventRecord r;
  r.set_id("bench-" + std::to_string(n));
  v1::Article* a = r.mutable_article();
  a->set_url("https://news.example/" + std::to_string(n));
  a->set_source("Example News");
  a->set_title("Talks between " + pick(kNames) + " and " + pick(kNames) + " resume");
  std::string body;
  while (static_cast<int>(body.size()) < p.body_bytes)
    body += pick(kNames) + " said talks on " + pick(kThemes) + " went on. ";
  if (n % 997 == 0) body += "An earthquake struck. ";  // a rare word, for free text
  a->set_body(body);
  // News arrives in time order.
  a->set_published_at(FormatRfc3339(1793491200 * int64_t{1000000} + n * spacing_ms * 1000));
  r.mutable_tone()->set_tone(-1.5);
  r.mutable_stats()->set_word_count(static_cast<uint32_t>(body.size() / 6));
  for (int i = 0; i < p.persons; ++i) r.add_persons()->set_name(pick(kNames));
  for (int i = 0; i < p.organizations; ++i) r.add_organizations()->set_name("Ministry of " + pick(kThemes));
  for (int i = 0; i < p.locations; ++i) {
    // One of 500 places, each where it always is.
    const int city = static_cast<int>(random() % 500);
    v1::Location* l = r.add_locations();
    l->set_name("City " + std::to_string(city));
    l->set_resolved(true);
    l->set_latitude(static_cast<double>(city * 7919 % 180000) / 1000 - 90);
    l->set_longitude(static_cast<double>(city * 104729 % 360000) / 1000 - 180);
  }
  for (int i = 0; i < p.themes; ++i) r.add_themes(pick(kThemes));
  for (int i = 0; i < p.countries; ++i) r.add_countries()->set_code(pick(kCountries));
  for (int i = 0; i < p.events; ++i) {
    v1::CodedEvent* e = r.add_events();
    e->mutable_source()->set_code(pick(kCountries) + "GOV");
    e->mutable_target()->set_code(pick(kCountries));
    e->set_cameo_code(pick(kCameo));
    e->set_root_code(e->cameo_code().substr(0, 2));
    e->set_quad_class(1 + random() % 4);
    e->mutable_location()->CopyFrom(r.locations_size() > 0 ? r.locations(0) : v1::Location());
  }
  for (int i = 0; i < p.quotes; ++i) {
    r.add_quotes()->set_text("We will not stand for this.");
    r.mutable_quotes(i)->set_speaker(pick(kNames));
  }
  return r;
}

void Upserts(benchmark::State& state, EventStore& store, const Profile& profile) {
  const int64_t batch_size = state.range(0);
  std::mt19937 random(7);
  // New ids in every run, whatever the database already holds.
  static int64_t n = std::chrono::system_clock::now().time_since_epoch().count();
  std::vector<v1::EventRecord> records(batch_size);
  std::vector<StoredEvent> batch;
  for (auto _ : state) {
    state.PauseTiming();
    batch.clear();
    for (v1::EventRecord& r : records) {
      r = MakeRecord(profile, n, random);
      batch.push_back({&r, "herald.events.v1", 0, n++});
    }
    state.ResumeTiming();
    if (Status s = store.Upsert(batch); !s) {
      state.SkipWithError(s.error().reason.c_str());
      return;
    }
  }
  state.SetItemsProcessed(state.iterations() * batch_size);
}

void BM_SqliteUpsert(benchmark::State& state, Profile profile) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("herald-store-bench-" + std::to_string(::getpid()) + ".db")).string();
  for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path + s);
  {
    auto store = SqliteEventStore::Open(path);
    if (!store) {
      state.SkipWithError(store.error().reason.c_str());
      return;
    }
    Upserts(state, **store, profile);
  }
  for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path + s);
}
// The argument is the batch: records per transaction (store.batch_size).
BENCHMARK_CAPTURE(BM_SqliteUpsert, Reuters, kReuters)->Arg(1000)->Arg(5000)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_SqliteUpsert, Dense, kDense)->Arg(1000)->Arg(5000)->Unit(benchmark::kMillisecond);

void BM_PostgresUpsert(benchmark::State& state, Profile profile) {
  const char* uri = std::getenv("HERALD_BENCH_POSTGRES");
  if (uri == nullptr) {
    state.SkipWithError("HERALD_BENCH_POSTGRES (a database URI, emptied first by the caller) is not set");
    return;
  }
  auto store = PostgresEventStore::Open(uri);
  if (!store) {
    state.SkipWithError(store.error().reason.c_str());
    return;
  }
  Upserts(state, **store, profile);
}
// Real time: most of the work is the server's, not this process's.
BENCHMARK_CAPTURE(BM_PostgresUpsert, Reuters, kReuters)
    ->Arg(1000)
    ->Arg(5000)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_PostgresUpsert, Dense, kDense)->Arg(1000)->Arg(5000)->UseRealTime()->Unit(benchmark::kMillisecond);

// Query latency on a store of HERALD_BENCH_QUERY_RECORDS records (default
// 20,000; docs/PERFORMANCE.md's figures use 1,000,000) spread over a year,
// built once in a temporary SQLite file. Each iteration asks one question over
// a randomly placed time window; p50_ms and p99_ms are the latencies' percentiles.
store::QueryReader* QueryStore() {
  static std::unique_ptr<store::QueryReader> reader = []() -> std::unique_ptr<store::QueryReader> {
    const char* wanted = std::getenv("HERALD_BENCH_QUERY_RECORDS");
    const int64_t records = wanted ? std::atoll(wanted) : 20000;
    static const std::string path =
        (std::filesystem::temp_directory_path() / ("herald-query-bench-" + std::to_string(::getpid()) + ".db"))
            .string();
    for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path + s);
    auto store = SqliteEventStore::Open(path);
    if (!store) return nullptr;
    std::mt19937 random(11);
    const int64_t spacing_ms = 365LL * 86400 * 1000 / records;
    std::vector<v1::EventRecord> batch_records(5000);
    for (int64_t n = 0; n < records;) {
      std::vector<StoredEvent> batch;
      for (v1::EventRecord& r : batch_records) {
        if (n >= records) break;
        r = MakeRecord(kQueried, n, random, spacing_ms);
        batch.push_back({&r, "events", 0, n++});
      }
      if (!(*store)->Upsert(batch)) return nullptr;
    }
    std::atexit([] {
      for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path + s);
    });
    auto reader = store::OpenQueryReader({.sqlite_path = path}, std::chrono::seconds(30));
    return reader ? std::move(*reader) : nullptr;
  }();
  return reader.get();
}

struct NamedQuery {
  const char* name;
  int64_t window_days;  // the time range asked about
  std::vector<std::pair<std::string, std::string>> parameters;
};
const NamedQuery kQueries[] = {
    {"articles/country", 30, {{"mode", "articles"}, {"country", "UKR"}}},
    {"articles/person", 30, {{"mode", "articles"}, {"person", "Wang Yi"}}},
    {"articles/text", 30, {{"mode", "articles"}, {"text", "Blinken talks"}}},
    {"articles/text-rare", 30, {{"mode", "articles"}, {"text", "earthquake"}}},
    {"events/text", 30, {{"mode", "events"}, {"text", "talks"}, {"country", "UKR"}}},
    {"articles/tone", 30, {{"mode", "articles"}, {"tone_max", "-1"}}},
    {"events/country+root", 30, {{"mode", "events"}, {"country", "RUS"}, {"cameo", "04"}}},
    {"events/actor", 30, {{"mode", "events"}, {"actor", "USAGOV"}}},
    {"events/near", 30, {{"mode", "events"}, {"near", "10,20,500"}}},
    {"events/geojson", 7, {{"mode", "events"}, {"format", "geojson"}, {"quad_class", "4"}}},
    {"timeline/day", 90, {{"mode", "timeline"}, {"theme", "PROTEST"}}},
    {"timeline/hour", 3, {{"mode", "timeline"}, {"bucket", "hour"}}},
    {"top-countries", 30, {{"mode", "top-countries"}, {"limit", "20"}}},
    {"top-actors", 30, {{"mode", "top-actors"}, {"limit", "20"}}},
    {"top-themes", 30, {{"mode", "top-themes"}}},
};

void BM_QueryLatency(benchmark::State& state, const NamedQuery& q) {
  store::QueryReader* reader = QueryStore();
  if (reader == nullptr) {
    state.SkipWithError("could not build the query store");
    return;
  }
  std::mt19937 random(5);
  std::vector<double> milliseconds;
  for (auto _ : state) {
    const int64_t from = 1793491200 + static_cast<int64_t>(random() % (365 - q.window_days)) * 86400;
    auto parameters = q.parameters;
    parameters.emplace_back("from", std::to_string(from));
    parameters.emplace_back("to", std::to_string(from + q.window_days * 86400));
    auto query = store::ParseQuery(parameters);
    const auto start = std::chrono::steady_clock::now();
    auto rows = store::RunQuery(*query, *reader);
    if (!rows) {
      state.SkipWithError(rows.error().reason.c_str());
      return;
    }
    const store::QueryOutput out = store::FormatQueryRows(*query, *rows);
    benchmark::DoNotOptimize(out.body.data());
    milliseconds.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(milliseconds.begin(), milliseconds.end());
  auto percentile = [&](double p) { return milliseconds[static_cast<size_t>(p * (milliseconds.size() - 1))]; };
  state.counters["p50_ms"] = percentile(0.5);
  state.counters["p99_ms"] = percentile(0.99);
}

const int kRegistered = [] {
  for (const NamedQuery& q : kQueries) {
    benchmark::RegisterBenchmark((std::string("BM_QueryLatency/") + q.name).c_str(),
                                 [&q](benchmark::State& state) { BM_QueryLatency(state, q); })
        ->Iterations(200)
        ->Unit(benchmark::kMillisecond);
  }
  return 0;
}();

}  // namespace
}  // namespace herald

BENCHMARK_MAIN();
