// clause_coder.h: who did what to whom in one parsed sentence. Each verb whose
// lemma has a pattern in the verb lexicon (knowledge/verbs.tsv, or a PETRARCH
// phrase starting at it) is an event; the parse decides its actors:
//
//   active:       "Russia attacked Georgia"           source nsubj, target obj
//   passive:      "Georgia was attacked by Russia"    source obl:agent, target nsubj
//   preposition:  "Putin met with Xi"                 target an oblique (with, against, to, ...)
//   coordination: "Russia and China condemned Japan"  one event per conjunct, verbs too
//   relative:     "rebels who attacked the town"      the relative pronoun is the noun it modifies
//   control:      "Iran agreed to meet Oman"          "meet" takes "agreed"'s subject
//   negation:     "Russia did not attack Georgia"     no event; refused cooperation is REJECT
//   denial:       "Russia denied that it attacked"    the denial (016), not the attack
//   intent:       "agreed to withdraw", "will withdraw"  intent to cooperate (03), threat (13)
//   demand:       "France said Iraq must cooperate"   France demands (10) of Iraq
//   reported:     "officials said rebels shelled X"   the reported event, its own actors
//
// Actors are the caller's mentions (countries, persons, organisations, agents
// such as "troops"), mapped onto the sentence's words; an argument owns the
// mentions on its head word and on the words modifying it ("Russian troops",
// "the government of Iraq"). "he"/"she" name the caller's last person; "it"
// and "they" in a clause that reports take the reporting verb's subject.
//
//   ClauseCoder coder(kb, syntax);
//   ClauseSentence s{.words = forms, .syntax = analysis, .mention_of_word = owners};
//   std::vector<CodedClause> events;
//   coder.Code(s, &events);
//
// Thread-safety: a ClauseCoder is immutable; Code may run on many threads.
// Failure: none; a clause it cannot resolve yields no event.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "processors/knowledge_base.h"
#include "processors/syntax/syntax.h"

namespace herald {

struct ClauseSentence {
  std::span<const std::string_view> words;
  const syntax::SentenceSyntax& syntax;  // tags, lemmas and arcs of `words`
  // For each word, the caller's mention covering it, or -1.
  std::span<const int> mention_of_word;
  // Whether the caller's mention names a country-less agent ("troops") or a
  // person; both take a country from a modifier when there is one.
  std::span<const uint8_t> mention_is_agent;
  // For each word, a PETRARCH pattern (index into verbs()) starting there, or -1.
  std::span<const int> surface_verb_of_word;
  // The mention "he" and "she" refer to: the last person before the sentence.
  int last_person = -1;
};

// One side of an event: the mention that names it, and for an agent the
// mention that gives its country ("Russian" in "Russian troops"), -1 if none.
struct ClauseActor {
  int mention = -1;
  int country_mention = -1;
  int word = -1;  // the argument's head word
  bool present() const { return mention >= 0; }
};

inline constexpr uint32_t kNoPattern = UINT32_MAX;

struct CodedClause {
  ClauseActor source, target;
  uint32_t verb = 0;         // the pattern, index into verbs(); kNoPattern for a demand built on "must"
  uint32_t cameo_index = 0;  // the event: the pattern's, or an intent, threat or demand built on it
  int trigger_word = 0;
  // How the actors were found: "active", "passive", "relative", "control", "intent", "demand", ...
  std::string_view rule;
  float confidence = 0;
  // The verb has an object or oblique that names no actor ("arrested
  // opponents", "banned the rally"): an act on someone, unnamed.
  bool unnamed_target = false;
};

namespace clause {
class ClauseTree;
}

class ClauseCoder {
 public:
  ClauseCoder(const KnowledgeBase& kb, const syntax::Syntax& syntax);
  // Appends the sentence's events to *out.
  void Code(const ClauseSentence& sentence, std::vector<CodedClause>* out) const;

 private:
  // An event a clause codes, before its actors are resolved.
  struct ClauseEvent {
    int trigger;
    uint32_t verb;  // index into verbs(), or kNoPattern
    std::string_view code, rule;
    float confidence;
  };
  void Emit(const clause::ClauseTree& clauses, const ClauseEvent& event, std::span<const int> sources,
            std::span<const int> targets, std::vector<CodedClause>* out) const;

  const KnowledgeBase& kb_;
  std::vector<int8_t> kind_of_relation_;  // by the model's relation index
};

}  // namespace herald
