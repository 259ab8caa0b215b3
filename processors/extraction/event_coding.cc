#include "processors/extraction/event_coding.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <vector>

#include "processors/syntax/tokenizer.h"

namespace herald {

// Buffers reused from one sentence and article to the next, per thread.
struct EventCoding::Scratch {
  std::vector<syntax::WordSpan> spans;
  std::vector<std::string_view> words;
  syntax::SentenceSyntax analysis;
  std::vector<int> mention_of_word, surface_verb_of_word;
  std::vector<uint8_t> is_agent;
  std::vector<CodedClause> clauses;
  std::vector<std::pair<uint32_t, uint32_t>> names;  // [begin, end) in the sentence
  std::vector<std::string> stems;
  std::set<std::string> coded;  // source|code|target|sentence, once each per article
};

namespace {

// Whether a sentence holds "he" or "she", which may name the last person.
bool HasPersonPronoun(std::string_view sentence) {
  for (std::string_view p : {"He ", "She ", " he ", " she "}) {
    if (sentence.find(p) != std::string_view::npos) return true;
  }
  return false;
}

// The tokenizer keeps "Jun." and "Corp." whole, as EWT does inside a
// sentence; at a sentence's end the period is far more often the full stop
// ("... Defence Minister Dong Jun."), and the parser expects it on its own.
void SplitFinalPeriod(std::string_view sentence, std::vector<syntax::WordSpan>* spans) {
  if (spans->empty()) return;
  syntax::WordSpan last = spans->back();
  std::string_view word = last.Of(sentence);
  if (word.size() < 2 || word.back() != '.' || word.substr(0, word.size() - 1).find('.') != std::string_view::npos) {
    return;
  }
  spans->back().end = last.end - 1;
  spans->push_back({last.end - 1, last.end});
}

// A name of several words ("Bulgarian President Todor Zhivkov", "Great
// Britain") becomes one word, written as its last: the parser, trained on web
// text, reads long newswire names poorly, and a name is one actor whatever is
// inside it. Shorter sentences also parse faster. `names` are offsets into
// the sentence, in any order; words are the spans' text, the merged ones
// their last word's.
void MergeNames(std::string_view sentence, std::vector<std::pair<uint32_t, uint32_t>>* names,
                std::vector<syntax::WordSpan>* spans, std::vector<std::string_view>* words) {
  std::sort(names->begin(), names->end());
  words->clear();
  size_t out = 0, name = 0;
  for (size_t i = 0; i < spans->size(); ++i) {
    syntax::WordSpan merged = (*spans)[i];
    std::string_view text = merged.Of(sentence);
    while (name < names->size() && (*names)[name].second <= merged.begin) ++name;
    for (size_t n = name; n < names->size() && (*names)[n].first <= merged.begin; ++n) {
      const uint32_t name_end = (*names)[n].second;
      while (i + 1 < spans->size() && (*spans)[i + 1].end <= name_end && merged.end <= name_end) {
        ++i;
        merged.end = (*spans)[i].end;
        text = (*spans)[i].Of(sentence);
      }
    }
    (*spans)[out++] = merged;
    words->push_back(text);
  }
  spans->resize(out);
}

// Sentences are parsed for actors of politics: a country, a person, an
// organisation, or an agent of the state or of conflict. Companies, media,
// civilians and the like alone ("the company agreed to buy ...") are not
// coded: most business news would otherwise be parsed for no event.
bool PoliticalActor(const ActorMention& m) {
  if (m.kind != ActorMention::kAgent) return true;
  for (std::string_view weak : {"BUS", "CVL", "MED", "EDU", "HLH", "LAB", "REF"}) {
    if (m.sector == weak) return false;
  }
  return true;
}

// A word lower-cased, and what it may be inflected from ("talks" -> talk,
// "forces" -> force, "agreed" -> agree, "parties" -> party): enough to tell,
// before tagging, whether a pattern's other words can be in the sentence.
void AddStems(std::string_view word, std::vector<std::string>* out) {
  std::string lower(word);
  for (char& c : lower) c = FoldCase(c);
  out->push_back(lower);
  auto strip = [&](std::string_view suffix, std::string_view replacement) {
    if (lower.size() > suffix.size() + 2 && lower.ends_with(suffix)) {
      out->push_back(lower.substr(0, lower.size() - suffix.size()) + std::string(replacement));
    }
  };
  strip("s", ""), strip("es", ""), strip("ies", "y"), strip("ed", ""), strip("d", ""), strip("ing", ""),
      strip("ing", "e");
}

// Agents and persons without a country take one from the clause or the article.
bool NeedsCountry(const ActorMention& m) {
  return m.kind == ActorMention::kAgent || (m.kind == ActorMention::kPerson && m.country.empty());
}

// English verb endings and what they become in the past and participle
// ("speak" -> spoke, spoken; "fight" -> fought; "send" -> sent): candidates
// for the lemmatiser to confirm, so over-generating does no harm.
constexpr std::pair<std::string_view, std::string_view> kStrongEndings[] = {
    {"eak", "oke|oken"},     {"eal", "ole|olen"},  {"ake", "ook|aken"}, {"ive", "ave|iven|ove"},
    {"ite", "ote|itten"},    {"ide", "ode|idden"}, {"ise", "ose|isen"}, {"ike", "uck"},
    {"ick", "uck"},          {"ow", "ew|own"},     {"aw", "ew|awn"},    {"ear", "ore|orn|orne"},
    {"eet", "et"},           {"eed", "ed"},        {"ee", "ed|aw|een"}, {"ead", "ed"},
    {"end", "ent"},          {"ild", "ilt"},       {"ell", "old"},      {"old", "eld"},
    {"and", "ood"},          {"oot", "ot"},        {"in", "on|an|un"},  {"ink", "ank|unk"},
    {"ose", "ost|ose|osen"}, {"eave", "eft"},      {"eep", "ept"},      {"eeze", "oze|ozen"},
    {"id", "ade|idden"},     {"ay", "aid"},        {"ang", "ung"},      {"ig", "ug"},
    {"y", "ew|own"},         {"ight", "ought"},    {"eek", "ought"},    {"ing", "ought|ang|ung"},
    {"uy", "ought"},         {"atch", "aught"},    {"each", "aught"},   {"ink", "ought"},
    {"o", "ent|one|id|ne"},  {"ake", "ade"},       {"ear", "eard"},     {"ell", "elt"},
};

// The regular inflections English spelling allows a verb: "attack" ->
// attacks, attacked, attacking; "seize" -> seized, seizing; "try" -> tries,
// tried; "stop" -> stopped, stopping.
std::vector<std::string> RegularInflections(const std::string& lemma) {
  const char last = lemma.back();
  const bool ends_e = last == 'e', ends_y = last == 'y' && lemma.size() > 1;
  const std::string stem = lemma.substr(0, lemma.size() - 1);
  std::vector<std::string> forms = {ends_y ? stem + "ies" : lemma + "s", ends_e ? lemma + "d" : lemma + "ed",
                                    ends_e ? stem + "ing" : lemma + "ing"};
  if (ends_y) forms.push_back(stem + "ied");
  if (!ends_e && !ends_y) forms.insert(forms.end(), {lemma + "es", lemma + last + "ed", lemma + last + "ing"});
  return forms;
}

// Candidates for a verb's inflections, regular and strong ("speak" -> spoke,
// spoken); some are not words, and the lemmatiser decides which are.
std::vector<std::string> Inflections(const std::string& lemma) {
  std::vector<std::string> forms = RegularInflections(lemma);
  forms.insert(forms.end(), {lemma + "n", lemma + "en"});
  for (const auto& [ending, replacements] : kStrongEndings) {
    if (!lemma.ends_with(ending)) continue;
    const std::string stem = lemma.substr(0, lemma.size() - ending.size());
    size_t from = 0;
    while (from <= replacements.size()) {
      size_t bar = replacements.find('|', from);
      if (bar == std::string_view::npos) bar = replacements.size();
      forms.push_back(stem + std::string(replacements.substr(from, bar - from)));
      from = bar + 1;
    }
  }
  return forms;
}

// A parsed sentence as `herald explain` shows it: one line per word.
void Explain(const syntax::Syntax& model, std::string_view sentence, uint32_t begin,
             std::span<const std::string_view> words, const syntax::SentenceSyntax& analysis,
             std::span<const int> mention_of_word, std::span<const ActorMention> actors, std::string* out) {
  *out += "\n[" + std::to_string(begin) + "] " + std::string(sentence) + "\n";
  for (size_t w = 0; w < words.size(); ++w) {
    const std::string relation(model.relation(analysis.arcs[w]));
    char line[160];
    std::snprintf(line, sizeof line, "  %3zu %-18.*s %-5.*s %-14.*s %3d %-12s", w + 1,
                  static_cast<int>(words[w].size()), words[w].data(),
                  static_cast<int>(NameOf(analysis.tags[w], syntax::kUposNames).size()),
                  NameOf(analysis.tags[w], syntax::kUposNames).data(), static_cast<int>(analysis.lemmas[w].size()),
                  analysis.lemmas[w].data(), analysis.arcs[w].head, relation.c_str());
    *out += line;
    if (int m = mention_of_word[w]; m >= 0)
      *out += " actor " + actors[m].code + " \"" + std::string(actors[m].name) + "\"";
    *out += "\n";
  }
}

}  // namespace

EventCoding::EventCoding(const KnowledgeBase& kb) : kb_(kb), coder_(kb, kb.syntax()) {
  const syntax::Lemmatizer& lemmatizer = kb.syntax().lemmatizer();
  std::unordered_set<std::string> lemmas;
  for (const VerbPattern& p : kb.verbs()) {
    if (!p.lemma.empty()) lemmas.insert(p.lemma);
  }
  // First the forms the lemmatiser confirms (its exceptions, and inflections
  // it maps back), then the regular ones it does not ("shelled", which it
  // reads as "shel"): those put its lemma right for the lexicon (below).
  for (const auto& [form, lemma] : lemmatizer.Exceptions(syntax::Upos::kVerb)) {
    if (lemmas.contains(lemma)) trigger_forms_.emplace(form, lemma);
  }
  for (const std::string& lemma : lemmas) {
    trigger_forms_.emplace(lemma, lemma);
    for (const std::string& form : Inflections(lemma)) {
      if (lemmatizer.Lemma(form, syntax::Upos::kVerb) == lemma) trigger_forms_.emplace(form, lemma);
    }
  }
  for (const std::string& lemma : lemmas) {
    for (const std::string& form : RegularInflections(lemma)) trigger_forms_.emplace(form, lemma);
  }
  // "X said Y must ...": a demand, whatever the verb.
  trigger_forms_.emplace("must", "");
  trigger_forms_.emplace("should", "");
}

// The lemmatiser's rules now and then miss a lexicon verb ("shelled" ->
// "shel"); a verb whose lemma has no pattern takes the lexicon verb its form
// is an inflection of, when there is one.
void EventCoding::LexiconLemmas(std::span<const std::string_view> words, syntax::SentenceSyntax* tagged) const {
  std::string lower;
  for (size_t w = 0; w < words.size(); ++w) {
    if (tagged->tags[w] != syntax::Upos::kVerb || !kb_.VerbsWithLemma(tagged->lemmas[w]).empty()) continue;
    lower.assign(words[w]);
    for (char& c : lower) c = FoldCase(c);
    if (auto known = trigger_forms_.find(lower); known != trigger_forms_.end() && !known->second.empty()) {
      tagged->lemmas[w] = known->second;
    }
  }
}

bool EventCoding::HoldsAPattern(const syntax::SentenceSyntax& tagged, std::span<const int> surface_verbs,
                                std::span<const int> mention_of_word) const {
  auto in_sentence = [&](const std::string& word) {
    return std::find(tagged.lemmas.begin(), tagged.lemmas.end(), word) != tagged.lemmas.end();
  };
  // Who acts comes before the verb in English ("Russia attacked", "Russia,
  // which attacked", "it attacked"), or after it in a "by" phrase.
  const auto last_by = std::find(tagged.lemmas.rbegin(), tagged.lemmas.rend(), "by");
  const size_t by_after = last_by == tagged.lemmas.rend() ? 0 : static_cast<size_t>(tagged.lemmas.rend() - last_by);
  bool source_before = false;
  for (size_t w = 0; w < tagged.lemmas.size(); ++w) {
    const std::string& lemma = tagged.lemmas[w];
    const bool can_act = mention_of_word[w] >= 0 || tagged.tags[w] == syntax::Upos::kPron;
    if (lemma == "must" || lemma == "should") return true;
    const bool has_source = source_before || w < by_after;  // a "by" at w or later
    source_before = source_before || can_act;
    if (!has_source) continue;
    if (surface_verbs[w] >= 0) return true;
    if (tagged.tags[w] == syntax::Upos::kVerb && AnyPatternHolds(lemma, in_sentence)) return true;
  }
  return false;
}

template <typename InSentence>
bool EventCoding::AnyPatternHolds(std::string_view lemma, const InSentence& in_sentence) const {
  for (uint32_t p : kb_.VerbsWithLemma(lemma)) {
    const std::vector<std::string>& words = kb_.verbs()[p].words;
    if (std::all_of(words.begin(), words.end(), in_sentence)) return true;
  }
  return false;
}

bool EventCoding::MayHoldAPattern(std::span<const std::string_view> words, std::vector<std::string>* stems) const {
  // Most sentences hold no form of a lexicon verb at all: find that out
  // before building any stems.
  thread_local std::vector<const std::string*> lemmas;
  lemmas.clear();
  char lower[48];
  for (std::string_view w : words) {
    if (w.size() > sizeof lower) continue;
    for (size_t i = 0; i < w.size(); ++i) lower[i] = FoldCase(w[i]);
    auto known = trigger_forms_.find(std::string_view(lower, w.size()));
    if (known == trigger_forms_.end()) continue;
    if (known->second.empty()) return true;  // "must", "should"
    lemmas.push_back(&known->second);
  }
  if (lemmas.empty()) return false;
  stems->clear();
  for (std::string_view w : words) AddStems(w, stems);
  auto in_sentence = [&](const std::string& word) {
    return std::find(stems->begin(), stems->end(), word) != stems->end();
  };
  return std::any_of(lemmas.begin(), lemmas.end(),
                     [&](const std::string* lemma) { return AnyPatternHolds(*lemma, in_sentence); });
}

bool EventCoding::FillActor(const EventInputs& in, const Scratch& s, const ClauseActor& a, v1::Actor* out) const {
  const ActorMention& m = in.actors[a.mention];
  std::string country(m.country), code = m.code;
  if (s.is_agent[a.mention]) {
    // The agent's country; a dictionary actor without one ("Calenardhon
    // government") lends its code instead, as PETRARCH composes CALGOV.
    std::string_view owner = in.context_country;
    if (a.country_mention >= 0) {
      const ActorMention& c = in.actors[a.country_mention];
      owner = c.country.empty() ? std::string_view(c.code) : std::string_view(c.country);
      country = c.country;
    } else {
      country = owner;
    }
    if (owner.empty()) return false;
    code = std::string(owner) + std::string(m.sector);
  }
  out->set_code(code);
  out->set_name(std::string(m.name));
  out->set_country_code(country);
  out->mutable_span()->set_begin(m.begin);
  out->mutable_span()->set_end(m.end);
  return true;
}

std::string_view EventCoding::Analyze(const EventInputs& in, const SentenceWindow& w, const v1::EventRecord& record,
                                      size_t* next_verb, Scratch* s) const {
  const std::span<const ActorMention> actors = in.actors;
  const std::string_view sentence = in.text.substr(w.begin, w.end - w.begin);
  const bool placed_actor = std::any_of(actors.begin() + w.first_actor, actors.begin() + w.last_actor, PoliticalActor);
  if (!placed_actor && !(w.last_person >= 0 && HasPersonPronoun(sentence))) {
    return w.last_actor == w.first_actor
               ? "no actor"
               : "no political actor (a country, person, organisation or agent of state or conflict)";
  }
  syntax::Tokenize(sentence, &s->spans);
  SplitFinalPeriod(sentence, &s->spans);
  if (s->spans.empty() || s->spans.size() > kMaxSentenceWords) {
    static const std::string kTooLong = "longer than " + std::to_string(kMaxSentenceWords) + " words";
    return kTooLong;
  }
  s->names.clear();
  for (size_t a = w.first_actor; a < w.last_actor; ++a)
    s->names.emplace_back(actors[a].begin - w.begin, actors[a].end - w.begin);
  for (const v1::Person& p : record.persons()) {
    for (const v1::Span& span : p.spans()) {
      if (span.begin() >= w.begin && span.end() <= w.end)
        s->names.emplace_back(span.begin() - w.begin, span.end() - w.begin);
    }
  }
  MergeNames(sentence, &s->names, &s->spans, &s->words);
  bool may_trigger = MayHoldAPattern(s->words, &s->stems);
  // PETRARCH phrases, by the word they start at.
  s->surface_verb_of_word.assign(s->words.size(), -1);
  while (*next_verb < in.verb_matches.size() && in.verb_matches[*next_verb].begin < w.begin) ++*next_verb;
  for (size_t v = *next_verb, k = 0; v < in.verb_matches.size() && in.verb_matches[v].begin < w.end; ++v) {
    const uint32_t at = in.verb_matches[v].begin - w.begin;
    while (k < s->spans.size() && s->spans[k].begin < at) ++k;
    if (k < s->spans.size() && s->spans[k].begin == at) {
      s->surface_verb_of_word[k] = static_cast<int>(kb_.term(in.verb_matches[v].id).index);
      may_trigger = true;
    }
  }
  if (!may_trigger) return "no form of a lexicon verb";
  kb_.syntax().TagAndLemmatize(s->words, &s->analysis);
  LexiconLemmas(s->words, &s->analysis);
  s->mention_of_word.assign(s->words.size(), -1);
  for (size_t k = 0, a = w.first_actor; k < s->spans.size(); ++k) {
    const uint32_t at = w.begin + s->spans[k].begin;
    while (a < w.last_actor && actors[a].end <= at) ++a;
    if (a < w.last_actor && actors[a].begin <= at) s->mention_of_word[k] = static_cast<int>(a);
  }
  // A word of a known name is a proper noun, whatever the tagger made of
  // it ("Pyongyang" opening a sentence, read as a verb); a demonym stays an
  // adjective ("Serbian police").
  for (size_t k = 0; k < s->words.size(); ++k) {
    const int m = s->mention_of_word[k];
    if (m >= 0 && actors[m].kind != ActorMention::kAgent && !s->words[k].empty() && s->words[k][0] >= 'A' &&
        s->words[k][0] <= 'Z' && s->analysis.tags[k] != syntax::Upos::kAdj) {
      s->analysis.tags[k] = syntax::Upos::kPropn;
      s->analysis.lemmas[k] = s->words[k];
    }
  }
  if (!HoldsAPattern(s->analysis, s->surface_verb_of_word, s->mention_of_word)) {
    return "no verb whose pattern's words the sentence holds, with an actor before it or a \"by\" after";
  }
  kb_.syntax().Parse(s->words, &s->analysis);
  return {};
}

void EventCoding::AddEvents(const EventInputs& in, const SentenceWindow& w, Scratch* s, v1::EventRecord* record) const {
  const std::string_view sentence = in.text.substr(w.begin, w.end - w.begin);
  for (const CodedClause& c : s->clauses) {
    v1::CodedEvent event;
    // No source: violence the text reports without its doer.
    if (c.source.present() ? !FillActor(in, *s, c.source, event.mutable_source()) : !c.target.present()) continue;
    if (!c.source.present()) event.clear_source();
    if (c.target.present() && !FillActor(in, *s, c.target, event.mutable_target())) event.clear_target();
    const CameoEvent& cameo = kb_.cameo_events()[c.cameo_index];
    // Protest, and conflict acted on someone the text does not place ("arrested
    // opponents"), is aimed within the country of the story.
    const bool conflict = cameo.code.compare(0, 2, "09") >= 0;
    if (!event.has_source() && !event.has_target()) continue;
    if (event.has_source() && !event.has_target() && (cameo.code.starts_with("14") || (conflict && c.unnamed_target))) {
      // The country the story is about ("Russian forces shelled Kharkiv" in
      // a story on Ukraine), else the source's own.
      const std::string country =
          in.context_country.empty() ? event.source().country_code() : std::string(in.context_country);
      // Protest is aimed at the government (CAMEO's usual target), so
      // protesters of the country itself still make an event.
      event.mutable_target()->set_code(cameo.code.starts_with("14") ? country + "GOV" : country);
      event.mutable_target()->set_country_code(country);
    }
    if (event.has_target() && event.target().code() == event.source().code()) event.clear_target();
    std::string key =
        event.source().code() + "|" + cameo.code + "|" + event.target().code() + "|" + std::to_string(w.begin);
    if (!s->coded.insert(key).second) continue;
    event.set_cameo_code(cameo.code);
    event.set_root_code(cameo.code.substr(0, 2));
    event.set_quad_class(cameo.quad_class);
    event.set_goldstein(cameo.goldstein);
    event.set_plover(cameo.plover);
    event.set_plover_mode(cameo.plover_mode);
    event.mutable_sentence()->set_begin(w.begin);
    event.mutable_sentence()->set_end(w.end);
    const syntax::WordSpan& trigger = s->spans[c.trigger_word];
    event.set_trigger(std::string(trigger.Of(sentence)));
    event.mutable_trigger_span()->set_begin(w.begin + trigger.begin);
    event.mutable_trigger_span()->set_end(w.begin + trigger.end);
    if (c.verb != kNoPattern) event.set_pattern(kb_.verbs()[c.verb].phrase);
    event.set_rule(std::string(c.rule));
    event.set_confidence(c.confidence);
    if (in.explanation) {
      *in.explanation += "  event " + event.source().code() + " " + cameo.code + " " + event.target().code() + " (" +
                         cameo.plover + (cameo.plover_mode.empty() ? "" : "/" + cameo.plover_mode) + ") trigger \"" +
                         event.trigger() + "\" pattern \"" + event.pattern() + "\" rule " + event.rule() + "\n";
    }
    *record->add_events() = std::move(event);
  }
}

void EventCoding::Code(const EventInputs& in, v1::EventRecord* record) const {
  thread_local Scratch s;
  const std::span<const ActorMention> actors = in.actors;
  s.is_agent.resize(actors.size());
  for (size_t i = 0; i < actors.size(); ++i) s.is_agent[i] = NeedsCountry(actors[i]);
  s.coded.clear();
  SentenceWindow w;
  size_t next_verb = 0;
  for (const auto& [begin, end] : in.sentences) {
    w.begin = begin;
    w.end = end;
    while (w.first_actor < actors.size() && actors[w.first_actor].begin < begin) {
      if (actors[w.first_actor].kind == ActorMention::kPerson) w.last_person = static_cast<int>(w.first_actor);
      ++w.first_actor;
    }
    w.last_actor = w.first_actor;
    while (w.last_actor < actors.size() && actors[w.last_actor].begin < end) ++w.last_actor;
    const std::string_view sentence = in.text.substr(begin, end - begin);
    if (std::string_view why = Analyze(in, w, *record, &next_verb, &s); !why.empty()) {
      if (in.explanation) {
        *in.explanation +=
            "\n[" + std::to_string(begin) + "] " + std::string(sentence) + "\n  not parsed: " + std::string(why) + "\n";
      }
      continue;
    }
    s.clauses.clear();
    coder_.Code({.words = s.words,
                 .syntax = s.analysis,
                 .mention_of_word = s.mention_of_word,
                 .mention_is_agent = s.is_agent,
                 .surface_verb_of_word = s.surface_verb_of_word,
                 .last_person = w.last_person},
                &s.clauses);
    if (in.explanation) {
      Explain(kb_.syntax(), sentence, begin, s.words, s.analysis, s.mention_of_word, actors, in.explanation);
    }
    AddEvents(in, w, &s, record);
  }
}

}  // namespace herald
