// Tagging, lemmatising and parsing speed on one core, over EWT's dev split,
// with a model trained on EWT's train split in ../shared (folds=1, so that the
// set-up takes seconds; the model's size, which sets the cache misses, is the
// shipped one's). Skips when ../shared is absent.
//
//   build/processors/syntax/herald_syntax_benchmark
//
// items_per_second is words/s.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>

#include "processors/syntax/builtin_model.h"
#include "processors/syntax/syntax.h"

namespace herald::syntax {
namespace {

constexpr char kTreebankDir[] = "../shared/corpus/ud-english-ewt";

// The shipped model, as the processor loads it, over EWT's dev sentences.
struct Fixture {
  std::shared_ptr<const Syntax> syntax;
  std::vector<TreebankSentence> dev;
};

const Fixture& Data() {
  static const Fixture fixture = [] {
    Fixture f;
    auto dev = ReadConllu(std::string(kTreebankDir) + "/en_ewt-ud-dev.conllu");
    auto syntax = BuiltinSyntax();
    if (!dev || !syntax) return f;
    f.syntax = *syntax;
    f.dev = std::move(*dev);
    return f;
  }();
  return fixture;
}

template <typename Step>
void RunOverDev(benchmark::State& state, Step step) {
  const Fixture& f = Data();
  if (!f.syntax) {
    state.SkipWithError("../shared/corpus/ud-english-ewt is absent");
    return;
  }
  std::vector<std::vector<std::string_view>> sentences;
  for (const TreebankSentence& s : f.dev) sentences.push_back(s.Forms());
  SentenceSyntax out;
  int64_t words = 0;
  for (auto _ : state) {
    for (const auto& words_of : sentences) {
      step(*f.syntax, words_of, &out);
      words += static_cast<int64_t>(words_of.size());
    }
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(words);
}

void BM_Tag(benchmark::State& state) {
  RunOverDev(state, [](const Syntax& s, std::span<const std::string_view> w, SentenceSyntax* out) {
    s.tagger().Tag(w, &out->tags);
  });
}
BENCHMARK(BM_Tag)->Unit(benchmark::kMillisecond);

void BM_Analyze(benchmark::State& state) {
  RunOverDev(state,
             [](const Syntax& s, std::span<const std::string_view> w, SentenceSyntax* out) { s.Analyze(w, out); });
}
BENCHMARK(BM_Analyze)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace herald::syntax
BENCHMARK_MAIN();
