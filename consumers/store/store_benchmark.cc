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

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "consumers/store/postgres_store.h"
#include "consumers/store/sqlite_store.h"
#include "core/clock.h"

namespace herald {
namespace {

struct Profile {
  int body_bytes, persons, organizations, locations, themes, countries, events, quotes;
};
constexpr Profile kReuters{820, 1, 2, 2, 0, 1, 0, 1};
constexpr Profile kDense{2500, 4, 3, 4, 6, 3, 2, 2};

const char* const kNames[] = {"Lloyd Austin",    "Dong Jun",    "Antony Blinken", "Wang Yi",       "Olaf Scholz",
                              "Emmanuel Macron", "Rishi Sunak", "Narendra Modi",  "Lula da Silva", "Cyril Ramaphosa"};
const char* const kCountries[] = {"USA", "CHN", "RUS", "UKR", "GBR", "FRA", "DEU", "IND", "BRA", "ZAF", "JPN", "ISR"};
const char* const kThemes[] = {"MILITARY", "PROTEST", "ECON_TRADE", "ELECTION", "TERROR", "HEALTH", "ENV_CLIMATE"};
const char* const kCameo[] = {"010", "020", "036", "042", "043", "051", "057",
                              "111", "112", "120", "141", "173", "190"};

v1::EventRecord MakeRecord(const Profile& p, int64_t n, std::mt19937& random) {
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
  a->set_body(body);
  // News arrives in time order: one story every 100 ms from 2026-11-01.
  a->set_published_at(FormatRfc3339((1793491200 + n / 10) * int64_t{1000000}));
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

}  // namespace
}  // namespace herald

BENCHMARK_MAIN();
