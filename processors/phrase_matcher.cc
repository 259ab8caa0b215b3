#include "processors/phrase_matcher.h"

#include <algorithm>
#include <map>
#include <memory>
#include <queue>
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
  m.phrases_ = std::move(storage_);
  // Build a trie with map edges first, then flatten into sorted edge arrays.
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

  m.states_.resize(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    m.states_[i].first_edge = static_cast<uint32_t>(m.edges_.size());
    m.states_[i].edge_count = static_cast<uint16_t>(nodes[i].next.size());
    for (const auto& [b, t] : nodes[i].next) m.edges_.push_back({b, t});
  }
  m.root_next_.assign(256, 0);
  for (const auto& [b, t] : nodes[0].next) m.root_next_[b] = t;

  // Breadth-first failure links; a state's outputs are its own then its fail state's.
  std::vector<std::vector<uint32_t>> outputs(nodes.size());
  outputs[0] = nodes[0].outputs;
  std::queue<uint32_t> queue;
  for (const auto& [b, t] : nodes[0].next) {
    m.states_[t].fail = 0;
    outputs[t] = nodes[t].outputs;
    queue.push(t);
  }
  while (!queue.empty()) {
    uint32_t s = queue.front();
    queue.pop();
    for (const auto& [b, t] : nodes[s].next) {
      uint32_t f = m.states_[s].fail;
      m.states_[t].fail = m.Next(f, b);
      outputs[t] = nodes[t].outputs;
      const auto& inherited = outputs[m.states_[t].fail];
      outputs[t].insert(outputs[t].end(), inherited.begin(), inherited.end());
      queue.push(t);
    }
  }
  // States are numbered in creation order, so the root's children are not
  // contiguous; renumbering would be invasive. Instead: a full transition table
  // for the first states, where scanning spends most of its time near the root.
  size_t dense = std::min<size_t>(nodes.size() - 1, kDenseStates);
  std::vector<uint32_t> table(dense * 256);
  for (size_t s = 1; s <= dense; ++s) {
    for (int b = 0; b < 256; ++b) table[(s - 1) * 256 + b] = m.Next(static_cast<uint32_t>(s), static_cast<uint8_t>(b));
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
    if (state < dense_next_.size() / 256 + 1 && !dense_next_.empty()) {
      return dense_next_[(state - 1) * 256 + byte];
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

void PhraseMatcher::FindAll(std::string_view text, std::vector<Match>* out) const {
  if (states_.empty()) return;
  uint32_t state = 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  for (size_t i = 0; i < text.size(); ++i) {
    state = Next(state, static_cast<uint8_t>(FoldCase(static_cast<char>(bytes[i]))));
    const State& s = states_[state];
    if (s.output_count == 0) continue;
    // The match ends at i; it counts only if the next byte does not continue a word.
    if (i + 1 < text.size() && IsWordByte(bytes[i + 1]) && IsWordByte(bytes[i])) continue;
    for (uint32_t k = 0; k < s.output_count; ++k) {
      const Output& o = outputs_[output_links_[s.first_output + k]];
      size_t begin = i + 1 - o.length;
      if (begin > 0 && IsWordByte(bytes[begin - 1]) && IsWordByte(bytes[begin])) continue;
      if (o.mode == kExactCase && text.substr(begin, o.length) != o.exact) continue;
      if (o.mode == kProperNoun && !(bytes[begin] >= 'A' && bytes[begin] <= 'Z')) continue;
      out->push_back({static_cast<uint32_t>(begin), static_cast<uint32_t>(i + 1), o.id});
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
