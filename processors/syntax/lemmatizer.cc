#include "processors/syntax/lemmatizer.h"

#include <algorithm>
#include <cstring>
#include <map>

#include "core/utf8.h"

namespace herald::syntax {
namespace {

constexpr char kMagic[8] = {'H', 'R', 'L', 'D', 'L', 'E', 'M', '1'};
// The longest word ending a rule is keyed by, in bytes.
constexpr size_t kLongestEnding = 6;
// A rule must have been seen this often: rarer edits are noise for unseen words.
constexpr int kRuleMinCount = 2;

std::string Key(Upos tag, std::string_view text) { return static_cast<char>(tag) + std::string(text); }

void AppendString(std::string* out, std::string_view s) {
  const uint32_t size = static_cast<uint32_t>(s.size());
  out->append(reinterpret_cast<const char*>(&size), sizeof size);
  out->append(s);
}

bool TakeString(std::string_view* in, std::string* s) {
  uint32_t size = 0;
  if (in->size() < sizeof size) return false;
  std::memcpy(&size, in->data(), sizeof size);
  if (in->size() - sizeof size < size) return false;
  s->assign(in->substr(sizeof size, size));
  in->remove_prefix(sizeof size + size);
  return true;
}

}  // namespace

Lemmatizer Lemmatizer::Train(const std::vector<TreebankSentence>& sentences) {
  // Edits by {tag, ending}, and lemmas by {tag, form}, with their counts.
  std::map<std::string, std::map<std::pair<uint8_t, std::string>, int>> edits;
  std::map<std::string, std::map<std::string, int>> lemmas;
  for (const TreebankSentence& s : sentences) {
    for (const TreebankWord& w : s.words) {
      const auto tag = ValueNamed(w.upos, kUposNames);
      if (!tag || *tag == Upos::kPropn || w.lemma == "_") continue;
      const std::string form = AsciiLower(w.form), lemma = AsciiLower(w.lemma);
      ++lemmas[Key(*tag, form)][lemma];
      size_t common = 0;
      while (common < form.size() && common < lemma.size() && form[common] == lemma[common]) ++common;
      const size_t cut = form.size() - common;
      if (cut > 255) continue;
      const std::pair<uint8_t, std::string> edit{static_cast<uint8_t>(cut), lemma.substr(common)};
      for (size_t ending = std::max<size_t>(cut, 1); ending <= std::min(form.size(), kLongestEnding); ++ending) {
        ++edits[Key(*tag, std::string_view(form).substr(form.size() - ending))][edit];
      }
    }
  }
  Lemmatizer lemmatizer;
  for (const auto& [key, counts] : edits) {
    auto best = std::max_element(counts.begin(), counts.end(),
                                 [](const auto& a, const auto& b) { return a.second < b.second; });
    if (best->second >= kRuleMinCount) lemmatizer.rules_[key] = {best->first.first, best->first.second};
  }
  for (const auto& [key, counts] : lemmas) {
    auto best = std::max_element(counts.begin(), counts.end(),
                                 [](const auto& a, const auto& b) { return a.second < b.second; });
    const Upos tag = static_cast<Upos>(key[0]);
    if (lemmatizer.ByRule(key.substr(1), tag) != best->first) lemmatizer.exceptions_[key] = best->first;
  }
  return lemmatizer;
}

std::string Lemmatizer::ByRule(const std::string& lower, Upos tag) const {
  // "<tag><ending>" keys built in place: this runs for every word tagged.
  char key[kLongestEnding + 1];
  key[0] = static_cast<char>(tag);
  for (size_t ending = std::min(lower.size(), kLongestEnding); ending >= 1; --ending) {
    std::memcpy(key + 1, lower.data() + lower.size() - ending, ending);
    auto rule = rules_.find(std::string_view(key, ending + 1));
    if (rule == rules_.end() || rule->second.cut > lower.size()) continue;
    return lower.substr(0, lower.size() - rule->second.cut) + rule->second.append;
  }
  return lower;
}

std::string Lemmatizer::Lemma(std::string_view form, Upos tag) const {
  // Names and punctuation are their own lemmas (EWT's, and what training
  // skips or learns as no edit); they are a third of the words.
  if (tag == Upos::kPropn || tag == Upos::kPunct) return std::string(form);
  std::string key(form.size() + 1, static_cast<char>(tag));
  for (size_t i = 0; i < form.size(); ++i) key[i + 1] = FoldCase(form[i]);
  // News repeats its words: each thread remembers the lemmas it has made (of
  // this lemmatiser; a bounded number), one lookup instead of up to seven.
  constexpr size_t kRemembered = 1 << 17;
  thread_local struct {
    const Lemmatizer* owner = nullptr;
    StringMap<std::string> lemmas;
  } made;
  if (made.owner != this || made.lemmas.size() >= kRemembered) {
    made.owner = this;
    made.lemmas.clear();
  }
  if (auto known = made.lemmas.find(key); known != made.lemmas.end()) return known->second;
  auto exception = exceptions_.find(key);
  std::string lemma = exception != exceptions_.end() ? exception->second : ByRule(key.substr(1), tag);
  made.lemmas.emplace(std::move(key), lemma);
  return lemma;
}

std::string Lemmatizer::Serialize() const {
  std::string out(kMagic, sizeof kMagic);
  std::map<std::string, std::string> exceptions(exceptions_.begin(), exceptions_.end());
  std::map<std::string, Edit> rules;
  for (const auto& [key, edit] : rules_) rules.emplace(key, edit);
  AppendString(&out, std::to_string(exceptions.size()));
  for (const auto& [key, lemma] : exceptions) {
    AppendString(&out, key);
    AppendString(&out, lemma);
  }
  AppendString(&out, std::to_string(rules.size()));
  for (const auto& [key, edit] : rules) {
    AppendString(&out, key);
    AppendString(&out, std::string(1, static_cast<char>(edit.cut)) + edit.append);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> Lemmatizer::Exceptions(Upos tag) const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [key, lemma] : exceptions_) {
    if (!key.empty() && key[0] == static_cast<char>(tag)) out.emplace_back(key.substr(1), lemma);
  }
  return out;
}

Result<Lemmatizer> Lemmatizer::Deserialize(std::string_view bytes) {
  auto refuse = [] { return Fail(v1::INTERNAL, "not a herald lemmatiser model (or a truncated one)"); };
  if (!bytes.starts_with(std::string_view(kMagic, sizeof kMagic))) return refuse();
  bytes.remove_prefix(sizeof kMagic);
  Lemmatizer lemmatizer;
  for (bool rules : {false, true}) {
    std::string count_text, key, value;
    if (!TakeString(&bytes, &count_text) || count_text.empty() || count_text.size() > 9 ||
        !std::all_of(count_text.begin(), count_text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return refuse();
    }
    for (size_t i = 0, count = std::stoull(count_text); i < count; ++i) {
      if (!TakeString(&bytes, &key) || !TakeString(&bytes, &value) || key.empty()) return refuse();
      if (!rules) {
        lemmatizer.exceptions_[key] = value;
      } else if (!value.empty()) {
        lemmatizer.rules_[key] = {static_cast<uint8_t>(value[0]), value.substr(1)};
      } else {
        return refuse();
      }
    }
  }
  if (!bytes.empty()) return refuse();
  return lemmatizer;
}

double LemmaAccuracy(const Lemmatizer& lemmatizer, const std::vector<TreebankSentence>& sentences) {
  int64_t right = 0, total = 0;
  for (const TreebankSentence& s : sentences) {
    for (const TreebankWord& w : s.words) {
      const auto tag = ValueNamed(w.upos, kUposNames);
      if (!tag || w.lemma == "_") continue;
      ++total;
      right += AsciiLower(lemmatizer.Lemma(w.form, *tag)) == AsciiLower(w.lemma);
    }
  }
  return total ? static_cast<double>(right) / static_cast<double>(total) : 0.0;
}

}  // namespace herald::syntax
