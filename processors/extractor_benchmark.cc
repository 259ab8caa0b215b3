// Per-article cost of the processor's work on one core: JSON envelope parsing,
// extraction, Protobuf serialisation, and all three together, over the Reuters
// corpus in ../shared (herald's bundled samples when it is absent).
//
//   build/processors/herald_processors_benchmark --benchmark_counters_tabular=true
//
// items_per_second is articles/s; bytes_per_second is raw input bytes/s.
// The GeoNames variants load GeoNames' 24,000 cities (../shared) into the
// knowledge base first, by name only and with their Latin alternate names, to
// show what a large dictionary costs per article.
#include <benchmark/benchmark.h>
#include <google/protobuf/util/json_util.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "core/article_source.h"
#include "core/corpus.h"
#include "herald/v1/json.h"
#include "processors/extractor.h"

namespace herald {
namespace {

constexpr const char* kReuters = "../shared/corpus/reuters21578";
constexpr const char* kGeoNames = "../shared/reference/geo/geonames/cities15000_core.tsv";
constexpr const char* kGeoNamesAlternates = "../shared/reference/geo/geonames/cities15000_altnames_latin.tsv";

// The corpus as JSON envelopes, the form producers most often send.
const std::vector<std::string>& Envelopes() {
  static const std::vector<std::string> envelopes = [] {
    std::vector<std::string> out;
    if (auto reuters = ReutersEnvelopes(kReuters)) {
      out = std::move(*reuters);
    } else if (auto samples = ReadArticles({HERALD_SOURCE_DIR "/samples"}, ArticleFormat::kAuto)) {
      std::fprintf(stderr, "note: %s is absent; benchmarking herald's samples\n", kReuters);
      for (const SourceArticle& a : *samples) {
        if (a.content_type == "application/json" && ParseArticle(a.bytes, {.content_type = a.content_type}))
          out.push_back(a.bytes);
      }
    }
    return out;
  }();
  return envelopes;
}

// The envelopes, parsed.
const std::vector<v1::Article>& Articles() {
  static const std::vector<v1::Article> articles = [] {
    std::vector<v1::Article> out;
    for (const std::string& e : Envelopes()) out.push_back(*ParseArticle(e, {.content_type = "application/json"}));
    return out;
  }();
  return articles;
}

enum class Gazetteer { kBuiltin, kGeoNames, kGeoNamesWithAlternates };

// Each knowledge base is loaded once, on first use.
std::shared_ptr<const KnowledgeBase> Knowledge(Gazetteer g) {
  auto load = [](KnowledgeSources s) -> std::shared_ptr<const KnowledgeBase> {
    auto kb = KnowledgeBase::Load(s);
    return kb ? *kb : nullptr;
  };
  switch (g) {
    case Gazetteer::kBuiltin: {
      static auto kb = load({});
      return kb;
    }
    case Gazetteer::kGeoNames: {
      static auto kb = load({.geonames_cities = kGeoNames});
      return kb;
    }
    case Gazetteer::kGeoNamesWithAlternates: {
      static auto kb = load({.geonames_cities = kGeoNames, .geonames_alternate_names = kGeoNamesAlternates});
      return kb;
    }
  }
  return nullptr;
}

void SetCounters(benchmark::State& state, int64_t bytes) {
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(bytes);
}

void BM_ParseEnvelope(benchmark::State& state) {
  const auto& corpus = Envelopes();
  size_t i = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    const std::string& e = corpus[i++ % corpus.size()];
    auto a = ParseArticle(e, {.content_type = "application/json"});
    benchmark::DoNotOptimize(a);
    bytes += static_cast<int64_t>(e.size());
  }
  SetCounters(state, bytes);
}
BENCHMARK(BM_ParseEnvelope);

// The dictionary pass alone: every phrase of the knowledge base found in the body.
void BM_FindPhrases(benchmark::State& state, Gazetteer gazetteer) {
  auto kb = Knowledge(gazetteer);
  if (!kb) {
    state.SkipWithError("GeoNames data in ../shared is absent");
    return;
  }
  const auto& articles = Articles();
  size_t i = 0;
  int64_t bytes = 0;
  std::vector<PhraseMatcher::Match> matches;
  for (auto _ : state) {
    const std::string& body = articles[i++ % articles.size()].body();
    matches.clear();
    kb->matcher().FindAll(body, &matches);
    benchmark::DoNotOptimize(matches.data());
    bytes += static_cast<int64_t>(body.size());
  }
  SetCounters(state, bytes);
}
BENCHMARK_CAPTURE(BM_FindPhrases, Builtin, Gazetteer::kBuiltin);
BENCHMARK_CAPTURE(BM_FindPhrases, GeoNamesWithAlternates, Gazetteer::kGeoNamesWithAlternates);

void BM_Extract(benchmark::State& state, Gazetteer gazetteer) {
  auto kb = Knowledge(gazetteer);
  if (!kb) {
    state.SkipWithError("GeoNames data in ../shared is absent");
    return;
  }
  Extractor extractor(kb);
  const auto& articles = Articles();
  size_t i = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    const v1::Article& a = articles[i++ % articles.size()];
    v1::EventRecord r = extractor.Extract(a);
    benchmark::DoNotOptimize(r);
    bytes += static_cast<int64_t>(a.body().size());
  }
  SetCounters(state, bytes);
}
BENCHMARK_CAPTURE(BM_Extract, Builtin, Gazetteer::kBuiltin);
BENCHMARK_CAPTURE(BM_Extract, GeoNames, Gazetteer::kGeoNames);
BENCHMARK_CAPTURE(BM_Extract, GeoNamesWithAlternates, Gazetteer::kGeoNamesWithAlternates);

// The corpus's records, extracted once.
const std::vector<v1::EventRecord>& Records() {
  static const std::vector<v1::EventRecord> records = [] {
    Extractor extractor(Knowledge(Gazetteer::kBuiltin));
    std::vector<v1::EventRecord> out;
    for (const std::string& e : Envelopes()) out.push_back(*extractor.Process(e, {.content_type = "application/json"}));
    return out;
  }();
  return records;
}

void BM_Serialize(benchmark::State& state) {
  const auto& records = Records();
  size_t i = 0;
  int64_t bytes = 0;
  std::string out;
  for (auto _ : state) {
    records[i++ % records.size()].SerializeToString(&out);
    bytes += static_cast<int64_t>(out.size());
  }
  SetCounters(state, bytes);
}
BENCHMARK(BM_Serialize);

// A record as JSON: herald's writer (herald/v1/json.h), and Protobuf's
// reflection-driven converter that it replaced, for comparison.
enum class JsonWriter { kHerald, kProtobuf };
void BM_RecordJson(benchmark::State& state, JsonWriter writer) {
  const auto& records = Records();
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  size_t i = 0;
  int64_t bytes = 0;
  std::string out;
  for (auto _ : state) {
    out.clear();
    const v1::EventRecord& r = records[i++ % records.size()];
    if (writer == JsonWriter::kHerald) {
      v1::AppendJson(r, &out);
    } else {
      (void)google::protobuf::util::MessageToJsonString(r, &out, options);
    }
    bytes += static_cast<int64_t>(out.size());
  }
  SetCounters(state, bytes);
}
BENCHMARK_CAPTURE(BM_RecordJson, Herald, JsonWriter::kHerald);
BENCHMARK_CAPTURE(BM_RecordJson, Protobuf, JsonWriter::kProtobuf);

// What the processor does per record: bytes in, serialised EventRecord out,
// the record on an arena reset between records, as the processor keeps one.
void BM_ProcessArticle(benchmark::State& state, Gazetteer gazetteer) {
  auto kb = Knowledge(gazetteer);
  if (!kb) {
    state.SkipWithError("GeoNames data in ../shared is absent");
    return;
  }
  Extractor extractor(kb);
  const auto& corpus = Envelopes();
  size_t i = 0;
  int64_t bytes = 0;
  std::string out;
  RecordArena arena;
  for (auto _ : state) {
    const std::string& e = corpus[i++ % corpus.size()];
    v1::EventRecord* record = arena.NewRecord();
    if (extractor.Process(e, {.content_type = "application/json"}, record)) record->SerializeToString(&out);
    bytes += static_cast<int64_t>(e.size());
  }
  SetCounters(state, bytes);
}
BENCHMARK_CAPTURE(BM_ProcessArticle, Builtin, Gazetteer::kBuiltin);
BENCHMARK_CAPTURE(BM_ProcessArticle, GeoNames, Gazetteer::kGeoNames);
BENCHMARK_CAPTURE(BM_ProcessArticle, GeoNamesWithAlternates, Gazetteer::kGeoNamesWithAlternates);

}  // namespace
}  // namespace herald

BENCHMARK_MAIN();
