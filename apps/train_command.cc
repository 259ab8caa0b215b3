// `herald train`: trains herald's syntax models on a CoNLL-U treebank (processors/syntax/).
#include "apps/command.h"
#include "processors/syntax/train.h"

namespace herald {

std::vector<Command> TrainCommands() {
  auto o = std::make_shared<syntax::TrainOptions>();
  return {{.path = {"train"}, .help = "Train herald's syntax models on a CoNLL-U treebank"},
          {.path = {"train", "tagger"},
           .help = "Train the part-of-speech tagger alone (and score the lemmatiser): a quick loop",
           .arguments = [o](CLI::App* app) { syntax::AddTrainArguments(app, o.get()); },
           .run = [o](const CommandContext&) { return ExitStatus(syntax::RunTrainTagger(*o), "train tagger"); }},
          {.path = {"train", "syntax"},
           .help = "Train the tagger, lemmatiser and dependency parser and write the model file the processor loads",
           .arguments = [o](CLI::App* app) { syntax::AddTrainArguments(app, o.get()); },
           .run = [o](const CommandContext&) { return ExitStatus(syntax::RunTrainSyntax(*o), "train syntax"); }}};
}

}  // namespace herald
