// KnowledgeBase::Builder's PETRARCH/Phoenix readers: the CAMEO verb
// dictionary (surface phrases and lemma patterns), actors and agents.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "core/files.h"
#include "processors/knowledge_builder.h"

namespace herald {

using knowledge_internal::Split;
using knowledge_internal::TableError;

namespace {

// PETRARCH dictionaries write phrases in capitals with underscores for spaces;
// a trailing underscore marks a whole word.
std::string PetrarchPhrase(std::string_view s) {
  s = TrimAsciiSpace(s);
  while (!s.empty() && (s.back() == '_' || s.back() == ' ')) s.remove_suffix(1);
  std::string out(s);
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

// A PETRARCH phrase's words without the articles, which a lemma pattern does not need.
std::string ContentWords(std::string_view phrase) {
  std::string out;
  for (std::string_view w : Split(phrase, ' ')) {
    if (w.empty() || w == "A" || w == "AN" || w == "THE" || w == "a" || w == "an" || w == "the") continue;
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

// Regular English inflections of a verb written in capitals: SAY -> SAYS, SAYED, SAYING.
std::vector<std::string> Inflect(const std::string& verb) {
  std::vector<std::string> forms = {verb};
  if (verb.empty() || verb.find(' ') != std::string::npos) return forms;
  char last = verb.back();
  std::string stem = verb;
  bool ends_e = last == 'E';
  bool ends_y = last == 'Y' && verb.size() > 1 && std::string("AEIOU").find(verb[verb.size() - 2]) == std::string::npos;
  bool sibilant =
      verb.ends_with("S") || verb.ends_with("SH") || verb.ends_with("CH") || verb.ends_with("X") || verb.ends_with("Z");
  forms.push_back(ends_y ? stem.substr(0, stem.size() - 1) + "IES" : sibilant ? stem + "ES" : stem + "S");
  forms.push_back(ends_e ? stem + "D" : ends_y ? stem.substr(0, stem.size() - 1) + "IED" : stem + "ED");
  forms.push_back(ends_e && verb.size() > 2 ? stem.substr(0, stem.size() - 1) + "ING" : stem + "ING");
  return forms;
}

// A dictionary's synsets: "&NAME" on a line of its own, then its members,
// one "+WORD" or "+MULTI WORD" per line, up to a blank line or the next block.
std::map<std::string, std::vector<std::string>, std::less<>> ReadSynsets(std::string_view text) {
  std::map<std::string, std::vector<std::string>, std::less<>> synsets;
  std::vector<std::string>* open = nullptr;
  for (std::string_view raw : Split(text, '\n')) {
    std::string_view line = TrimAsciiSpace(raw.substr(0, raw.find('#')));
    if (line.starts_with('&') && line.find(' ') == std::string_view::npos) {
      open = &synsets[std::string(line.substr(1))];
    } else if (open != nullptr && line.starts_with('+') && line.size() > 1) {
      open->push_back(PetrarchPhrase(line.substr(1)));
    } else {
      open = nullptr;
    }
  }
  return synsets;
}

// The words after "* " of a "- * WORDS [code]" pattern, as the word lists
// they stand for: a synset ("&CURRENCY") becomes one list per member, the
// actor slots ("$", "+") and skipped words ("^", "%") drop out, and a pattern
// with another construction (alternatives, words before the verb) yields none.
// At most kMaxExpansions lists.
std::vector<std::string> PatternWords(std::string_view words,
                                      const std::map<std::string, std::vector<std::string>, std::less<>>& synsets) {
  constexpr size_t kMaxExpansions = 64;
  std::vector<std::string> lists = {""};
  for (std::string_view word : Split(words, ' ')) {
    word = TrimAsciiSpace(word);
    if (word.empty() || word == "$" || word == "+" || word == "^" || word == "%") continue;
    if (word.find_first_of("*<>|$+^%") != std::string_view::npos) return {};
    std::vector<std::string> alternatives;
    if (word.starts_with('&')) {
      auto members = synsets.find(word.substr(1));
      if (members == synsets.end()) return {};
      alternatives = members->second;
    } else {
      alternatives = {PetrarchPhrase(word)};
    }
    std::vector<std::string> longer;
    for (const std::string& list : lists) {
      for (const std::string& a : alternatives) {
        if (longer.size() < kMaxExpansions) longer.push_back(list.empty() ? a : list + " " + a);
      }
    }
    lists = std::move(longer);
  }
  if (lists.size() == 1 && lists[0].empty()) return {};
  return lists;
}

}  // namespace

Status KnowledgeBase::Builder::AddPetrarchVerbs(const std::string& path) {
  auto text = ReadWholeFile(path);
  if (!text) return Unexpected(text.error());
  const auto synsets = ReadSynsets(*text);
  std::string block_code;
  std::vector<std::pair<std::vector<std::string>, std::string>> block_verbs;  // forms, code
  auto code_in = [](std::string_view line) -> std::string {
    size_t b = line.find('[');
    size_t e = line.find(']', b);
    if (b == std::string_view::npos || e == std::string_view::npos) return "";
    std::string code(TrimAsciiSpace(line.substr(b + 1, e - b - 1)));
    code = code.substr(0, code.find(':'));  // "036:036": the active-voice code
    return code == "---" ? "" : code;
  };
  auto add_verb = [&](const std::string& phrase, const std::string& code) {
    int cameo = CameoFor(code);
    if (cameo < 0 || phrase.empty() || !std::isalpha(static_cast<unsigned char>(phrase[0]))) return;
    size_t index = kb_->verbs_.size();
    kb_->verbs_.push_back({phrase, static_cast<uint32_t>(cameo)});
    AddTerm(phrase, TermKind::kVerb, index);
  };
  bool in_patterns = false;
  for (std::string_view raw : Split(*text, '\n')) {
    std::string_view line = TrimAsciiSpace(raw.substr(0, raw.find('#')));
    if (raw.starts_with("####### VERB PATTERNS")) in_patterns = true;
    if (!in_patterns || line.empty()) continue;
    if (line.starts_with("---")) {
      block_code = code_in(line);
      block_verbs.clear();
      continue;
    }
    if (line.starts_with("- ")) {
      // "- * WORDS [code]": the verb followed by words; an actor slot before
      // the verb ("- + * TROOPS $": who acts and on whom) says nothing the
      // parse does not.
      std::string code = code_in(line);
      std::string_view pattern = TrimAsciiSpace(line.substr(2, line.find('[') - 2));
      while (pattern.starts_with("$ ") || pattern.starts_with("+ ") || pattern.starts_with("% ")) {
        pattern = TrimAsciiSpace(pattern.substr(2));
      }
      if (code.empty() || !pattern.starts_with("* ")) continue;
      std::string words(TrimAsciiSpace(pattern.substr(2)));
      std::erase_if(words, [](char c) { return c == '(' || c == ')' || c == '{' || c == '}'; });
      const int cameo = CameoFor(code);
      // A synset's members are lemma patterns only: as surface phrases, one
      // per member and inflection, they would multiply the matcher many times over.
      const bool literal = words.find('&') == std::string::npos;
      for (const std::string& list : PatternWords(words, synsets)) {
        for (const auto& [forms, verb_code] : block_verbs) {
          if (literal) {
            for (const std::string& form : forms) add_verb(form + " " + list, code);
          }
          // And as a lemma pattern, so that the parse can find its words apart
          // from the verb ("welcomed a resumption of ties").
          if (cameo >= 0) AddLemmaPattern(ContentWords(forms.front() + " " + list), cameo, true);
        }
      }
      continue;
    }
    if (line.front() == '&' || line.front() == '[') continue;
    // A verb line: "WORD {FORMS} [code]" or "+MULTI_WORD {+FORMS}".
    std::string_view head = line.substr(0, line.find_first_of("{["));
    std::string base = PetrarchPhrase(head.starts_with('+') ? head.substr(1) : head);
    if (base.empty()) continue;
    std::vector<std::string> forms;
    size_t brace = line.find('{');
    if (brace != std::string_view::npos) {
      forms.push_back(base);
      std::string_view inside = line.substr(brace + 1, line.find('}', brace) - brace - 1);
      for (std::string_view form : Split(inside, ' ')) {
        form = TrimAsciiSpace(form);
        if (form.starts_with('+')) form.remove_prefix(1);
        if (!form.empty()) forms.push_back(PetrarchPhrase(form));
      }
    } else {
      forms = Inflect(base);
    }
    std::string code = code_in(line);
    if (code.empty()) code = block_code;
    if (!code.empty()) {
      for (const std::string& form : forms) add_verb(form, code);
      if (int cameo = CameoFor(code); cameo >= 0) AddLemmaPattern(ContentWords(base), cameo, true);
    }
    block_verbs.emplace_back(std::move(forms), code);
  }
  return {};
}

Status KnowledgeBase::Builder::AddPetrarchActors(const std::string& path) {
  auto text = ReadWholeFile(path);
  if (!text) return Unexpected(text.error());
  std::vector<std::string> pending;  // names waiting for their code line
  std::string pending_code;
  auto flush = [&] {
    if (!pending.empty() && !pending_code.empty()) {
      size_t index = kb_->actors_.size();
      kb_->actors_.push_back({pending.front(), pending_code});
      for (const std::string& name : pending) {
        // Single capitalised words of one or two letters are noise as names.
        if (name.size() > 2 && !names_.count(Folded(name))) AddTerm(name, TermKind::kActor, index);
      }
    }
    pending.clear();
    pending_code.clear();
  };
  for (std::string_view raw : Split(*text, '\n')) {
    std::string_view line = raw.substr(0, raw.find('#'));
    std::string_view trimmed = TrimAsciiSpace(line);
    if (trimmed.empty() || trimmed.starts_with("<!--")) continue;
    if (trimmed.starts_with('[')) {
      // "[FRAGOV 810521-950517]": the undated code, else the first one, stands for the actor.
      std::string_view inner = trimmed.substr(1, trimmed.find(']') - 1);
      std::string code(TrimAsciiSpace(inner.substr(0, inner.find(' '))));
      bool dated = inner.find(' ') != std::string_view::npos;
      if (pending_code.empty() || !dated) pending_code = code;
      continue;
    }
    if (trimmed.starts_with('+')) {
      pending.push_back(PetrarchPhrase(trimmed.substr(1)));
      continue;
    }
    flush();
    size_t bracket = trimmed.find('[');
    pending.push_back(PetrarchPhrase(trimmed.substr(0, bracket)));
    if (bracket != std::string_view::npos) {
      std::string_view inner = trimmed.substr(bracket + 1, trimmed.find(']', bracket) - bracket - 1);
      pending_code = std::string(TrimAsciiSpace(inner.substr(0, inner.find(' '))));
    }
  }
  flush();
  return {};
}

Status KnowledgeBase::Builder::AddPetrarchAgents(const std::string& path) {
  auto text = ReadWholeFile(path);
  if (!text) return Unexpected(text.error());
  std::map<std::string, std::vector<std::string>> macros;  // !PERSON! -> MAN, MEN, ...
  for (std::string_view raw : Split(*text, '\n')) {
    std::string_view line = TrimAsciiSpace(raw.substr(0, raw.find('#')));
    if (line.empty()) continue;
    if (line.front() == '!') {
      size_t eq = line.find('=');
      if (eq == std::string_view::npos) continue;
      std::string name(TrimAsciiSpace(line.substr(0, eq)));
      for (std::string_view v : Split(line.substr(eq + 1), ',')) macros[name].push_back(std::string(TrimAsciiSpace(v)));
      continue;
    }
    size_t b = line.find("[~");
    if (b == std::string_view::npos) continue;
    std::string sector(TrimAsciiSpace(line.substr(b + 2, line.find(']', b) - b - 2)));
    std::string phrase = PetrarchPhrase(line.substr(0, b));
    std::vector<std::string> expanded = {phrase};
    size_t m = phrase.find('!');
    if (m != std::string::npos) {
      size_t e = phrase.find('!', m + 1);
      expanded.clear();
      if (e != std::string::npos) {
        for (const std::string& v : macros[phrase.substr(m, e - m + 1)]) {
          expanded.push_back(phrase.substr(0, m) + v + phrase.substr(e + 1));
        }
      }
    }
    for (const std::string& p : expanded) {
      if (p.size() >= 3) AddAgent(p, sector);
    }
  }
  return {};
}

}  // namespace herald
