#include "processors/phrase_matcher.h"

#include <algorithm>
#include <bit>
#include <map>
#include <memory>
#include <string>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace herald {
namespace {

constexpr auto kWordByte = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) {
    table[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
  }
  return table;
}();

// Bit j set where bytes[j] (j < length <= 64) is a word byte: sixteen bytes a
// step where SSE2 is there (every x86-64).
uint64_t WordMask(const unsigned char* bytes, size_t length) {
  uint64_t mask = 0;
  size_t j = 0;
#ifdef __SSE2__
  const __m128i case_bit = _mm_set1_epi8(0x20), a = _mm_set1_epi8('a'), zero_digit = _mm_set1_epi8('0');
  const __m128i letters = _mm_set1_epi8(25), digits = _mm_set1_epi8(9);
  for (; j + 16 <= length; j += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + j));
    __m128i letter = _mm_sub_epi8(_mm_or_si128(v, case_bit), a);  // 0..25 for letters
    __m128i digit = _mm_sub_epi8(v, zero_digit);                  // 0..9 for digits
    __m128i is_letter = _mm_cmpeq_epi8(_mm_min_epu8(letter, letters), letter);
    __m128i is_digit = _mm_cmpeq_epi8(_mm_min_epu8(digit, digits), digit);
    int bits = _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(is_letter, is_digit), v));  // v: bytes >= 0x80
    mask |= static_cast<uint64_t>(static_cast<uint16_t>(bits)) << j;
  }
#endif
  for (; j < length; ++j) mask |= uint64_t{kWordByte[bytes[j]]} << j;
  return mask;
}

}  // namespace

void PhraseMatcher::SplitWords(std::string_view text, std::vector<TextWord>* out) {
  // The word bytes of 64 bytes are gathered into a bit mask first, without
  // branches; words are then read off the mask: testing each byte with a
  // branch costs a misprediction at every word boundary.
  out->clear();
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  constexpr size_t kNone = SIZE_MAX;
  size_t open_word = kNone;  // the begin of a word running on from the previous block
  for (size_t block = 0; block < text.size(); block += 64) {
    const size_t length = std::min<size_t>(64, text.size() - block);
    const uint64_t word = WordMask(bytes + block, length);
    uint64_t starts = word & ~((word << 1) | (open_word != kNone ? 1 : 0));
    uint64_t ends = word & ~(word >> 1);  // a run's last byte (bit 63: maybe not)
    for (; ends != 0; ends &= ends - 1) {
      size_t begin;
      if (open_word != kNone) {
        begin = open_word;
        open_word = kNone;
      } else {
        begin = block + std::countr_zero(starts);
        starts &= starts - 1;
      }
      const size_t end = block + std::countr_zero(ends) + 1;
      if (end == block + 64 && end < text.size() && kWordByte[bytes[end]]) {
        open_word = begin;
        continue;
      }
      out->push_back({static_cast<uint32_t>(begin), static_cast<uint32_t>(end), FoldedHash(text, begin, end)});
    }
  }
}

void PhraseMatcher::Builder::Add(std::string_view phrase, uint32_t id, CaseMode mode) {
  if (phrase.empty()) return;
  storage_.emplace_back(phrase);
  entries_.push_back({storage_.size() - 1, {id, mode}});
}

PhraseMatcher PhraseMatcher::Builder::Build() && {
  PhraseMatcher m;
  Builder proper;
  std::vector<std::pair<size_t, std::pair<uint32_t, CaseMode>>> scanned;
  for (auto& entry : entries_) {
    if (split_proper_nouns_ && entry.second.second == kProperNoun) {
      proper.Add(storage_[entry.first], entry.second.first, kProperNoun);
    } else {
      scanned.push_back(entry);
    }
  }
  entries_ = std::move(scanned);
  if (!proper.entries_.empty()) {
    proper.split_proper_nouns_ = false;
    m.proper_nouns_ = std::make_shared<const PhraseMatcher>(std::move(proper).Build());
  }
  m.phrases_ = std::move(storage_);
  if (entries_.empty()) return m;

  // A trie with map edges first.
  struct Node {
    std::map<uint8_t, uint32_t> next;
    std::vector<Output> outputs;
  };
  std::vector<Node> nodes(1);
  for (const auto& [phrase_index, id_mode] : entries_) {
    const std::string& phrase = m.phrases_[phrase_index];
    uint32_t s = 0;
    for (char c : phrase) {
      uint8_t b = static_cast<uint8_t>(FoldCase(c));
      auto it = nodes[s].next.find(b);
      if (it == nodes[s].next.end()) {
        nodes.emplace_back();
        it = nodes[s].next.emplace(b, static_cast<uint32_t>(nodes.size() - 1)).first;
      }
      s = it->second;
    }
    nodes[s].outputs.push_back({id_mode.first, id_mode.second, std::string_view(phrase)});
  }

  // Renumber breadth-first.
  std::vector<uint32_t> order = {0};
  std::vector<uint32_t> renamed(nodes.size(), 0);
  for (size_t i = 0; i < order.size(); ++i) {
    for (const auto& [b, t] : nodes[order[i]].next) {
      renamed[t] = static_cast<uint32_t>(order.size());
      order.push_back(t);
    }
  }
  m.states_.resize(nodes.size());
  for (size_t n = 0; n < order.size(); ++n) {
    const Node& node = nodes[order[n]];
    State& state = m.states_[n];
    state.first_edge = static_cast<uint32_t>(m.edges_.size());
    state.edge_count = static_cast<uint16_t>(node.next.size());
    for (const auto& [b, t] : node.next) m.edges_.push_back({b, renamed[t]});
    state.first_output = static_cast<uint32_t>(m.outputs_.size());
    state.output_count = static_cast<uint32_t>(node.outputs.size());
    m.outputs_.insert(m.outputs_.end(), node.outputs.begin(), node.outputs.end());
  }

  std::vector<uint64_t> first_hashes;
  for (const auto& [phrase_index, id_mode] : entries_) {
    const std::string& phrase = m.phrases_[phrase_index];
    size_t end = 0;
    while (end < phrase.size() && kWordByte[static_cast<uint8_t>(phrase[end])]) ++end;
    if (end > 0) {
      first_hashes.push_back(FoldedHash(phrase, 0, end));
    } else if (m.non_word_first_bytes_.find(phrase[0]) == std::string::npos) {
      m.non_word_first_bytes_ += phrase[0];
    }
  }
  m.first_words_.assign(std::bit_ceil(first_hashes.size() * 4), 0);
  for (uint64_t h : first_hashes) {
    size_t i = h & (m.first_words_.size() - 1);
    while (m.first_words_[i] != 0 && m.first_words_[i] != h) i = (i + 1) & (m.first_words_.size() - 1);
    m.first_words_[i] = h;
  }

  // Byte classes: the trie holds folded bytes; a capital shares its lower-case letter's class.
  std::array<uint8_t, 256> folded_class{};
  for (const Edge& e : m.edges_) {
    if (folded_class[e.byte] == 0) folded_class[e.byte] = static_cast<uint8_t>(m.class_count_++);
  }
  for (int b = 0; b < 256; ++b) m.byte_class_[b] = folded_class[static_cast<uint8_t>(FoldCase(static_cast<char>(b)))];
  m.dense_limit_ = static_cast<uint32_t>(std::min(m.states_.size(), kDenseStates));
  m.dense_child_.assign(size_t{m.dense_limit_} * m.class_count_, 0);
  for (uint32_t s = 0; s < m.dense_limit_; ++s) {
    const State& state = m.states_[s];
    for (uint32_t e = state.first_edge; e < state.first_edge + state.edge_count; ++e) {
      const Edge& edge = m.edges_[e];
      m.dense_child_[size_t{s} * m.class_count_ + folded_class[edge.byte]] = m.Code(edge.target);
    }
  }
  return m;
}

uint32_t PhraseMatcher::Code(uint32_t state) const {
  uint32_t code =
      state < dense_limit_ ? state * class_count_ : static_cast<uint32_t>(dense_child_.size()) + (state - dense_limit_);
  return code | (states_[state].output_count ? kHasOutput : 0);
}

uint32_t PhraseMatcher::StateOf(uint32_t code) const {
  code &= ~kHasOutput;
  return code < dense_child_.size() ? code / class_count_
                                    : code - static_cast<uint32_t>(dense_child_.size()) + dense_limit_;
}

uint32_t PhraseMatcher::SparseChild(uint32_t code, uint8_t byte) const {
  const State& s = states_[StateOf(code)];
  auto folded = static_cast<uint8_t>(FoldCase(static_cast<char>(byte)));
  const Edge* begin = edges_.data() + s.first_edge;
  const Edge* end = begin + s.edge_count;
  const Edge* it = s.edge_count <= 8
                       ? std::find_if(begin, end, [folded](const Edge& e) { return e.byte == folded; })
                       : std::lower_bound(begin, end, folded, [](const Edge& e, uint8_t b) { return e.byte < b; });
  return it != end && it->byte == folded ? Code(it->target) : 0;
}

bool PhraseMatcher::MayBeginWith(uint64_t word_hash) const {
  if (first_words_.empty()) return false;
  for (size_t i = word_hash & (first_words_.size() - 1);; i = (i + 1) & (first_words_.size() - 1)) {
    if (first_words_[i] == word_hash) return true;
    if (first_words_[i] == 0) return false;
  }
}

void PhraseMatcher::FindAnchored(std::string_view text, size_t begin, std::vector<Match>* out) const {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const uint32_t* dense = dense_child_.data();
  const auto dense_size = static_cast<uint32_t>(dense_child_.size());
  uint32_t code = 0;
  for (size_t i = begin; i < text.size(); ++i) {
    code = code < dense_size ? dense[code + byte_class_[bytes[i]]] : SparseChild(code, bytes[i]);
    if (code == 0) return;
    if (!(code & kHasOutput)) continue;
    code &= ~kHasOutput;
    size_t end = i + 1;
    if (end < text.size() && kWordByte[bytes[end]] && kWordByte[bytes[i]]) continue;
    const State& s = states_[StateOf(code)];
    for (const Output* o = outputs_.data() + s.first_output; o != outputs_.data() + s.first_output + s.output_count;
         ++o) {
      if (o->mode == kExactCase && text.substr(begin, end - begin) != o->exact) continue;
      if (o->mode == kProperNoun && !(bytes[begin] >= 'A' && bytes[begin] <= 'Z')) continue;
      out->push_back({static_cast<uint32_t>(begin), static_cast<uint32_t>(end), o->id});
    }
  }
}

void PhraseMatcher::FindAll(std::string_view text, std::vector<Match>* out) const {
  std::vector<TextWord> words;
  SplitWords(text, &words);
  FindAll(text, words, out);
}

void PhraseMatcher::FindAll(std::string_view text, std::span<const TextWord> words, std::vector<Match>* out) const {
  for (const TextWord& w : words) {
    bool capital = text[w.begin] >= 'A' && text[w.begin] <= 'Z';
    if (proper_nouns_ && capital && proper_nouns_->MayBeginWith(w.hash))
      proper_nouns_->FindAnchored(text, w.begin, out);
    if (MayBeginWith(w.hash)) FindAnchored(text, w.begin, out);
  }
  if (non_word_first_bytes_.empty()) return;
  for (size_t i = 0; i < text.size(); ++i) {
    if (non_word_first_bytes_.find(text[i]) != std::string::npos) FindAnchored(text, i, out);
  }
}

std::vector<PhraseMatcher::Match> PhraseMatcher::FindLongest(std::string_view text) const {
  std::vector<Match> all;
  FindAll(text, &all);
  return SelectLongest(std::move(all));
}

std::vector<PhraseMatcher::Match> PhraseMatcher::SelectLongest(std::vector<Match> all) {
  std::sort(all.begin(), all.end(), [](const Match& a, const Match& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    if (a.end != b.end) return a.end > b.end;
    return a.id < b.id;
  });
  std::vector<Match> chosen;
  uint32_t covered_to = 0;
  for (const Match& m : all) {
    if (!chosen.empty() && m.begin == chosen.back().begin && m.end == chosen.back().end) {
      chosen.push_back(m);  // another id for the same phrase
      continue;
    }
    if (m.begin < covered_to) continue;
    chosen.push_back(m);
    covered_to = m.end;
  }
  return chosen;
}

}  // namespace herald
