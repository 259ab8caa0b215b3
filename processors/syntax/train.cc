#include "processors/syntax/train.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>

#include "core/files.h"
#include "processors/syntax/conllu.h"
#include "processors/syntax/parser.h"
#include "processors/syntax/tagger.h"

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
  app->add_option("--epochs", o->epochs, "Passes over the training split")->check(CLI::Range(1, 100));
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
  return {};
}

Status RunTrainParser(const TrainOptions& o) {
  auto splits = ReadSplits(o);
  if (!splits) return Unexpected(splits.error());
  const auto& [train, dev, test] = *splits;
  const auto started = std::chrono::steady_clock::now();
  // The parser learns from tags as a tagger makes them, mistakes included: each
  // fold is tagged by a tagger that never saw it.
  std::vector<std::vector<Upos>> tags(train.size());
  const int folds = std::max(1, o.folds);
  for (int fold = 0; fold < folds; ++fold) {
    std::vector<TreebankSentence> others;
    for (size_t i = 0; i < train.size(); ++i) {
      if (static_cast<int>(i % folds) != fold || folds == 1) others.push_back(train[i]);
    }
    Tagger tagger = Tagger::Train(others, {});
    for (size_t i = fold; i < train.size(); i += folds) {
      std::vector<std::string_view> words;
      for (const TreebankWord& w : train[i].words) words.push_back(w.form);
      tagger.Tag(words, &tags[i]);
    }
  }
  Tagger tagger = Tagger::Train(train, {});
  Parser parser = Parser::Train(train, tags, {.epochs = o.epochs});
  const double seconds = SecondsSince(started);
  const std::string model = parser.Serialize();
  if (Status s = WriteWholeFile(o.out_path, model); !s) return s;
  std::printf("parser: %zu sentences, %d epochs, %.1f s; %zu features, %zu relations, %.1f MiB\n", train.size(),
              o.epochs, seconds, parser.features(), parser.relations().size(),
              static_cast<double>(model.size()) / (1 << 20));
  auto print = [&](const char* split, const std::vector<TreebankSentence>& sentences) {
    if (sentences.empty()) return;
    const auto scoring = std::chrono::steady_clock::now();
    ParserScore score = ScoreParser(parser, tagger, sentences);
    const double words_per_second = static_cast<double>(score.words) / SecondsSince(scoring);
    std::printf("%s UAS %.4f LAS %.4f (%lld words, tagged by herald's tagger; %.0f words/s tagged and parsed)\n", split,
                score.uas(), score.las(), static_cast<long long>(score.words), words_per_second);
  };
  print("dev", dev);
  print("test", test);
  return {};
}

}  // namespace herald::syntax
