#include "processors/phrase_matcher.h"

#include <algorithm>
#include <map>
#include <memory>
#include <string>

namespace herald {
namespace {

bool IsWordByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

}  // namespace

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
  // A trie with map edges first.
  struct Node {
    std::map<uint8_t, uint32_t> next;
    std::vector<uint32_t> outputs;
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
    nodes[s].outputs.push_back(static_cast<uint32_t>(m.outputs_.size()));
    m.outputs_.push_back({static_cast<uint32_t>(phrase.size()), id_mode.first, id_mode.second,
                          std::string_view(phrase)});
  }

  // Renumber breadth-first, so that the shallow states, where scanning spends
  // most of its time, have the lowest numbers, sit together in memory and get
  // the full transition tables below.
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
    m.states_[n].first_edge = static_cast<uint32_t>(m.edges_.size());
    m.states_[n].edge_count = static_cast<uint16_t>(node.next.size());
    for (const auto& [b, t] : node.next) m.edges_.push_back({b, renamed[t]});
  }
  m.root_next_.assign(256, 0);
  for (const auto& [b, t] : nodes[0].next) m.root_next_[b] = renamed[t];

  // Failure links in the same breadth-first order; a state's outputs are its own
  // then its fail state's.
  std::vector<std::vector<uint32_t>> outputs(nodes.size());
  for (size_t n = 0; n < order.size(); ++n) outputs[n] = nodes[order[n]].outputs;
  for (size_t n = 0; n < order.size(); ++n) {
    const State& s = m.states_[n];
    for (uint32_t e = s.first_edge; e < s.first_edge + s.edge_count; ++e) {
      uint32_t child = m.edges_[e].target;
      m.states_[child].fail = n == 0 ? 0 : m.Next(s.fail, m.edges_[e].byte);
      const auto& inherited = outputs[m.states_[child].fail];
      outputs[child].insert(outputs[child].end(), inherited.begin(), inherited.end());
    }
  }
  // Full transition rows for the shallowest states, over byte classes: every
  // byte no phrase contains shares class 0, so a row is as wide as the
  // dictionary's alphabet, not 256.
  m.byte_class_.assign(256, 0);
  m.class_count_ = 1;
  for (const Edge& e : m.edges_) {
    if (m.byte_class_[e.byte] == 0) m.byte_class_[e.byte] = static_cast<uint8_t>(m.class_count_++);
  }
  std::vector<uint8_t> representative(m.class_count_, 0);
  for (int b = 255; b >= 0; --b) representative[m.byte_class_[b]] = static_cast<uint8_t>(b);
  if (m.class_count_ > 1) representative[0] = 0;  // class 0: any byte outside the alphabet
  for (int b = 0; b < 256; ++b) {
    if (m.byte_class_[b] == 0) {
      representative[0] = static_cast<uint8_t>(b);
      break;
    }
  }
  size_t dense = std::min<size_t>(nodes.size() - 1, kDenseStates);
  std::vector<uint32_t> table(dense * m.class_count_);
  for (size_t s = 1; s <= dense; ++s) {
    for (uint32_t c = 0; c < m.class_count_; ++c) {
      table[(s - 1) * m.class_count_ + c] = m.Next(static_cast<uint32_t>(s), representative[c]);
    }
  }
  m.dense_next_ = std::move(table);
  for (size_t i = 0; i < nodes.size(); ++i) {
    m.states_[i].first_output = static_cast<uint32_t>(m.output_links_.size());
    m.states_[i].output_count = static_cast<uint32_t>(outputs[i].size());
    m.output_links_.insert(m.output_links_.end(), outputs[i].begin(), outputs[i].end());
  }
  return m;
}

uint32_t PhraseMatcher::Next(uint32_t state, uint8_t byte) const {
  for (;;) {
    if (state == 0) return root_next_[byte];
    if (!dense_next_.empty() && state <= dense_next_.size() / class_count_) {
      return dense_next_[(state - 1) * class_count_ + byte_class_[byte]];
    }
    const State& s = states_[state];
    const Edge* begin = edges_.data() + s.first_edge;
    const Edge* end = begin + s.edge_count;
    const Edge* it = s.edge_count <= 8
                         ? std::find_if(begin, end, [byte](const Edge& e) { return e.byte == byte; })
                         : std::lower_bound(begin, end, byte,
                                            [](const Edge& e, uint8_t b) { return e.byte < b; });
    if (it != end && it->byte == byte) return it->target;
    state = s.fail;
  }
}

uint32_t PhraseMatcher::Child(uint32_t state, uint8_t byte) const {
  if (state == 0) return root_next_[byte];
  const State& s = states_[state];
  const Edge* begin = edges_.data() + s.first_edge;
  const Edge* end = begin + s.edge_count;
  const Edge* it = std::lower_bound(begin, end, byte, [](const Edge& e, uint8_t b) { return e.byte < b; });
  return it != end && it->byte == byte ? it->target : 0;
}

void PhraseMatcher::Emit(std::string_view text, size_t begin, size_t end, const Output& o,
                         std::vector<Match>* out) const {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  if (begin > 0 && IsWordByte(bytes[begin - 1]) && IsWordByte(bytes[begin])) return;
  if (end < text.size() && IsWordByte(bytes[end]) && IsWordByte(bytes[end - 1])) return;
  if (o.mode == kExactCase && text.substr(begin, o.length) != o.exact) return;
  if (o.mode == kProperNoun && !(bytes[begin] >= 'A' && bytes[begin] <= 'Z')) return;
  out->push_back({static_cast<uint32_t>(begin), static_cast<uint32_t>(end), o.id});
}

void PhraseMatcher::FindAnchored(std::string_view text, size_t begin, std::vector<Match>* out) const {
  uint32_t state = 0;
  for (size_t i = begin; i < text.size(); ++i) {
    state = Child(state, static_cast<uint8_t>(FoldCase(text[i])));
    if (state == 0) return;
    const State& s = states_[state];
    for (uint32_t k = 0; k < s.output_count; ++k) {
      const Output& o = outputs_[output_links_[s.first_output + k]];
      if (o.length == i + 1 - begin) Emit(text, begin, i + 1, o, out);
    }
  }
}

void PhraseMatcher::FindAll(std::string_view text, std::vector<Match>* out) const {
  if (proper_nouns_) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    for (size_t i = 0; i < text.size(); ++i) {
      bool word_start = i == 0 || !IsWordByte(bytes[i - 1]);
      if (word_start && bytes[i] >= 'A' && bytes[i] <= 'Z') proper_nouns_->FindAnchored(text, i, out);
    }
  }
  if (states_.empty()) return;
  uint32_t state = 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  for (size_t i = 0; i < text.size(); ++i) {
    state = Next(state, static_cast<uint8_t>(FoldCase(static_cast<char>(bytes[i]))));
    const State& s = states_[state];
    if (s.output_count == 0) continue;
    for (uint32_t k = 0; k < s.output_count; ++k) {
      const Output& o = outputs_[output_links_[s.first_output + k]];
      Emit(text, i + 1 - o.length, i + 1, o, out);
    }
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
    return a.end > b.end;
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
