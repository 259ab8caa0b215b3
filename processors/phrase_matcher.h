// phrase_matcher.h: dictionary look-up of whole words and phrases in text,
// whatever the dictionary's size: a trie over ASCII-case-folded bytes, walked
// from the word starts where a phrase may begin. The text is split into words
// once (64 bytes a step, each word hashed); a word whose hash is no phrase's
// first word costs one table probe, so the cost is the text's length plus a few
// short walks, not the number of phrases.
//
//   PhraseMatcher::Builder builder;
//   builder.Add("South China Sea", /*id=*/7);
//   builder.Add("US", /*id=*/3, PhraseMatcher::kExactCase);  // not "us"
//   PhraseMatcher matcher = std::move(builder).Build();
//   for (const PhraseMatcher::Match& m : matcher.FindLongest(text)) { ... }
//
//   // A caller that needs the words too splits once and shares them:
//   std::vector<PhraseMatcher::TextWord> words;
//   PhraseMatcher::SplitWords(text, &words);
//   matcher.FindAll(text, words, &matches);
//
// A match must start and end on word boundaries (the neighbouring bytes are not
// ASCII letters or digits, nor UTF-8 continuation bytes). FindLongest keeps the
// leftmost-longest non-overlapping matches, so "South China Sea" wins over
// "China". Several ids may share one phrase; each is reported.
//
// Thread-safety: a built PhraseMatcher is immutable; share it across threads.
// Failure: none; an empty phrase is ignored.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "core/utf8.h"  // FoldCase, the fold the matcher uses

namespace herald {

class PhraseMatcher {
 public:
  // kProperNoun: any casing of the letters, but the match must begin with a
  // capital ("Turkey", "TURKEY", not "turkey"), as names do in running text.
  enum CaseMode : uint8_t { kIgnoreCase = 0, kExactCase = 1, kProperNoun = 2 };

  struct Match {
    uint32_t begin;
    uint32_t end;  // exclusive
    uint32_t id;
  };

  class Builder {
   public:
    void Add(std::string_view phrase, uint32_t id, CaseMode mode = kIgnoreCase);
    PhraseMatcher Build() &&;

   private:
    std::vector<std::string> storage_;
    std::vector<std::pair<size_t, std::pair<uint32_t, CaseMode>>> entries_;
    bool split_proper_nouns_ = true;
  };

  PhraseMatcher() = default;

  // A word as the matcher sees it: a maximal run of word bytes, with its FoldedHash.
  struct TextWord {
    uint32_t begin;
    uint32_t end;  // exclusive
    uint64_t hash;
  };
  // The text's words in order (replacing *out's contents).
  static void SplitWords(std::string_view text, std::vector<TextWord>* out);

  // Every dictionary match on word boundaries, overlapping ones included, in no
  // particular order, appended to *out.
  void FindAll(std::string_view text, std::vector<Match>* out) const;
  // The same, given the text's words from SplitWords.
  void FindAll(std::string_view text, std::span<const TextWord> words, std::vector<Match>* out) const;
  // Leftmost-longest non-overlapping matches, by begin offset. Ids sharing the
  // chosen phrase are all reported, adjacent in the result, by id.
  std::vector<Match> FindLongest(std::string_view text) const;

  // Leftmost-longest non-overlapping selection from any set of matches.
  static std::vector<Match> SelectLongest(std::vector<Match> matches);

  size_t phrase_count() const { return outputs_.size() + (proper_nouns_ ? proper_nouns_->phrase_count() : 0); }
  size_t state_count() const { return states_.size() + (proper_nouns_ ? proper_nouns_->state_count() : 0); }

 private:
  struct State {
    uint32_t first_edge = 0;  // into edges_, sorted by byte
    uint16_t edge_count = 0;
    uint32_t first_output = 0;  // into outputs_: the phrases ending here
    uint32_t output_count = 0;
  };
  struct Edge {
    uint8_t byte;
    uint32_t target;
  };
  struct Output {
    uint32_t id;
    CaseMode mode;
    std::string_view exact;  // the phrase as written, for kExactCase
  };

  // A walk carries a state as a code: for a state with a full row of children,
  // the row's offset in dense_child_ (no multiplication per byte); for the
  // others, dense_child_.size() past that. kHasOutput marks states where
  // phrases end. 0 is the root, which is no one's child: "no child".
  static constexpr uint32_t kHasOutput = 1u << 31;
  uint32_t Code(uint32_t state) const;
  uint32_t StateOf(uint32_t code) const;
  uint32_t SparseChild(uint32_t code, uint8_t byte) const;
  // Matches that start at `begin`.
  void FindAnchored(std::string_view text, size_t begin, std::vector<Match>* out) const;
  // Whether some phrase's first word (its leading word bytes, folded) has this FoldedHash.
  bool MayBeginWith(uint64_t word_hash) const;

  // Proper nouns live in a trie of their own, walked only from the capitalised
  // word starts where they can begin, a few times per sentence: a large
  // gazetteer costs little.
  std::shared_ptr<const PhraseMatcher> proper_nouns_;

  // States are numbered breadth-first, so the shallow ones, where walks spend
  // most of their steps, sit together and have the full rows: one entry per
  // byte class, where every byte no phrase contains shares class 0 and a
  // capital shares its lower-case letter's class, so a row is as wide as the
  // dictionary's alphabet, not 256.
  static constexpr size_t kDenseStates = 32768;
  std::vector<State> states_;
  std::vector<Edge> edges_;
  std::array<uint8_t, 256> byte_class_{};
  uint32_t class_count_ = 1;
  uint32_t dense_limit_ = 0;
  std::vector<uint32_t> dense_child_;  // codes of the children, 0 for none
  std::vector<Output> outputs_;
  std::vector<std::string> phrases_;  // owns Output::exact
  // FoldedHash of every phrase's first word, open-addressed (0: empty slot).
  // A match starting at a word start covers that whole word, so a word that
  // begins no phrase needs no walk.
  std::vector<uint64_t> first_words_;
  // Bytes outside words that begin phrases ("-based"): walks start at those too.
  std::string non_word_first_bytes_;
};

// FoldCase on eight bytes at once.
inline uint64_t FoldCase8(uint64_t x) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  uint64_t low7 = x & (0x7F * kOnes);
  uint64_t at_least_a = low7 + (0x80 - 'A') * kOnes;   // high bit set where byte >= 'A'
  uint64_t above_z = low7 + (0x80 - 'Z' - 1) * kOnes;  // high bit set where byte > 'Z'
  uint64_t upper = at_least_a & ~above_z & ~x & (0x80 * kOnes);
  return x | (upper >> 2);
}

// A 64-bit hash of text[begin, end) case-folded as by FoldCase, eight bytes a
// step; never 0. Inline: it runs once per word of every article.
inline uint64_t FoldedHash(std::string_view text, size_t begin, size_t end) {
  uint64_t h = (end - begin) * 0x9E3779B97F4A7C15ULL;
  if (end > begin && end - begin <= 8 && begin + 8 <= text.size()) {  // most words: one chunk, the loop below unrolled
    uint64_t chunk;
    std::memcpy(&chunk, text.data() + begin, 8);
    chunk &= ~uint64_t{0} >> (8 * (8 - (end - begin)));
    h = (h ^ FoldCase8(chunk)) * 0x9E3779B97F4A7C15ULL;
    return (h ^ (h >> 29)) | 1;
  }
  for (size_t i = begin; i < end; i += 8) {
    size_t n = std::min<size_t>(8, end - i);
    uint64_t chunk = 0;
    if (i + 8 <= text.size()) {
      std::memcpy(&chunk, text.data() + i, 8);
      if (n < 8) chunk &= (uint64_t{1} << (8 * n)) - 1;
    } else {
      for (size_t k = 0; k < n; ++k) chunk |= static_cast<uint64_t>(static_cast<uint8_t>(text[i + k])) << (8 * k);
    }
    h = (h ^ FoldCase8(chunk)) * 0x9E3779B97F4A7C15ULL;
    h ^= h >> 29;
  }
  return h | 1;
}

}  // namespace herald
