// train.h: `herald train`: trains herald's syntax models on a CoNLL-U treebank
// and writes the model file the processor loads, reporting its accuracy on the
// development split (never tuned on the test split; --test reports it once).
//
//   E=../shared/corpus/ud-english-ewt
//   herald train tagger --train $E/en_ewt-ud-train.conllu --dev $E/en_ewt-ud-dev.conllu
//       --out processors/syntax/model/en_ewt.tagger
//
// Thread-safety: runs on the calling thread.
// Failure: an unreadable treebank or an unwritable model file is an Error.
#pragma once

#include <string>

#include "core/status.h"

namespace CLI {
class App;
}

namespace herald::syntax {

struct TrainOptions {
  std::string train_path, dev_path, test_path, out_path;
  int epochs = 8;
  int folds = 5;  // parser: the training split is tagged by taggers trained on the other folds
};

void AddTrainArguments(CLI::App* app, TrainOptions* options);
Status RunTrainTagger(const TrainOptions& options);
Status RunTrainParser(const TrainOptions& options);

}  // namespace herald::syntax
