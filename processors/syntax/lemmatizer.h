// lemmatizer.h: a word's lemma ("attacked" VERB -> "attack", "mice" NOUN ->
// "mouse") from its form and UPOS tag, so that the event coder's verb lexicon
// matches every inflection.
//
//   Lemmatizer lemmas = Lemmatizer::Train(treebank);     // herald train
//   lemmas.Lemma("denied", Upos::kVerb)                  // "deny"
//
// Learned from a treebank: the words whose lemma the suffix rules would get
// wrong are kept as exceptions ("went" -> "go"); every other word takes the
// edit of the longest form ending seen with its tag ("-ied" -> "-y"), as
// Chrupała's edit-script lemmatisers do. Proper nouns and words with no rule
// are their own lemma (lower-cased unless a proper noun).
// Thread-safety: immutable once trained or loaded.
// Failure: Deserialize refuses bytes that are not a lemmatiser model.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "core/string_hash.h"
#include "processors/syntax/conllu.h"
#include "processors/syntax/tagger.h"

namespace herald::syntax {

class Lemmatizer {
 public:
  static Lemmatizer Train(const std::vector<TreebankSentence>& sentences);
  static Result<Lemmatizer> Deserialize(std::string_view bytes);
  std::string Serialize() const;

  std::string Lemma(std::string_view form, Upos tag) const;

  size_t exceptions() const { return exceptions_.size(); }
  // The irregular forms it knows for `tag`, lower case, each with its lemma ("went", "go").
  std::vector<std::pair<std::string, std::string>> Exceptions(Upos tag) const;
  size_t rules() const { return rules_.size(); }

 private:
  // "<tag byte><ending>" -> the edit: how many bytes to cut from the end, then what to append.
  struct Edit {
    uint8_t cut = 0;
    std::string append;
  };
  std::string ByRule(const std::string& lower, Upos tag) const;

  StringMap<std::string> exceptions_;  // "<tag byte><lower form>" -> lemma
  StringMap<Edit> rules_;
};

// The share of words whose lemma is right on `sentences` (gold words and tags;
// lemmas compared without case, as the event coder uses them).
double LemmaAccuracy(const Lemmatizer& lemmatizer, const std::vector<TreebankSentence>& sentences);

}  // namespace herald::syntax
