// tokenizer.h: a sentence's text split into Universal Dependencies' syntactic
// words, the units herald's tagger and parser read: punctuation apart, clitics
// apart ("don't" -> "do" "n't", "Russia's" -> "Russia" "'s", "cannot" ->
// "can" "not"), abbreviations, numbers, URLs and hyphenated words whole
// ("U.S.", "Mr.", "1,000.5", "non-stop").
//
//   std::vector<WordSpan> words;
//   Tokenize("Russia's army didn't attack.", &words);
//   // "Russia" "'s" "army" "did" "n't" "attack" "."   (each a span of the text)
//
// Every word is a span of the text (UD's splits of English contractions all
// fall on the text's own characters), so a word maps back to its bytes for
// the event record's spans.
// Thread-safety: a pure function.
// Failure: none; any bytes (invalid UTF-8 included) give words covering every
// non-space byte.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "processors/syntax/conllu.h"

namespace herald::syntax {

struct WordSpan {
  uint32_t begin, end;  // byte offsets into the text
  std::string_view Of(std::string_view text) const { return text.substr(begin, end - begin); }
};

void Tokenize(std::string_view text, std::vector<WordSpan>* words);

// How Tokenize's words match a treebank's on its sentences' text (`# text`),
// as spans of the text without its white space: precision, recall, F1.
struct TokenizerScore {
  int64_t gold = 0, found = 0, matched = 0;
  double precision() const { return found ? static_cast<double>(matched) / static_cast<double>(found) : 0.0; }
  double recall() const { return gold ? static_cast<double>(matched) / static_cast<double>(gold) : 0.0; }
  double f1() const {
    const double p = precision(), r = recall();
    return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
  }
};
TokenizerScore ScoreTokenizer(const std::vector<TreebankSentence>& sentences);

}  // namespace herald::syntax
