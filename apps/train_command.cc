// `herald train`: trains herald's syntax models on a CoNLL-U treebank (processors/syntax/).
#include "apps/command.h"
#include "processors/syntax/train.h"

namespace herald {

std::vector<Command> TrainCommands() {
  auto o = std::make_shared<syntax::TrainOptions>();
  return {{.path = {"train"}, .help = "Train herald's syntax models on a CoNLL-U treebank"},
          {.path = {"train", "tagger"},
           .help = "Train the part-of-speech tagger and write its model file",
           .arguments = [o](CLI::App* app) { syntax::AddTrainArguments(app, o.get()); },
           .run = [o](const CommandContext&) { return ExitStatus(syntax::RunTrainTagger(*o), "train tagger"); }},
          {.path = {"train", "parser"},
           .help = "Train the dependency parser and write its model file",
           .arguments = [o](CLI::App* app) { syntax::AddTrainArguments(app, o.get()); },
           .run = [o](const CommandContext&) { return ExitStatus(syntax::RunTrainParser(*o), "train parser"); }}};
}

}  // namespace herald
