#include "processors/syntax/parser.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <numeric>
#include <random>

#include "core/utf8.h"

namespace herald::syntax {
namespace {

constexpr char kMagic[8] = {'H', 'R', 'L', 'D', 'P', 'A', 'R', '1'};

enum Move : int { kShift = 0, kLeft = 1, kRight = 2 };
constexpr int kMoves = 3;

// Stand-ins for a position that holds no word, and for the root.
constexpr uint64_t kNone = 1, kRootWord = 2;
constexpr uint64_t kNoTag = 200, kRootTag = 201, kNoLabel = 300;

uint64_t Pair(uint64_t a, uint64_t b) { return MixHash(a * 31 + MixHash(b)); }
uint64_t Triple(uint64_t a, uint64_t b, uint64_t c) { return Pair(Pair(a, b), c); }

// A parse in progress (arc-hybrid): the stack, the buffer (words buffer..n-1,
// then the root, index n), and the arcs so far with each word's outermost children.
class State {
 public:
  explicit State(int n)
      : n_(n),
        head_(n + 1, -1),
        relation_(n + 1, -1),
        left1_(n + 1, -1),
        left2_(n + 1, -1),
        right1_(n + 1, -1),
        right2_(n + 1, -1),
        left_count_(n + 1, 0),
        right_count_(n + 1, 0) {
    stack_.reserve(n);
  }

  bool Terminal() const { return stack_.empty() && buffer_ == n_; }
  bool Valid(Move m) const {
    switch (m) {
      case kShift: return buffer_ < n_;
      case kLeft: return !stack_.empty() && (buffer_ < n_ || stack_.size() == 1);  // one root
      case kRight: return stack_.size() >= 2;
    }
    return false;
  }
  void Apply(Move m, int relation) {
    if (m == kShift) {
      stack_.push_back(buffer_++);
      return;
    }
    const int dependent = stack_.back();
    stack_.pop_back();
    Attach(m == kLeft ? buffer_ : stack_.back(), dependent, relation);
  }
  // The gold arcs `m` makes unreachable (`gold` maps each word to its head, the root being n).
  int Cost(Move m, const std::vector<int>& gold) const {
    auto children_in_buffer = [&](int word) {
      int lost = 0;
      for (int k = buffer_; k < n_; ++k) lost += gold[k] == word;
      return lost;
    };
    if (m == kShift) {
      const int b = buffer_;
      int lost = 0;
      for (size_t i = 0; i < stack_.size(); ++i) {
        const int k = stack_[i];
        lost += gold[k] == b;                            // b would have to take k from the buffer
        lost += gold[b] == k && i + 1 != stack_.size();  // only s0 can still take b
      }
      return lost;
    }
    const int s0 = stack_.back();
    const int s1 = stack_.size() >= 2 ? stack_[stack_.size() - 2] : -2;
    const int h = gold[s0];
    const bool head_ahead = h > buffer_ && h <= n_;  // in the buffer, past b0 (the root included)
    if (m == kLeft) return (h != buffer_ && (h == s1 || head_ahead)) + children_in_buffer(s0);
    return (h != s1 && (h == buffer_ || head_ahead)) + children_in_buffer(s0);
  }

  int s(size_t i) const { return i < stack_.size() ? stack_[stack_.size() - 1 - i] : -1; }
  int b(int i) const { return buffer_ + i <= n_ ? buffer_ + i : -1; }
  int n() const { return n_; }
  int head(int w) const { return head_[w]; }
  int relation(int w) const { return relation_[w]; }
  int left1(int w) const { return w < 0 ? -1 : left1_[w]; }
  int left2(int w) const { return w < 0 ? -1 : left2_[w]; }
  int right1(int w) const { return w < 0 ? -1 : right1_[w]; }
  int right2(int w) const { return w < 0 ? -1 : right2_[w]; }
  int left_count(int w) const { return w < 0 ? 0 : left_count_[w]; }
  int right_count(int w) const { return w < 0 ? 0 : right_count_[w]; }

 private:
  void Attach(int h, int d, int relation) {
    head_[d] = h;
    relation_[d] = relation;
    if (d < h) {
      ++left_count_[h];
      if (left1_[h] < 0 || d < left1_[h]) {
        left2_[h] = left1_[h];
        left1_[h] = d;
      } else if (left2_[h] < 0 || d < left2_[h]) {
        left2_[h] = d;
      }
    } else {
      ++right_count_[h];
      if (right1_[h] < 0 || d > right1_[h]) {
        right2_[h] = right1_[h];
        right1_[h] = d;
      } else if (right2_[h] < 0 || d > right2_[h]) {
        right2_[h] = d;
      }
    }
  }

  int n_;
  std::vector<int> stack_;
  int buffer_ = 0;
  std::vector<int> head_, relation_, left1_, left2_, right1_, right2_, left_count_, right_count_;
};

// What the features read of the sentence: each word's hash and tag, the root's stand-ins at n.
struct Sentence {
  std::vector<uint64_t> word, tag, suffix;
  std::vector<int> punct_before;  // punctuation among the words before each
  uint64_t W(int i) const { return i < 0 ? kNone : word[i]; }
  uint64_t T(int i) const { return i < 0 ? kNoTag : tag[i]; }
  uint64_t S(int i) const { return i < 0 ? kNone : suffix[i]; }
  // Punctuation between two words (capped).
  uint64_t PunctBetween(int a, int b) const {
    if (a < 0 || b < 0) return 9;
    return std::min(3, std::abs(punct_before[std::max(a, b)] - punct_before[std::min(a, b)]));
  }
};

Sentence Prepare(std::span<const std::string_view> words, std::span<const Upos> tags) {
  Sentence s;
  s.word.reserve(words.size() + 1);
  s.tag.reserve(words.size() + 1);
  int punct = 0;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string lower = AsciiLower(words[i]);
    s.word.push_back(HashText(lower));
    s.suffix.push_back(HashText(std::string_view(lower).substr(lower.size() - std::min<size_t>(3, lower.size()))));
    s.tag.push_back(static_cast<uint64_t>(tags[i]));
    s.punct_before.push_back(punct);
    punct += tags[i] == Upos::kPunct;
  }
  s.word.push_back(kRootWord);
  s.suffix.push_back(kRootWord);
  s.tag.push_back(kRootTag);
  s.punct_before.push_back(punct);
  return s;
}

uint64_t Distance(int a, int b) {
  if (a < 0 || b < 0) return 0;
  const int d = std::abs(b - a);
  return d < 5 ? d : d < 10 ? 5 : 6;
}

uint64_t Label(const State& st, int w) { return w < 0 || st.relation(w) < 0 ? kNoLabel : st.relation(w); }

constexpr size_t kTransitionFeatures = 70;

void TransitionFeatures(const Sentence& x, const State& st, uint64_t* f) {
  const int s0 = st.s(0), s1 = st.s(1), s2 = st.s(2), b0 = st.b(0), b1 = st.b(1), b2 = st.b(2);
  const int s0l1 = st.left1(s0), s0l2 = st.left2(s0), s0r1 = st.right1(s0), s0r2 = st.right2(s0);
  const int b0l1 = st.left1(b0), b0l2 = st.left2(b0), s1r1 = st.right1(s1), s1l1 = st.left1(s1);
  const uint64_t s0w = x.W(s0), s0t = x.T(s0), b0w = x.W(b0), b0t = x.T(b0), s1w = x.W(s1), s1t = x.T(s1);
  const uint64_t b1w = x.W(b1), b1t = x.T(b1), b2t = x.T(b2);
  const uint64_t s0wt = Pair(s0w, s0t), b0wt = Pair(b0w, b0t);
  const uint64_t d = Distance(s0, b0);
  size_t k = 0;
  auto add = [&](uint64_t value) {
    f[k] = FeatureHash(k + 1, value);
    ++k;
  };
  add(s0w), add(s0t), add(s0wt), add(b0w), add(b0t), add(b0wt), add(b1w), add(b1t), add(Pair(b1w, b1t));
  add(x.W(b2)), add(b2t), add(s1w), add(s1t), add(Pair(s1w, s1t)), add(x.T(s2));
  add(Pair(s0wt, b0wt)), add(Pair(s0wt, b0w)), add(Pair(s0w, b0wt)), add(Pair(s0wt, b0t)), add(Pair(s0t, b0wt));
  add(Pair(s0w, b0w)), add(Pair(s0t, b0t)), add(Pair(b0t, b1t));
  add(Triple(b0t, b1t, b2t)), add(Triple(s0t, b0t, b1t)), add(Triple(s1t, s0t, b0t));
  add(Triple(s0t, x.T(s0l1), b0t)), add(Triple(s0t, x.T(s0r1), b0t)), add(Triple(s0t, b0t, x.T(b0l1)));
  add(Triple(s0t, x.T(s0l1), x.T(s0l2))), add(Triple(s0t, x.T(s0r1), x.T(s0r2)));
  add(Triple(b0t, x.T(b0l1), x.T(b0l2)));
  add(Pair(s0w, d)), add(Pair(s0t, d)), add(Pair(b0w, d)), add(Pair(b0t, d)), add(Triple(s0t, b0t, d));
  add(Pair(s0w, st.right_count(s0))), add(Pair(s0t, st.right_count(s0))), add(Pair(s0w, st.left_count(s0)));
  add(Pair(s0t, st.left_count(s0))), add(Pair(b0w, st.left_count(b0))), add(Pair(b0t, st.left_count(b0)));
  add(Pair(x.W(s0l1), x.T(s0l1))), add(Triple(s0t, Label(st, s0l1), Label(st, s0l2)));
  add(Pair(x.W(s0r1), x.T(s0r1))), add(Triple(s0t, Label(st, s0r1), Label(st, s0r2)));
  add(Pair(x.W(b0l1), x.T(b0l1))), add(Triple(b0t, Label(st, b0l1), Label(st, b0l2)));
  add(Triple(s1t, x.T(s1r1), s0t)), add(Triple(s1t, x.T(s1l1), s0t)), add(Pair(s1w, s0w));
  const uint64_t s1wt = Pair(s1w, s1t), d10 = Distance(s1, s0);
  add(Pair(s1t, s0t)), add(Pair(s1wt, s0t)), add(Pair(s1t, s0wt)), add(Pair(s1wt, s0wt)),
      add(Triple(x.T(s2), s1t, s0t));
  add(Triple(s1t, s0t, d10)), add(Pair(s1w, d10)), add(Pair(s0t, b1t)), add(Pair(s0w, b1w));
  add(Triple(s0t, Label(st, s0l1), Label(st, s0r1))), add(Triple(s1t, Label(st, s1l1), Label(st, s1r1)));
  add(Triple(s0t, b0t, Label(st, b0l1)));
  add(Pair(x.S(s0), s0t)), add(Pair(x.S(b0), b0t)), add(Triple(x.S(s0), x.S(b0), b0t));
  add(Triple(s0t, b0t, x.PunctBetween(s0, b0))), add(Triple(s1t, s0t, x.PunctBetween(s1, s0)));
  add(Triple(s0w, b0t, x.PunctBetween(s0, b0)));
}

constexpr size_t kLabelFeatures = 18;

// The features of the arc `move` is about to make from head h to dependent d.
void LabelFeatures(const Sentence& x, const State& st, Move move, int h, int d, uint64_t* f) {
  const uint64_t hw = x.W(h), ht = x.T(h), dw = x.W(d), dt = x.T(d), dir = move, dist = Distance(h, d);
  const int dl1 = st.left1(d), dr1 = st.right1(d);
  size_t k = 0;
  auto add = [&](uint64_t value) {
    f[k] = FeatureHash(k + 101, value);
    ++k;
  };
  add(hw), add(ht), add(dw), add(dt), add(Pair(hw, dw)), add(Pair(ht, dt)), add(Pair(hw, dt)), add(Pair(ht, dw));
  add(Triple(dir, ht, dt)), add(Triple(dist, ht, dt)), add(Pair(dir, dt));
  add(Triple(x.W(dl1), dt, ht)), add(Pair(Label(st, dl1), dt)), add(Pair(Label(st, dr1), dt));
  add(Triple(x.T(d - 1 >= 0 ? d - 1 : -1), dt, ht)),
      add(Triple(x.T(d + 1 < static_cast<int>(x.tag.size()) ? d + 1 : -1), dt, dir));
  add(Triple(x.W(dl1), x.W(st.left2(d)), dt)), add(Triple(dir, ht, Pair(dt, st.left_count(d) + 8 * st.right_count(d))));
}

}  // namespace

Parser::Parser(std::vector<std::string> relations)
    : relations_(std::move(relations)), transitions_(kMoves), labels_(static_cast<int>(relations_.size())) {}

Parser Parser::Train(const std::vector<TreebankSentence>& sentences, const std::vector<std::vector<Upos>>& tags,
                     const ParserTraining& options) {
  std::map<std::string, int> relation_ids;
  for (const TreebankSentence& s : sentences) {
    for (const TreebankWord& w : s.words) relation_ids.emplace(w.deprel, 0);
  }
  std::vector<std::string> relations;
  for (auto& [name, id] : relation_ids) {
    id = static_cast<int>(relations.size());
    relations.push_back(name);
  }
  Parser parser(std::move(relations));
  std::vector<size_t> order(sentences.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937 random(options.seed);
  std::uniform_real_distribution<double> coin(0.0, 1.0);
  uint64_t tf[kTransitionFeatures], lf[kLabelFeatures];
  float scores[kMoves];
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), random);
    const bool explore = epoch >= options.explore_from_epoch;
    for (size_t index : order) {
      const TreebankSentence& sentence = sentences[index];
      const int n = static_cast<int>(sentence.words.size());
      const std::vector<std::string_view> words = sentence.Forms();
      std::vector<int> gold(n + 1, -1), gold_relation(n + 1, -1);
      for (int i = 0; i < n; ++i) {
        gold[i] = sentence.words[i].head == 0 ? n : sentence.words[i].head - 1;
        gold_relation[i] = relation_ids.at(sentence.words[i].deprel);
      }
      const Sentence x = Prepare(words, tags[index]);
      State st(n);
      while (!st.Terminal()) {
        TransitionFeatures(x, st, tf);
        parser.transitions_.Score(tf, scores);
        int predicted = -1, oracle = -1, min_cost = 1 << 30;
        std::array<int, kMoves> cost{};
        for (int m = 0; m < kMoves; ++m) {
          if (!st.Valid(static_cast<Move>(m))) continue;
          cost[m] = st.Cost(static_cast<Move>(m), gold);
          if (predicted < 0 || scores[m] > scores[predicted]) predicted = m;
          if (cost[m] < min_cost || (cost[m] == min_cost && scores[m] > scores[oracle])) {
            min_cost = cost[m];
            oracle = m;
          }
        }
        if (cost[predicted] > min_cost) parser.transitions_.Update(tf, oracle, predicted);
        parser.transitions_.NextExample();
        const Move move = static_cast<Move>(
            explore && cost[predicted] > min_cost && coin(random) < options.explore_probability ? predicted : oracle);
        int relation = -1;
        if (move != kShift) {
          const int d = st.s(0), h = move == kLeft ? st.b(0) : st.s(1);
          LabelFeatures(x, st, move, h, d, lf);
          relation = parser.labels_.Predict(lf);
          if (gold[d] == h) {
            parser.labels_.Update(lf, gold_relation[d], relation);
            parser.labels_.NextExample();
            relation = gold_relation[d];
          }
        }
        st.Apply(move, relation);
      }
    }
  }
  parser.transitions_.Average();
  parser.labels_.Average();
  if (options.prune_below > 0) {
    parser.transitions_.Prune(options.prune_below);
    parser.labels_.Prune(options.prune_below);
  }
  return parser;
}

void Parser::Parse(std::span<const std::string_view> words, std::span<const Upos> tags, std::vector<Arc>* arcs) const {
  const int n = static_cast<int>(words.size());
  const Sentence x = Prepare(words, tags);
  State st(n);
  uint64_t tf[kTransitionFeatures], lf[kLabelFeatures];
  float scores[kMoves];
  while (!st.Terminal()) {
    // With one valid move (an empty stack can only shift; an empty buffer
    // with one word on the stack can only attach it to the root) there is
    // nothing to score: about a sixth of the transitions on EWT dev.
    int valid = 0, only = -1;
    for (int m = 0; m < kMoves; ++m) {
      if (st.Valid(static_cast<Move>(m))) ++valid, only = m;
    }
    int best = only;
    if (valid > 1) {
      TransitionFeatures(x, st, tf);
      transitions_.Score(tf, scores);
      best = -1;
      for (int m = 0; m < kMoves; ++m) {
        if (st.Valid(static_cast<Move>(m)) && (best < 0 || scores[m] > scores[best])) best = m;
      }
    }
    const Move move = static_cast<Move>(best);
    int relation = -1;
    if (move != kShift) {
      const int d = st.s(0), h = move == kLeft ? st.b(0) : st.s(1);
      LabelFeatures(x, st, move, h, d, lf);
      relation = labels_.Predict(lf);
    }
    st.Apply(move, relation);
  }
  arcs->resize(n);
  for (int i = 0; i < n; ++i) {
    const int h = st.head(i);
    (*arcs)[i] = {.head = h == n ? 0 : h + 1, .relation = std::max(0, st.relation(i))};
  }
}

std::string Parser::Serialize() const {
  std::string out(kMagic, sizeof kMagic);
  const uint32_t count = static_cast<uint32_t>(relations_.size());
  out.append(reinterpret_cast<const char*>(&count), sizeof count);
  for (const std::string& r : relations_) {
    out += static_cast<char>(std::min<size_t>(r.size(), 255));
    out.append(r, 0, std::min<size_t>(r.size(), 255));
  }
  const std::string transitions = transitions_.Serialize();
  const uint64_t size = transitions.size();
  out.append(reinterpret_cast<const char*>(&size), sizeof size);
  out += transitions;
  out += labels_.Serialize();
  return out;
}

Result<Parser> Parser::Deserialize(std::string_view bytes) {
  auto refuse = [] { return Fail(v1::INTERNAL, "not a herald parser model (or a truncated one)"); };
  uint32_t count = 0;
  if (!bytes.starts_with(std::string_view(kMagic, sizeof kMagic)) || bytes.size() < sizeof kMagic + sizeof count) {
    return refuse();
  }
  bytes.remove_prefix(sizeof kMagic);
  std::memcpy(&count, bytes.data(), sizeof count);
  bytes.remove_prefix(sizeof count);
  std::vector<std::string> relations;
  for (uint32_t i = 0; i < count; ++i) {
    if (bytes.empty() || bytes.size() < 1u + static_cast<uint8_t>(bytes[0])) return refuse();
    const auto size = static_cast<uint8_t>(bytes[0]);
    relations.emplace_back(bytes.substr(1, size));
    bytes.remove_prefix(1u + size);
  }
  uint64_t size = 0;
  if (relations.empty() || bytes.size() < sizeof size) return refuse();
  std::memcpy(&size, bytes.data(), sizeof size);
  bytes.remove_prefix(sizeof size);
  if (bytes.size() < size) return refuse();
  auto transitions = Perceptron::Deserialize(bytes.substr(0, size));
  auto labels = Perceptron::Deserialize(bytes.substr(size));
  if (!transitions || !labels || transitions->classes() != kMoves ||
      labels->classes() != static_cast<int>(relations.size())) {
    return refuse();
  }
  Parser parser(std::move(relations));
  parser.transitions_ = std::move(*transitions);
  parser.labels_ = std::move(*labels);
  return parser;
}

}  // namespace herald::syntax
