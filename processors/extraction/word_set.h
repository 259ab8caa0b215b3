// word_set.h: a fixed set of words, tested for most words of every article.
// Thread-safety: immutable after construction. Failure: none.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

#include "processors/extraction/text.h"

namespace herald::extraction {

// A fixed set of words. These lists are consulted for most words of every
// article. A string is looked up in an open-addressed table by a hash of a few
// of its bytes, not std::unordered_set's hash of every byte and division. A
// word from the splitter is first looked up by the folded hash it carries, in
// a table whose multiplier is searched for at construction so that every
// member's hash sits alone in its slot (perfect hashing): one multiply, load
// and compare, without a branch to mispredict, turns most words away.
class WordSet {
 public:
  WordSet(std::initializer_list<std::string_view> words) {
    slots_.resize(std::bit_ceil(words.size() * 4));
    std::vector<uint64_t> hashes;
    for (std::string_view w : words) {
      min_size_ = std::min(min_size_, w.size());
      max_size_ = std::max(max_size_, w.size());
      size_t i = Slot(w);
      while (!slots_[i].empty() && slots_[i] != w) i = (i + 1) & (slots_.size() - 1);
      slots_[i] = w;
      hashes.push_back(FoldedHash(w, 0, w.size()));  // casings of one word share it
    }
    for (int bits = std::bit_width(words.size() * 4);; ++bits) {
      for (uint64_t seed = 1; seed <= 1000; ++seed) {
        multiplier_ = (seed * 0x9E3779B97F4A7C15ULL) | 1;
        shift_ = 64 - bits;
        home_.assign(size_t{1} << bits, 0);
        bool alone = true;
        for (uint64_t h : hashes) {
          uint64_t& slot = home_[Home(h)];
          alone &= slot == 0 || slot == h;
          slot = h;
        }
        if (alone) return;
      }
    }
  }
  bool operator()(std::string_view w) const {
    if (w.size() < min_size_ || w.size() > max_size_) return false;
    for (size_t i = Slot(w);; i = (i + 1) & (slots_.size() - 1)) {
      if (slots_[i].empty()) return false;
      if (slots_[i] == w) return true;
    }
  }
  bool operator()(std::string_view text, const Word& w) const {
    return HasFoldedHash(w.folded_hash) && (*this)(text.substr(w.begin, w.end - w.begin));
  }
  // Whether the word, case-folded, is in the set (of lower-case words), by its
  // 64-bit folded hash alone: another word with the same hash is a 2^-64 chance.
  bool ContainsFolded(const Word& w) const { return HasFoldedHash(w.folded_hash); }

 private:
  size_t Slot(std::string_view w) const {
    uint64_t h = w.size() * 0x9E3779B97F4A7C15ULL;
    h ^= static_cast<uint8_t>(w[0]) | static_cast<uint8_t>(w[w.size() / 2]) << 8 | static_cast<uint8_t>(w.back()) << 16;
    h *= 0xFF51AFD7ED558CCDULL;
    return (h >> 32) & (slots_.size() - 1);
  }
  size_t Home(uint64_t hash) const { return (hash * multiplier_) >> shift_; }
  bool HasFoldedHash(uint64_t hash) const { return home_[Home(hash)] == hash; }

  std::vector<std::string_view> slots_;
  std::vector<uint64_t> home_;  // FoldedHash of the members, each in its slot; 0 (never a hash) elsewhere
  uint64_t multiplier_ = 1;
  int shift_ = 63;
  size_t min_size_ = SIZE_MAX, max_size_ = 0;
};

}  // namespace herald::extraction
