// text.h: the extraction passes' view of an article's text: its words (with
// a case-folded hash each, SimHash's input) and its sentences, as byte ranges.
//
//   std::vector<Word> words;  SplitWords(body, &words);
//   std::vector<Sentence> sentences;  SplitSentences(body, &sentences);
//   uint64_t h = SimHashOfWords(words);
//
// Hand-written: they run over every byte of every article (SSE2 where there
// is one). Thread-safety: pure functions. Failure: none.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "processors/phrase_matcher.h"

namespace herald::extraction {

using Match = PhraseMatcher::Match;

constexpr bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
constexpr bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// A word of the text, with a case-folded hash of its bytes (SimHash's input).
struct Word {
  uint32_t begin, end;
  uint64_t folded_hash;
};
struct Sentence {
  uint32_t begin, end;
};

// The text's words from the matcher's (maximal runs of word bytes), joined
// where an apostrophe and a letter continue one ("China's", "don't").
void JoinWords(std::string_view text, std::span<const PhraseMatcher::TextWord> runs, std::vector<Word>* out);
void SplitWords(std::string_view text, std::vector<Word>* out);
// The first position at or after `from` holding any of the (up to four) bytes in `set`, or text.size().
size_t FindAnyOf(std::string_view text, size_t from, std::array<char, 4> set);
void SplitSentences(std::string_view text, std::vector<Sentence>* out);
// 64-bit SimHash over word bigrams (see SimHash in extractor.h).
uint64_t SimHashOfWords(const std::vector<Word>& words);
// English function words make up a large share of any English text.
bool LooksEnglish(const std::vector<Word>& words);

}  // namespace herald::extraction
