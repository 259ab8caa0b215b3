// parser.h: herald's dependency parser: a head and a Universal Dependencies
// relation (nsubj, obj, obl:agent, ...) for each word of a tagged sentence.
//
// Greedy and transition-based (the arc-hybrid system: shift, left-arc,
// right-arc) with an averaged perceptron choosing each transition and another
// choosing each arc's relation, trained with a dynamic oracle (Goldberg and
// Nivre 2013) so that it learns to recover from its own mistakes. Linear in
// the sentence's length.
//
//   Result<Parser> parser = Parser::Deserialize(model_bytes);
//   std::vector<Arc> arcs;
//   parser->Parse(words, tags, &arcs);   // arcs[i].head: 1-based head of word i (0: root); arcs[i].relation
//
//   Parser trained = Parser::Train(treebank, tags_of_each_sentence, {.epochs = 10});
//
// Thread-safety: a Parser is immutable once trained or loaded; Parse may run
// on many threads at once.
// Failure: Deserialize refuses bytes that are not a parser model.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "processors/syntax/conllu.h"
#include "processors/syntax/perceptron.h"
#include "processors/syntax/tagger.h"

namespace herald::syntax {

struct Arc {
  int head = 0;      // 1-based index of the head word; 0 for the root
  int relation = 0;  // index into Parser::relations()
};

struct ParserTraining {
  int epochs = 10;
  uint32_t seed = 1;
  // From this epoch on, training follows the model's own (possibly wrong)
  // transitions with this probability, so that it meets the states it will
  // parse from.
  int explore_from_epoch = 1;
  double explore_probability = 0.9;
  // Features whose averaged weights all stay within this of zero are dropped:
  // on EWT dev, 1.0 halves the model (42 to 19 MiB) at no cost in UAS or LAS.
  float prune_below = 1.0f;
};

class Parser {
 public:
  // tags[i] holds the UPOS of sentences[i]'s words (gold, or a tagger's).
  static Parser Train(const std::vector<TreebankSentence>& sentences, const std::vector<std::vector<Upos>>& tags,
                      const ParserTraining& options);
  static Result<Parser> Deserialize(std::string_view bytes);
  std::string Serialize() const;

  void Parse(std::span<const std::string_view> words, std::span<const Upos> tags, std::vector<Arc>* arcs) const;

  const std::vector<std::string>& relations() const { return relations_; }
  size_t features() const { return transitions_.features() + labels_.features(); }

 private:
  Parser(std::vector<std::string> relations);

  std::vector<std::string> relations_;  // "nsubj", "obl:agent", ...
  Perceptron transitions_;              // shift, left-arc, right-arc
  Perceptron labels_;                   // one class per relation
};

}  // namespace herald::syntax
