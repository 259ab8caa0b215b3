#include "processors/syntax/train.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>

#include "core/files.h"
#include "processors/syntax/conllu.h"
#include "processors/syntax/lemmatizer.h"
#include "processors/syntax/parser.h"
#include "processors/syntax/syntax.h"
#include "processors/syntax/tagger.h"
#include "processors/syntax/tokenizer.h"

namespace herald::syntax {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

Result<std::vector<TreebankSentence>> ReadIfGiven(const std::string& path) {
  if (path.empty()) return std::vector<TreebankSentence>{};
  return ReadConllu(path);
}

struct Splits {
  std::vector<TreebankSentence> train, dev, test;
};

Result<Splits> ReadSplits(const TrainOptions& o) {
  Splits splits;
  for (auto [path, split] :
       {std::pair{&o.train_path, &splits.train}, {&o.dev_path, &splits.dev}, {&o.test_path, &splits.test}}) {
    auto sentences = ReadIfGiven(*path);
    if (!sentences) return Unexpected(sentences.error());
    *split = std::move(*sentences);
  }
  return splits;
}

// "dev UPOS accuracy 0.9497", and the most frequent mistakes: "gold->tagged count".
void PrintScore(const char* split, const TaggerScore& score, size_t top) {
  std::printf("%s UPOS accuracy %.4f (%lld words)\n", split, score.accuracy(), static_cast<long long>(score.words));
  std::vector<std::pair<int64_t, std::string>> sorted;
  for (const auto& [pair, n] : score.mistakes) sorted.emplace_back(n, pair.first + "->" + pair.second);
  std::sort(sorted.rbegin(), sorted.rend());
  std::string line = "  most frequent mistakes (gold->tagged):";
  for (size_t i = 0; i < std::min(top, sorted.size()); ++i) {
    line += " " + sorted[i].second + " " + std::to_string(sorted[i].first);
  }
  std::printf("%s\n", line.c_str());
}

}  // namespace

void AddTrainArguments(CLI::App* app, TrainOptions* o) {
  app->add_option("--train", o->train_path, "CoNLL-U training split")->required();
  app->add_option("--dev", o->dev_path, "CoNLL-U development split, scored after training");
  app->add_option("--test", o->test_path, "CoNLL-U test split, scored once (never tune on it)");
  app->add_option("--out", o->out_path, "Model file to write")->required();
  app->add_option("--folds", o->folds, "Syntax: jack-knifed taggers whose tags the parser learns from (1: gold tags)")
      ->check(CLI::Range(1, 20));
  app->add_option("--dev-predictions", o->dev_predictions_path,
                  "Syntax: write the dev split as analysed, in CoNLL-U (for UD's scorer or another)");
  app->add_option("--epochs", o->epochs, "Passes over the training split (the parser's, for syntax)")
      ->check(CLI::Range(1, 100));
  app->add_option("--prune-below", o->prune_below,
                  "Syntax: drop parser features whose averaged weights all stay within this of zero (smaller, faster)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 100.0));
}

Status RunTrainTagger(const TrainOptions& o) {
  auto splits = ReadSplits(o);
  if (!splits) return Unexpected(splits.error());
  const auto& [train, dev, test] = *splits;
  const auto started = std::chrono::steady_clock::now();
  Tagger tagger = Tagger::Train(train, {.epochs = o.epochs});
  const double seconds = SecondsSince(started);
  const std::string model = tagger.Serialize();
  if (Status s = WriteWholeFile(o.out_path, model); !s) return s;
  std::printf("tagger: %zu sentences, %d epochs, %.1f s; %zu features, %zu dictionary words, %.1f MiB\n", train.size(),
              o.epochs, seconds, tagger.features(), tagger.dictionary_size(),
              static_cast<double>(model.size()) / (1 << 20));
  if (!dev.empty()) PrintScore("dev", ScoreTagger(tagger, dev), 12);
  if (!test.empty()) PrintScore("test", ScoreTagger(tagger, test), 12);
  const Lemmatizer lemmatizer = Lemmatizer::Train(train);
  std::printf("lemmatiser: %zu exceptions, %zu rules\n", lemmatizer.exceptions(), lemmatizer.rules());
  if (!dev.empty()) {
    std::printf("dev lemma accuracy %.4f (gold tags)\n", LemmaAccuracy(lemmatizer, dev));
    for (auto [split, sentences] : {std::pair{"train", &train}, {"dev", &dev}}) {
      const TokenizerScore words = ScoreTokenizer(*sentences);
      std::printf("%s words from the text: P %.4f R %.4f F1 %.4f (%lld gold words)\n", split, words.precision(),
                  words.recall(), words.f1(), static_cast<long long>(words.gold));
    }
  }
  return {};
}

Status RunTrainSyntax(const TrainOptions& o) {
  auto splits = ReadSplits(o);
  if (!splits) return Unexpected(splits.error());
  const auto& [train, dev, test] = *splits;
  const auto started = std::chrono::steady_clock::now();
  const Syntax trained =
      Syntax::Train(train, {.parser = {.epochs = o.epochs, .prune_below = o.prune_below}, .folds = o.folds});
  const double seconds = SecondsSince(started);
  const std::string model = trained.Serialize();
  if (Status s = WriteWholeFile(o.out_path, model); !s) return s;
  // Scored as it ships: read back from the bytes written.
  auto syntax = Syntax::Deserialize(model);
  if (!syntax) return Unexpected(syntax.error());
  std::printf("syntax: %zu sentences, %.1f s; %zu tagger and %zu parser features, %zu lemma exceptions, %.1f MiB\n",
              train.size(), seconds, syntax->tagger().features(), syntax->parser().features(),
              syntax->lemmatizer().exceptions(), static_cast<double>(model.size()) / (1 << 20));
  for (auto [split, sentences] : {std::pair{"dev", &dev}, {"test", &test}}) {
    if (sentences->empty()) continue;
    const auto scoring = std::chrono::steady_clock::now();
    const SyntaxScore score = ScoreSyntax(*syntax, *sentences);
    const double words_per_second = static_cast<double>(score.words) / SecondsSince(scoring);
    std::printf("%s UPOS %.4f lemmas %.4f UAS %.4f LAS %.4f (%lld words; %.0f words/s analysed on one thread)\n", split,
                score.upos(), score.lemma(), score.uas(), score.las(), static_cast<long long>(score.words),
                words_per_second);
  }
  if (!o.dev_predictions_path.empty()) return WriteWholeFile(o.dev_predictions_path, AnalysedConllu(*syntax, dev));
  return {};
}

}  // namespace herald::syntax
