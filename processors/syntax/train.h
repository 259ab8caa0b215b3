// train.h: `herald train`: trains herald's syntax models on a CoNLL-U treebank
// and writes the model file the processor loads, reporting its accuracy on the
// development split (never tuned on the test split; --test reports it once).
//
//   E=../shared/corpus/ud-english-ewt
//   herald train syntax --train $E/en_ewt-ud-train.conllu --dev $E/en_ewt-ud-dev.conllu
//       --out processors/syntax/model/en_ewt.syntax
// (`herald train tagger` trains the tagger and lemmatiser alone, in a second.)
//
// Thread-safety: runs on the calling thread.
// Failure: an unreadable treebank or an unwritable model file is an Error.
#pragma once

#include <string>

#include "core/status.h"
#include "processors/syntax/parser.h"

namespace CLI {
class App;
}

namespace herald::syntax {

struct TrainOptions {
  std::string train_path, dev_path, test_path, out_path;
  std::string dev_predictions_path;  // syntax: the dev split as analysed, in CoNLL-U
  int epochs = 10;
  int folds = 5;                                     // syntax: the parser learns from tags of jack-knifed taggers
  float prune_below = ParserTraining{}.prune_below;  // syntax: see ParserTraining
};

void AddTrainArguments(CLI::App* app, TrainOptions* options);
Status RunTrainTagger(const TrainOptions& options);
Status RunTrainSyntax(const TrainOptions& options);

}  // namespace herald::syntax
