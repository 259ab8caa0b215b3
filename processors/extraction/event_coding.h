// event_coding.h: the events pass of extraction. For each sentence that names
// an actor and holds a verb of the lexicon, it tags and parses the sentence
// (processors/syntax) and lets the ClauseCoder (clause_coder.h) decide who did
// what to whom; the events join the record with how they were found.
//
//   EventCoding coding(kb);                      // once per Extractor
//   coding.Code({.text = body, .sentences = ..., .actors = ..., .verb_matches = ...}, record);
//
// Sentences without an actor or without a form of a lexicon verb are never
// tagged or parsed, which keeps the pass fast on articles that are mostly not
// about events.
//
// Thread-safety: immutable; Code may run on many threads (scratch is per thread).
// Failure: none.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/string_hash.h"
#include "herald/v1/event.pb.h"
#include "processors/extraction/clause_coder.h"
#include "processors/knowledge_base.h"
#include "processors/phrase_matcher.h"

namespace herald {

// An actor named in the text, found by the entities pass.
struct ActorMention {
  enum Kind : uint8_t { kCountry, kPerson, kOrganization, kAgent };
  uint32_t begin, end;
  std::string code;  // CAMEO-style; for an agent without a country, its sector alone
  // Views of the text, the knowledge base or the record's persons, which outlive the mention.
  std::string_view name, country;
  Kind kind = kCountry;
  std::string_view sector;  // agents: "MIL", "GOV", ...
};

struct EventInputs {
  std::string_view text;
  std::span<const std::pair<uint32_t, uint32_t>> sentences;  // [begin, end) byte ranges
  std::span<const ActorMention> actors;                      // in text order
  std::span<const PhraseMatcher::Match> verb_matches;        // PETRARCH phrases (kVerb terms)
  // The article's main country: the country of agents nothing else places.
  std::string_view context_country;
  // When set, each sentence's analysis and outcome are appended here as text
  // (`herald explain`): why it was skipped, or its words with tags, lemmas,
  // heads, relations and actors, and the events coded from it.
  std::string* explanation = nullptr;
};

class EventCoding {
 public:
  explicit EventCoding(const KnowledgeBase& kb);
  void Code(const EventInputs& in, v1::EventRecord* record) const;

  // Sentences longer than this many words are not parsed (parsing is linear,
  // but such "sentences" are lists and tables, not clauses).
  static constexpr size_t kMaxSentenceWords = 120;

 private:
  struct Scratch;  // per-thread buffers (event_coding.cc)
  // One sentence of the text, and the actor mentions in it.
  struct SentenceWindow {
    uint32_t begin = 0, end = 0;
    size_t first_actor = 0, last_actor = 0;  // [first, last) in EventInputs::actors
    int last_person = -1;                    // the last person named before it, or -1
  };
  // Tags the sentence and, when the gates pass, parses it into s; else says why not.
  std::string_view Analyze(const EventInputs& in, const SentenceWindow& w, const v1::EventRecord& record,
                           size_t* next_verb, Scratch* s) const;
  // The parsed sentence's clauses as the record's events.
  void AddEvents(const EventInputs& in, const SentenceWindow& w, Scratch* s, v1::EventRecord* record) const;
  // The actor a clause side names, as the record writes it; false for an agent of no known country.
  bool FillActor(const EventInputs& in, const Scratch& s, const ClauseActor& a, v1::Actor* out) const;
  void LexiconLemmas(std::span<const std::string_view> words, syntax::SentenceSyntax* tagged) const;
  // After tagging: whether some verb, with a possible actor before it or a
  // "by" after it, has a pattern whose words are among the sentence's lemmas
  // (the parse then checks they are the verb's dependents), or a PETRARCH
  // phrase starts at it.
  bool HoldsAPattern(const syntax::SentenceSyntax& tagged, std::span<const int> surface_verbs,
                     std::span<const int> mention_of_word) const;
  // Before tagging: whether some word may be a form of a lexicon verb whose
  // pattern's other words (or their stems) are in the sentence too.
  bool MayHoldAPattern(std::span<const std::string_view> words, std::vector<std::string>* stems) const;
  // Whether a pattern of `lemma` has all its words in the sentence, as
  // `in_sentence(word)` says.
  template <typename InSentence>
  bool AnyPatternHolds(std::string_view lemma, const InSentence& in_sentence) const;

  const KnowledgeBase& kb_;
  ClauseCoder coder_;
  // Every inflection of every lexicon verb, lower case, with its lemma
  // ("attacks": attack, "fought": fight): a sentence without one is not
  // tagged, let alone parsed.
  StringMap<std::string> trigger_forms_;
};

}  // namespace herald
