// tagger.h: herald's part-of-speech tagger: Universal Dependencies' UPOS tags
// for the words of a sentence, greedy left to right with an averaged perceptron
// (perceptron.h), trained on the UD English Web Treebank.
//
//   Result<Tagger> tagger = Tagger::Deserialize(model_bytes);
//   std::vector<Upos> tags;
//   tagger->Tag(words, &tags);                          // words: std::string_view each
//   NameOf(tags[0], kUposNames)                         // "PROPN"
//
//   Tagger trained = Tagger::Train(treebank, {.epochs = 8});   // herald train
//   std::string model = trained.Serialize();
//
// Words are UD's syntactic words ("do" "n't", "Russia" "'s"). Frequent words
// that the training data always tags alike get that tag from a dictionary
// without scoring (Honnibal's tag dictionary): faster, and as accurate.
// Thread-safety: a Tagger is immutable once trained or loaded; Tag may run on
// many threads at once.
// Failure: Deserialize refuses bytes that are not a tagger model.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/enum_names.h"
#include "core/status.h"
#include "core/string_hash.h"
#include "processors/syntax/conllu.h"
#include "processors/syntax/perceptron.h"

namespace herald::syntax {

// Universal POS tags (universaldependencies.org/u/pos).
enum class Upos : uint8_t {
  kAdj,
  kAdp,
  kAdv,
  kAux,
  kCconj,
  kDet,
  kIntj,
  kNoun,
  kNum,
  kPart,
  kPron,
  kPropn,
  kPunct,
  kSconj,
  kSym,
  kVerb,
  kX
};
inline constexpr EnumName<Upos> kUposNames[] = {
    {Upos::kAdj, "ADJ"},     {Upos::kAdp, "ADP"},     {Upos::kAdv, "ADV"},   {Upos::kAux, "AUX"},
    {Upos::kCconj, "CCONJ"}, {Upos::kDet, "DET"},     {Upos::kIntj, "INTJ"}, {Upos::kNoun, "NOUN"},
    {Upos::kNum, "NUM"},     {Upos::kPart, "PART"},   {Upos::kPron, "PRON"}, {Upos::kPropn, "PROPN"},
    {Upos::kPunct, "PUNCT"}, {Upos::kSconj, "SCONJ"}, {Upos::kSym, "SYM"},   {Upos::kVerb, "VERB"},
    {Upos::kX, "X"}};
inline constexpr int kUposCount = static_cast<int>(std::size(kUposNames));

struct TaggerTraining {
  int epochs = 10;
  uint32_t seed = 1;  // the order examples are shuffled in, per epoch
  // Tag dictionary: words seen at least this often with one tag at least this share of the time.
  int dictionary_min_count = 20;
  double dictionary_min_share = 0.97;
  // Features whose averaged weights all stay within this of zero are dropped:
  // on EWT dev, 0.6 drops 8% of them for 0.0001 UPOS (1.0 would cost 0.0025).
  float prune_below = 0.6f;
};

class Tagger {
 public:
  static Tagger Train(const std::vector<TreebankSentence>& sentences, const TaggerTraining& options);
  static Result<Tagger> Deserialize(std::string_view bytes);
  std::string Serialize() const;

  void Tag(std::span<const std::string_view> words, std::vector<Upos>* tags) const;

  size_t features() const { return model_.features(); }
  size_t dictionary_size() const { return dictionary_.size(); }

 private:
  Tagger() : model_(kUposCount) {}

  Perceptron model_;
  StringMap<Upos> dictionary_;
};

// How the tagger does on `sentences` (gold words): UPOS accuracy and its mistakes.
struct TaggerScore {
  int64_t words = 0, right = 0;
  std::map<std::pair<std::string, std::string>, int64_t> mistakes;  // {gold, tagged} -> count
  double accuracy() const { return words ? static_cast<double>(right) / static_cast<double>(words) : 0.0; }
};
TaggerScore ScoreTagger(const Tagger& tagger, const std::vector<TreebankSentence>& sentences);

}  // namespace herald::syntax
