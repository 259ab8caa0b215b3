// knowledge_builder.h: how a KnowledgeBase is put together (internal to
// processors/: knowledge_base.cc reads herald's tables and GeoNames,
// petrarch_dictionaries.cc the PETRARCH/Phoenix dictionaries). Callers use
// KnowledgeBase::Load (knowledge_base.h).
//
//   KnowledgeBase::Builder b;
//   Status s = b.AddTables(tables);
//   if (s) s = b.AddPetrarchVerbs(path);
//   std::shared_ptr<const KnowledgeBase> kb = std::move(b).Build(syntax);
//
// Thread-safety: a Builder is used by one thread. Failure: each Add returns
// an error naming the file and line it could not read.
#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "core/utf8.h"
#include "processors/knowledge_base.h"

namespace herald {
namespace knowledge_internal {

class TableTexts;  // knowledge_base.cc: the text of each of kKnowledgeTables

// The fields of `s` between separators (empty ones included).
inline std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) return out;
    start = pos + 1;
  }
}

// `s` without the blanks around it.
// A fatal error in a table or dictionary, `where` being "file:line: ".
inline Unexpected<Error> TableError(const std::string& where, const std::string& what) {
  return Fail(v1::INTERNAL, where + what, ErrorKind::kFatal);
}

}  // namespace knowledge_internal

// Accumulates tables and dictionaries into one KnowledgeBase and one matcher.
class KnowledgeBase::Builder {
 public:
  Builder() : kb_(std::make_shared<KnowledgeBase>()) {}

  Status AddTables(const knowledge_internal::TableTexts& tables);
  Status AddGeoNames(const KnowledgeSources& sources);
  Status AddGoldstein(const std::string& path);
  // PETRARCH/Phoenix dictionaries (petrarch_dictionaries.cc).
  Status AddPetrarchVerbs(const std::string& path);
  // Leaves only the dictionary's patterns on the lemmas it has any for.
  void PutDictionaryVerbsFirst() {
    kb_->dictionary_verbs_first_ = true;
    for (auto& [lemma, patterns] : kb_->verbs_by_lemma_) {
      auto from_dictionary = [&](uint32_t p) { return kb_->verbs_[p].from_dictionary; };
      if (std::any_of(patterns.begin(), patterns.end(), from_dictionary)) {
        std::erase_if(patterns, [&](uint32_t p) { return !from_dictionary(p); });
      }
    }
  }
  Status AddPetrarchActors(const std::string& path);
  Status AddPetrarchAgents(const std::string& path);

  std::shared_ptr<const KnowledgeBase> Build(std::shared_ptr<const syntax::Syntax> syntax) && {
    kb_->matcher_ = std::move(builder_).Build();
    kb_->syntax_ = std::move(syntax);
    return kb_;
  }

 private:
  // Names are proper nouns; theme keywords and verbs are matched in any case.
  void AddTerm(std::string_view phrase, TermKind kind, size_t index) {
    PhraseMatcher::CaseMode mode =
        (kind == TermKind::kThemeKeyword || kind == TermKind::kVerb || kind == TermKind::kTone)
            ? PhraseMatcher::kIgnoreCase
            : PhraseMatcher::kProperNoun;
    if (!phrase.empty() && phrase.front() == '=') {
      phrase.remove_prefix(1);
      mode = PhraseMatcher::kExactCase;
    }
    if (phrase.empty()) return;
    builder_.Add(phrase, static_cast<uint32_t>(kb_->terms_.size()), mode);
    kb_->terms_.push_back({kind, static_cast<uint32_t>(index)});
    if (kind != TermKind::kThemeKeyword && kind != TermKind::kVerb && kind != TermKind::kTone) {
      names_.insert(Folded(phrase));
    }
  }
  // A lemma pattern ("hold talk"), in lower case; false for an empty one.
  bool AddLemmaPattern(std::string_view pattern, int cameo_index, bool from_dictionary = false) {
    std::vector<std::string> words;
    for (std::string_view w : knowledge_internal::Split(pattern, ' ')) {
      if (w.empty()) continue;
      std::string lower(w);
      for (char& c : lower) c = FoldCase(c);
      words.push_back(std::move(lower));
    }
    if (words.empty()) return false;
    std::string lemma = std::move(words.front());
    words.erase(words.begin());
    kb_->verbs_by_lemma_[lemma].push_back(static_cast<uint32_t>(kb_->verbs_.size()));
    kb_->verbs_.push_back({std::string(pattern), static_cast<uint32_t>(cameo_index), std::move(lemma), std::move(words),
                           from_dictionary});
    return true;
  }
  // Agents ("troops", "police") appear in lower case: matched in any case.
  void AddAgent(std::string_view phrase, std::string_view sector) {
    size_t index = kb_->agents_.size();
    kb_->agents_.push_back({std::string(phrase), std::string(sector)});
    builder_.Add(phrase, static_cast<uint32_t>(kb_->terms_.size()), PhraseMatcher::kIgnoreCase);
    kb_->terms_.push_back({TermKind::kAgent, static_cast<uint32_t>(index)});
  }
  void AddList(std::string_view list, TermKind kind, size_t index) {
    if (list.empty()) return;
    for (std::string_view item : knowledge_internal::Split(list, '|')) AddTerm(item, kind, index);
  }
  static std::string Folded(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = FoldCase(c);
    return out;
  }
  // The CAMEO entry for a code, created from its closest parent when the tables
  // lack it, or bare (no PLOVER category, quad class or Goldstein) for a code
  // under no CAMEO root: a loaded dictionary's own ontology. -1 for a non-code.
  int CameoFor(std::string_view code);
  // The PLOVER mode plover_modes.tsv gives the code or its closest parent.
  std::string PloverModeFor(std::string_view code) const {
    for (size_t n = code.size(); n >= 2; --n) {
      if (auto it = plover_modes_.find(code.substr(0, n)); it != plover_modes_.end()) return it->second;
    }
    return {};
  }

  std::shared_ptr<KnowledgeBase> kb_;
  PhraseMatcher::Builder builder_;
  std::set<std::string> common_words_;  // folded; see knowledge/common_words.tsv
  std::set<std::string> names_;         // folded names already known, so that GeoNames does not shadow them
  std::map<std::string, std::string, std::less<>> plover_modes_;  // CAMEO code -> mode
};

}  // namespace herald
