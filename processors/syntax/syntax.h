// syntax.h: herald's analysis of a sentence's words: their UPOS tags, lemmas and
// dependency tree, from one model file holding the tagger, the lemmatiser and
// the parser (`herald train syntax` writes it).
//
//   Result<Syntax> syntax = Syntax::Deserialize(model_bytes);   // once per process
//   SentenceSyntax s;
//   syntax->Analyze(words, &s);           // words: UD syntactic words, std::string_view each
//   s.tags[i], s.lemmas[i], s.arcs[i].head (1-based; 0: root), syntax->relation(s.arcs[i])
//   int nsubj = syntax->RelationIndex("nsubj");   // compare arcs[i].relation with it
//
// Thread-safety: a Syntax is immutable; Analyze may run on many threads at once,
// each with its own SentenceSyntax (which it reuses between sentences).
// Failure: Deserialize refuses bytes that are not such a model.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "processors/syntax/conllu.h"
#include "processors/syntax/lemmatizer.h"
#include "processors/syntax/parser.h"
#include "processors/syntax/tagger.h"

namespace herald::syntax {

struct SentenceSyntax {
  std::vector<Upos> tags;
  std::vector<std::string> lemmas;
  std::vector<Arc> arcs;
};

struct SyntaxTraining {
  TaggerTraining tagger;
  ParserTraining parser;
  // The parser learns from the training split as tagged by taggers trained on
  // the other folds, mistakes included (below 2: gold tags).
  int folds = 5;
};

class Syntax {
 public:
  static Syntax Train(const std::vector<TreebankSentence>& sentences, const SyntaxTraining& options);
  static Result<Syntax> Deserialize(std::string_view bytes);
  std::string Serialize() const;

  void Analyze(std::span<const std::string_view> words, SentenceSyntax* out) const;
  // Analyze in two steps, for callers that parse only the sentences whose tags
  // and lemmas promise something (tagging costs a tenth of parsing): tags and
  // lemmas (arcs cleared), then arcs from those tags.
  void TagAndLemmatize(std::span<const std::string_view> words, SentenceSyntax* out) const;
  void Parse(std::span<const std::string_view> words, SentenceSyntax* out) const;
  std::string_view relation(const Arc& arc) const { return parser_.relations()[arc.relation]; }
  // The index arcs carry for a relation name, or -1 when the model has no such relation.
  int RelationIndex(std::string_view name) const;

  const Tagger& tagger() const { return tagger_; }
  const Lemmatizer& lemmatizer() const { return lemmatizer_; }
  const Parser& parser() const { return parser_; }

 private:
  Syntax(Tagger tagger, Lemmatizer lemmatizer, Parser parser)
      : tagger_(std::move(tagger)), lemmatizer_(std::move(lemmatizer)), parser_(std::move(parser)) {}

  Tagger tagger_;
  Lemmatizer lemmatizer_;
  Parser parser_;
};

// How the whole analysis does on `sentences` (gold words; tags, lemmas and tree
// as herald makes them), punctuation included as UD's scorer counts it; LAS
// compares universal relations ("obl" for "obl:agent"), as UD's scorer does.
struct SyntaxScore {
  int64_t words = 0, tags_right = 0, lemmas_right = 0, heads_right = 0, arcs_right = 0;
  double Share(int64_t n) const { return words ? static_cast<double>(n) / static_cast<double>(words) : 0.0; }
  double upos() const { return Share(tags_right); }
  double lemma() const { return Share(lemmas_right); }
  double uas() const { return Share(heads_right); }
  double las() const { return Share(arcs_right); }
};
SyntaxScore ScoreSyntax(const Syntax& syntax, const std::vector<TreebankSentence>& sentences);

// `sentences` as analysed (their gold words; herald's UPOS, lemmas, heads and
// relations) in CoNLL-U, for UD's own scorer or anyone else's.
std::string AnalysedConllu(const Syntax& syntax, const std::vector<TreebankSentence>& sentences);

}  // namespace herald::syntax
