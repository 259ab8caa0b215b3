#include "processors/syntax/tagger.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <numeric>
#include <random>

#include "core/utf8.h"

namespace herald::syntax {
namespace {

constexpr char kMagic[8] = {'H', 'R', 'L', 'D', 'T', 'A', 'G', '1'};

// What the features read of each word, hashed once per sentence.
struct WordKeys {
  uint64_t form, lower, suffix1, suffix2, suffix3, suffix4, prefix1, prefix3, shape;
};

// Digits, capitals and lower-case letters as d, X and x; other bytes as they
// are; a run longer than three is cut to three ("Xxxx" for "Washington").
std::string Shape(std::string_view word) {
  std::string shape;
  char last = 0;
  int run = 0;
  for (char c : word) {
    char s = c >= '0' && c <= '9' ? 'd' : c >= 'A' && c <= 'Z' ? 'X' : c >= 'a' && c <= 'z' ? 'x' : c;
    run = s == last ? run + 1 : 1;
    last = s;
    if (run <= 3) shape += s;
  }
  return shape;
}

WordKeys Keys(std::string_view word) {
  std::string lower = AsciiLower(word);
  std::string_view l = lower;
  auto suffix = [&](size_t n) { return HashText(l.substr(l.size() - std::min(n, l.size()))); };
  return {.form = HashText(word),
          .lower = HashText(l),
          .suffix1 = suffix(1),
          .suffix2 = suffix(2),
          .suffix3 = suffix(3),
          .suffix4 = suffix(4),
          .prefix1 = HashText(l.substr(0, 1)),
          .prefix3 = HashText(l.substr(0, 3)),
          .shape = HashText(Shape(word))};
}

// Stands in for the words and tags before the sentence's start and after its end.
constexpr WordKeys kBoundary = {1, 1, 1, 1, 1, 1, 1, 1, 1};
constexpr uint64_t kStartTag = 100, kNoWord = 2;

constexpr size_t kFeatureCount = 28;

// The features of word i, given the tags of the two words before it.
void Features(const std::vector<WordKeys>& w, size_t i, uint64_t tag1, uint64_t tag2, uint64_t* f) {
  auto at = [&](ptrdiff_t j) -> const WordKeys& {
    return j < 0 || j >= static_cast<ptrdiff_t>(w.size()) ? kBoundary : w[j];
  };
  const ptrdiff_t n = static_cast<ptrdiff_t>(i);
  const WordKeys &c = at(n), &p1 = at(n - 1), &p2 = at(n - 2), &n1 = at(n + 1), &n2 = at(n + 2);
  size_t k = 0;
  f[k++] = FeatureHash(1, 0);
  f[k++] = FeatureHash(2, c.lower);
  f[k++] = FeatureHash(3, c.form);
  f[k++] = FeatureHash(4, c.suffix1);
  f[k++] = FeatureHash(5, c.suffix2);
  f[k++] = FeatureHash(6, c.suffix3);
  f[k++] = FeatureHash(7, c.suffix4);
  f[k++] = FeatureHash(8, c.prefix1);
  f[k++] = FeatureHash(9, c.prefix3);
  f[k++] = FeatureHash(10, c.shape);
  f[k++] = FeatureHash(11, c.shape, i == 0 ? 1 : kNoWord);
  f[k++] = FeatureHash(12, tag1);
  f[k++] = FeatureHash(13, tag1, tag2);
  f[k++] = FeatureHash(14, tag1, c.lower);
  f[k++] = FeatureHash(15, p1.lower);
  f[k++] = FeatureHash(16, p1.suffix3);
  f[k++] = FeatureHash(17, p2.lower);
  f[k++] = FeatureHash(18, n1.lower);
  f[k++] = FeatureHash(19, n1.suffix3);
  f[k++] = FeatureHash(20, n2.lower);
  f[k++] = FeatureHash(21, p1.lower, c.lower);
  f[k++] = FeatureHash(22, c.lower, n1.lower);
  f[k++] = FeatureHash(23, tag1, n1.lower);
  f[k++] = FeatureHash(24, n1.shape, c.shape);
  f[k++] = FeatureHash(25, tag1, c.suffix3);
  f[k++] = FeatureHash(26, tag2, c.lower);
  f[k++] = FeatureHash(27, n1.suffix3, c.suffix3);
  f[k++] = FeatureHash(28, p1.suffix3, c.suffix3);
}

std::vector<WordKeys> SentenceKeys(std::span<const std::string_view> words) {
  std::vector<WordKeys> keys;
  keys.reserve(words.size());
  for (std::string_view w : words) keys.push_back(Keys(w));
  return keys;
}

StringMap<Upos> BuildDictionary(const std::vector<TreebankSentence>& sentences, const TaggerTraining& options) {
  std::unordered_map<std::string, std::map<Upos, int>> counts;
  for (const TreebankSentence& s : sentences) {
    for (const TreebankWord& w : s.words) {
      if (auto tag = ValueNamed(w.upos, kUposNames)) ++counts[w.form][*tag];
    }
  }
  StringMap<Upos> dictionary;
  for (const auto& [form, tags] : counts) {
    int total = 0;
    std::pair<Upos, int> best{Upos::kX, 0};
    for (const auto& [tag, n] : tags) {
      total += n;
      if (n > best.second) best = {tag, n};
    }
    if (total >= options.dictionary_min_count && best.second >= options.dictionary_min_share * total) {
      dictionary.emplace(form, best.first);
    }
  }
  return dictionary;
}

}  // namespace

Tagger Tagger::Train(const std::vector<TreebankSentence>& sentences, const TaggerTraining& options) {
  Tagger tagger;
  tagger.dictionary_ = BuildDictionary(sentences, options);
  std::vector<size_t> order(sentences.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937 random(options.seed);
  uint64_t f[kFeatureCount];
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), random);
    for (size_t index : order) {
      const TreebankSentence& s = sentences[index];
      const std::vector<std::string_view> words = s.Forms();
      std::vector<WordKeys> keys = SentenceKeys(words);
      uint64_t tag1 = kStartTag, tag2 = kStartTag;
      for (size_t i = 0; i < words.size(); ++i) {
        const Upos truth = ValueNamed(s.words[i].upos, kUposNames).value_or(Upos::kX);
        Upos guess;
        if (auto known = tagger.dictionary_.find(s.words[i].form); known != tagger.dictionary_.end()) {
          guess = known->second;
        } else {
          Features(keys, i, tag1, tag2, f);
          guess = static_cast<Upos>(tagger.model_.Predict(f));
          tagger.model_.Update(f, static_cast<int>(truth), static_cast<int>(guess));
          tagger.model_.NextExample();
        }
        tag2 = tag1;
        tag1 = static_cast<uint64_t>(guess);
      }
    }
  }
  tagger.model_.Average();
  if (options.prune_below > 0) tagger.model_.Prune(options.prune_below);
  return tagger;
}

void Tagger::Tag(std::span<const std::string_view> words, std::vector<Upos>* tags) const {
  tags->resize(words.size());
  std::vector<WordKeys> keys = SentenceKeys(words);
  uint64_t tag1 = kStartTag, tag2 = kStartTag;
  uint64_t f[kFeatureCount];
  for (size_t i = 0; i < words.size(); ++i) {
    Upos tag;
    if (auto known = dictionary_.find(words[i]); known != dictionary_.end()) {
      tag = known->second;
    } else {
      Features(keys, i, tag1, tag2, f);
      tag = static_cast<Upos>(model_.Predict(f));
    }
    (*tags)[i] = tag;
    tag2 = tag1;
    tag1 = static_cast<uint64_t>(tag);
  }
}

namespace {

// A word list in the model file: a count, then per word its value (T), its length (one byte) and its bytes.
template <typename T>
void AppendWords(const StringMap<T>& words, std::string* out) {
  std::vector<std::pair<std::string, T>> entries;
  for (const auto& [word, value] : words) {
    if (word.size() <= 255) entries.emplace_back(word, value);
  }
  std::sort(entries.begin(), entries.end());
  const uint32_t count = static_cast<uint32_t>(entries.size());
  out->append(reinterpret_cast<const char*>(&count), sizeof count);
  for (const auto& [word, value] : entries) {
    out->append(reinterpret_cast<const char*>(&value), sizeof value);
    *out += static_cast<char>(word.size());
    *out += word;
  }
}

template <typename T>
bool TakeWords(std::string_view* in, StringMap<T>* words) {
  uint32_t count = 0;
  if (in->size() < sizeof count) return false;
  std::memcpy(&count, in->data(), sizeof count);
  in->remove_prefix(sizeof count);
  for (uint32_t i = 0; i < count; ++i) {
    T value;
    if (in->size() < sizeof value + 1) return false;
    std::memcpy(&value, in->data(), sizeof value);
    const auto size = static_cast<uint8_t>((*in)[sizeof value]);
    if (in->size() < sizeof value + 1 + size) return false;
    words->emplace(std::string(in->substr(sizeof value + 1, size)), value);
    in->remove_prefix(sizeof value + 1 + size);
  }
  return true;
}

}  // namespace

std::string Tagger::Serialize() const {
  std::string out(kMagic, sizeof kMagic);
  AppendWords(dictionary_, &out);
  out += model_.Serialize();
  return out;
}

Result<Tagger> Tagger::Deserialize(std::string_view bytes) {
  auto refuse = [] { return Fail(v1::INTERNAL, "not a herald tagger model (or a truncated one)"); };
  if (!bytes.starts_with(std::string_view(kMagic, sizeof kMagic))) return refuse();
  bytes.remove_prefix(sizeof kMagic);
  Tagger tagger;
  if (!TakeWords(&bytes, &tagger.dictionary_)) return refuse();
  for (const auto& [word, tag] : tagger.dictionary_) {
    if (static_cast<int>(tag) >= kUposCount) return refuse();
  }
  auto model = Perceptron::Deserialize(bytes);
  if (!model || model->classes() != kUposCount) return refuse();
  tagger.model_ = std::move(*model);
  return tagger;
}

TaggerScore ScoreTagger(const Tagger& tagger, const std::vector<TreebankSentence>& sentences) {
  TaggerScore score;
  std::vector<Upos> tags;
  for (const TreebankSentence& s : sentences) {
    const std::vector<std::string_view> words = s.Forms();
    tagger.Tag(words, &tags);
    for (size_t i = 0; i < words.size(); ++i) {
      const std::string_view tagged = NameOf(tags[i], kUposNames);
      ++score.words;
      if (tagged == s.words[i].upos) {
        ++score.right;
      } else {
        ++score.mistakes[{s.words[i].upos, std::string(tagged)}];
      }
    }
  }
  return score;
}

}  // namespace herald::syntax
