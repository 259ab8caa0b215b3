// clause_tree.h: one parsed sentence as the clause coder reads it (internal to
// processors/extraction; clause_coder.h is the interface). The relations the
// coder reads, and ClauseTree: each word's head and children, and the
// clause-level questions asked of them.
//
//   ClauseTree tree(kb, kind_of_relation, sentence);
//   std::vector<int> who;  tree.Subjects(verb, &who);
//   ClauseActor actor = tree.ActorOf(who[0]);
//
// Thread-safety: a ClauseTree is read-only once built; build one per sentence.
// Failure: none; a word that names no actor yields an absent ClauseActor.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "core/utf8.h"
#include "processors/extraction/clause_coder.h"
#include "processors/extraction/speech_verbs.h"

namespace herald::clause {

// The dependency relations the coder reads; every other relation is kOther.
enum Rel : int8_t {
  kOther,
  kSubject,
  kPassiveSubject,
  kObject,
  kIndirectObject,
  kOblique,
  kAgent,
  kPassiveAux,
  kAux,
  kCop,
  kConj,
  kXcomp,
  kCcomp,
  kAcl,
  kRelcl,
  kAdvcl,
  kAdvmod,
  kCompound,
  kParticle,
  kAmod,
  kNmod,
  kPossessive,
  kFlat,
  kAppos,
  kCase,
  kMark,
};

constexpr std::pair<std::string_view, Rel> kRelationKinds[] = {
    {"nsubj", kSubject},
    {"nsubj:outer", kSubject},
    {"csubj", kSubject},
    {"nsubj:pass", kPassiveSubject},
    {"csubj:pass", kPassiveSubject},
    {"obj", kObject},
    {"iobj", kIndirectObject},
    {"obl", kOblique},
    {"obl:unmarked", kOblique},
    {"obl:agent", kAgent},
    {"aux:pass", kPassiveAux},
    {"aux", kAux},
    {"cop", kCop},
    {"conj", kConj},
    {"xcomp", kXcomp},
    {"ccomp", kCcomp},
    {"acl", kAcl},
    {"acl:relcl", kRelcl},
    {"advcl", kAdvcl},
    {"advcl:relcl", kRelcl},
    {"advmod", kAdvmod},
    {"compound", kCompound},
    {"compound:prt", kParticle},
    {"amod", kAmod},
    {"nmod", kNmod},
    {"nmod:unmarked", kNmod},
    {"nmod:desc", kNmod},
    {"nmod:poss", kPossessive},
    {"flat", kFlat},
    {"appos", kAppos},
    {"case", kCase},
    {"mark", kMark},
};

inline bool OneOf(std::string_view word, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), word) != set.end();
}

// Prepositions that introduce an event's target, most telling first: "fought
// against", "met with", "sent to", "fired on", ... "in" (the place, which
// event data codes as the target when nothing else is) last.
constexpr std::array<std::string_view, 12> kTargetPrepositions = {"against", "with",    "to",   "on",   "at",   "into",
                                                                  "toward",  "towards", "from", "over", "upon", "in"};

inline int PrepositionRank(std::string_view p) {
  auto it = std::find(kTargetPrepositions.begin(), kTargetPrepositions.end(), p);
  return it == kTargetPrepositions.end() ? -1 : static_cast<int>(it - kTargetPrepositions.begin());
}

// Events whose "that" clause names who is asked or told to act: appeals (02),
// demands (10), disapproval (11), rejection (12), threats (13).
inline bool AddressesSomeone(int root) { return root == 2 || (root >= 10 && root <= 13); }

// One sentence's tree, with children lists, and the clause-level questions the
// coder asks of it: who acts (Subjects, Agents), on whom (Targets), which
// actor a word names (ActorOf), which lexicon pattern a verb holds (Pattern).
class ClauseTree {
 public:
  // `kind_of_relation`: the Rel of each of the parse model's relations.
  ClauseTree(const KnowledgeBase& kb, std::span<const int8_t> kind_of_relation, const ClauseSentence& s)
      : kb_(kb), s_(s) {
    const size_t n = s.words.size();
    head_.resize(n);
    rel_.resize(n);
    first_child_.assign(n + 1, 0);
    for (size_t i = 0; i < n; ++i) {
      head_[i] = s.syntax.arcs[i].head - 1;
      const int r = s.syntax.arcs[i].relation;
      rel_[i] = r >= 0 && r < static_cast<int>(kind_of_relation.size()) ? Rel(kind_of_relation[r]) : kOther;
      if (head_[i] >= 0) ++first_child_[head_[i] + 1];
    }
    for (size_t i = 0; i < n; ++i) first_child_[i + 1] += first_child_[i];
    children_.resize(first_child_[n]);
    std::vector<int> fill(first_child_.begin(), first_child_.end() - 1);
    for (size_t i = 0; i < n; ++i) {
      if (head_[i] >= 0) children_[fill[head_[i]]++] = static_cast<int>(i);
    }
  }

  const ClauseSentence& sentence() const { return s_; }
  std::span<const int> Children(int w) const {
    return std::span<const int>(children_).subspan(first_child_[w], first_child_[w + 1] - first_child_[w]);
  }
  int Head(int w) const { return head_[w]; }
  Rel RelOf(int w) const { return rel_[w]; }
  std::string_view Lemma(int w) const { return s_.syntax.lemmas[w]; }
  int Child(int w, Rel r) const {
    for (int c : Children(w)) {
      if (rel_[c] == r) return c;
    }
    return -1;
  }
  bool HasChildLemma(int w, Rel r, std::initializer_list<std::string_view> lemmas) const {
    for (int c : Children(w)) {
      if (rel_[c] == r && OneOf(Lemma(c), lemmas)) return true;
    }
    return false;
  }
  // The preposition of a noun phrase: its head's, or one the parser hung on
  // a modifier before the head ("to 18 Rwandan rebels", "to" on "18").
  std::string_view CaseOf(int w) const {
    if (int c = Child(w, kCase); c >= 0) return Lemma(c);
    for (int m : Children(w)) {
      if (m > w) break;
      if (int c = Child(m, kCase); c >= 0 && c < m) return Lemma(c);
    }
    return {};
  }

  // Whether what v reports is violence with no named doer: a passive without
  // a "by" phrase, or a weapon or an attack as the subject.
  bool ViolentWithoutDoer(int v) const {
    for (int c : Children(v)) {
      if (rel_[c] == kAgent) return false;
      if (rel_[c] == kSubject) {
        return OneOf(Lemma(c), {"bomb",   "bombing", "attack", "explosion", "blast",  "shell",   "shelling", "missile",
                                "rocket", "mortar",  "strike", "airstrike", "ambush", "gunfire", "shooting", "device",
                                "mine",   "grenade", "drone",  "raid",      "fire",   "gunman",  "gunmen",   "sniper"});
      }
    }
    return Passive(v);
  }
  // A passive auxiliary, or a "by" agent on a verb without an active subject
  // or with a "be" the parser did not call passive ("was opposed by");
  // the parser's nsubj:pass alone is not trusted (it mislabels "has spoken"
  // subjects now and then), nor a "by" it hangs on an active verb ("the US
  // rejected calls by Annan").
  bool Passive(int v) const {
    bool agent = false, subject = false;
    for (int c : Children(v)) {
      if (rel_[c] == kPassiveAux) return true;
      agent = agent || rel_[c] == kAgent;
      subject = subject || rel_[c] == kSubject;
    }
    return agent && (!subject || HasChildLemma(v, kAux, {"be", "get"}) || HasChildLemma(v, kCop, {"be"}));
  }
  bool Negated(int v) const {
    if (HasChildLemma(v, kAdvmod, {"not", "never", "n't"})) return true;
    if (HasChildLemma(v, kMark, {"without"})) return true;  // "without returning"

    // "did not agree to meet", "failed to reach agreement"
    if (Governed(v) && head_[v] >= 0) return Lemma(head_[v]) == "fail" || Negated(head_[v]);
    return false;
  }
  // An infinitive a verb governs: "agreed to meet" (xcomp, or an advcl with
  // "to", as the parser sometimes has it).
  bool Governed(int v) const { return rel_[v] == kXcomp || (rel_[v] == kAdvcl && HasChildLemma(v, kMark, {"to"})); }
  int GovernedChild(int v) const {
    for (int c : Children(v)) {
      if (Governed(c)) return c;
    }
    return -1;
  }
  bool Future(int v) const { return HasChildLemma(v, kAux, {"will", "would", "shall", "'ll"}); }

  // The words naming who does what v says, before resolving them to actors.
  void Subjects(int v, std::vector<int>* out, int depth = 0) const {
    for (int c : Children(v)) {
      if (rel_[c] == kSubject || rel_[c] == kPassiveSubject) AddConjuncts(c, out);
    }
    if (!out->empty() || depth > 4 || head_[v] < 0) return;
    const int h = head_[v];
    switch (rel_[v]) {
      case kConj:
      case kAdvcl: Subjects(h, out, depth + 1); break;  // "X met Y and signed ...", "..., killing 10"
      case kXcomp: {  // "urged Iran to talk": the object; "agreed to talk": the subject
        int obj = Child(h, kObject);
        if (obj >= 0)
          AddConjuncts(obj, out);
        else
          Subjects(h, out, depth + 1);
        break;
      }
      case kAcl:
      case kRelcl: AddConjuncts(h, out); break;  // "rebels attacking the town"
      default: break;
    }
  }
  // Its targets: objects, then obliques by preposition, then the object's own "on X".
  void Targets(int v, std::vector<int>* out) const {
    for (int c : Children(v)) {
      if (rel_[c] == kObject || rel_[c] == kIndirectObject) AddConjuncts(c, out);
    }
    // The oblique whose preposition ranks first, among those that name an
    // actor if any do ("arrived in Amman on a visit": Amman).
    int best = -1, best_rank = 1000;
    bool best_names_actor = false;
    for (int c : Children(v)) {
      if (rel_[c] != kOblique) continue;
      const int rank = PrepositionRank(CaseOf(c));
      if (rank < 0) continue;
      const bool names_actor = ActorOf(c).present();
      if ((names_actor && !best_names_actor) || (names_actor == best_names_actor && rank < best_rank)) {
        best = c, best_rank = rank, best_names_actor = names_actor;
      }
    }
    if (best >= 0) AddConjuncts(best, out);
    // Inside the object, or an oblique that names an act ("called for a
    // boycott against X").
    for (int c : Children(v)) {
      if (rel_[c] == kObject || (rel_[c] == kOblique && c != best)) NominalTargets(c, out);
    }
  }
  // Inside an object that names an event or a relation: "an attack on X",
  // "talks with X", "the resumption of ties with X", "an attack by X" (whom
  // condemning it is aimed at), through "of" a few nouns deep.
  void NominalTargets(int noun, std::vector<int>* out, int depth = 0) const {
    for (int g : Children(noun)) {
      if (rel_[g] != kNmod) continue;
      std::string_view p = CaseOf(g);
      if (p == "of" && depth < 2) {
        NominalTargets(g, out, depth + 1);
      } else if (p == "by" || (PrepositionRank(p) >= 0 && PrepositionRank(p) <= PrepositionRank("at"))) {
        AddConjuncts(g, out);
      }
    }
  }
  void Agents(int v, std::vector<int>* out) const {
    for (int c : Children(v)) {
      if (rel_[c] == kAgent) AddConjuncts(c, out);
    }
  }

  // "Russia and China": each conjunct is an actor of its own.
  void AddConjuncts(int w, std::vector<int>* out) const {
    out->push_back(w);
    for (int c : Children(w)) {
      if (rel_[c] == kConj && out->size() < 8) AddConjuncts(c, out);
    }
  }

  // Whether v is the content of the speech act it hangs on: a clause under a
  // verb coded as an appeal, demand, disapproval, rejection or threat
  // (`root_of` each verb's CAMEO root, or -1), under a noun naming one ("an
  // appeal to lay down arms", "its demand that Israel ease"), or on the object
  // of such a verb ("accused the rebels of violating").
  bool ContentOfSpeechAct(int v, std::span<const int> root_of) const {
    auto speech = [&](int w) { return AddressesSomeone(root_of[w]); };
    const Rel r = rel_[v];
    const int h = head_[v];
    if (h < 0 || (r != kCcomp && r != kXcomp && r != kAdvcl && r != kAcl && r != kRelcl)) return false;
    if (r != kRelcl && speech(h)) return true;
    if (s_.syntax.tags[h] != syntax::Upos::kNoun) return false;
    if (OneOf(Lemma(h), {"demand", "call", "appeal", "request", "plea", "reminder", "ultimatum", "proposal",
                         "accusation", "warning", "threat", "order", "resolution"})) {
      return true;
    }
    return r == kAcl && rel_[h] == kObject && head_[h] >= 0 && speech(head_[h]);
  }

  // The reporting verb whose clause v is ("said Iraq must", also when the
  // parser hangs "that Sudan must return" on a word after "said"): the first
  // verb above v, if it reports; else -1.
  int ReportingVerbAbove(int v) const {
    for (int w = head_[v], steps = 0; w >= 0 && steps < 3; w = head_[w], ++steps) {
      if (s_.syntax.tags[w] == syntax::Upos::kVerb) return extraction::ReportingVerb(Lemma(w)) ? w : -1;
    }
    return -1;
  }

  bool AnyActor(std::span<const int> words) const {
    return std::any_of(words.begin(), words.end(), [&](int w) { return ActorOf(w).present(); });
  }

  // The actor a word names: its own mention, a modifier's, a pronoun's referent.
  ClauseActor ActorOf(int w, int depth = 0) const {
    ClauseActor a;
    a.word = w;
    std::string_view lemma = Lemma(w);
    if (OneOf(lemma, {"who", "which", "that", "whom"}) && head_[w] >= 0 && rel_[head_[w]] == kRelcl && depth < 2) {
      // "rebels who attacked": the rebels. A relative clause the parser hung
      // on the verb instead ("condemned troops, which attacked") has the
      // nearest actor before the pronoun.
      int antecedent = head_[head_[w]];
      if (antecedent < 0 || s_.syntax.tags[antecedent] == syntax::Upos::kVerb) {
        antecedent = -1;
        for (int k = w - 1; k >= 0 && k >= w - 3 && antecedent < 0; --k) {
          if (s_.mention_of_word[k] >= 0) antecedent = k;
        }
      }
      if (antecedent >= 0) return ActorOf(antecedent, depth + 1);
      return a;
    }
    if (OneOf(lemma, {"he", "she"}) && s_.last_person >= 0) {
      a.mention = s_.last_person;
      return a;
    }
    if (OneOf(lemma, {"it", "they", "we"}) && depth < 2) {
      // "Libya said it would ...": the reporting verb's subject.
      for (int v = head_[w]; v >= 0; v = head_[v]) {
        if (rel_[v] != kCcomp || head_[v] < 0) continue;
        std::vector<int> speakers;
        Subjects(head_[v], &speakers);
        if (!speakers.empty() && speakers[0] != w) return ActorOf(speakers[0], depth + 1);
        break;
      }
      return a;
    }
    a.mention = s_.mention_of_word[w];
    // A word that names no actor is one through its modifier only when it is
    // part of a name ("Taiwan's Vice ..."): "an earthquake in Turkey" is not Turkey.
    if (a.mention < 0) a.mention = ModifierMention(w, false);
    if (a.mention >= 0 && s_.mention_is_agent[a.mention]) a.country_mention = ModifierMention(w, true);
    return a;
  }

  // A mention on a word modifying w ("Russian", "of Iraq", "China's"); with
  // `countries_only`, only a mention that is not itself an agent.
  int ModifierMention(int w, bool countries_only, int depth = 0) const {
    for (int c : Children(w)) {
      Rel r = rel_[c];
      // An apposition restates an actor's name ("its neighbour, Eritrea"); after
      // a word that names none it is more often the parser's slip ("an
      // earthquake struck eastern Turkey" read as "earthquake, Turkey").
      const bool appos_ok = countries_only || s_.mention_of_word[w] >= 0;
      if (r != kAmod && r != kCompound && r != kPossessive && r != kNmod && r != kFlat && !(r == kAppos && appos_ok)) {
        continue;
      }
      if (r == kNmod && !OneOf(CaseOf(c), {"of", "in", "from", ""})) continue;
      int m = s_.mention_of_word[c];
      if (m >= 0 && m != s_.mention_of_word[w] && (!countries_only || !s_.mention_is_agent[m])) return m;
      if (depth < 1) {
        if (int deeper = ModifierMention(c, countries_only, depth + 1); deeper >= 0) return deeper;
      }
    }
    return -1;
  }

  // The lexicon pattern for verb v: the one with most words, all found among
  // its dependents (particle, object, preposition, governed verb), or a
  // PETRARCH phrase starting at it that has more words.
  int Pattern(int v) const {
    const KnowledgeBase& kb = kb_;
    int best = -1;
    size_t best_words = 0;
    const std::span<const uint32_t> patterns = kb.VerbsWithLemma(Lemma(v));
    // A verb herald's lexicon knows is coded by it or not at all: a loaded
    // dictionary's bare verb does not code what none of herald's patterns hold
    // ("break his country's isolation" is no 190).
    const bool herald_knows =
        std::any_of(patterns.begin(), patterns.end(), [&](uint32_t p) { return !kb.verbs()[p].from_dictionary; });
    for (uint32_t p : patterns) {
      const VerbPattern& pattern = kb.verbs()[p];
      if (herald_knows && pattern.from_dictionary && pattern.words.empty()) continue;
      // Ties go to the first: herald's own, before a loaded dictionary's
      // (whose patterns win with more words; see petrarch_verbs_first).
      if (best >= 0 && pattern.words.size() <= best_words) continue;
      if (std::all_of(pattern.words.begin(), pattern.words.end(), [&](const std::string& x) { return Holds(v, x); })) {
        best = static_cast<int>(p);
        best_words = pattern.words.size();
      }
    }
    // A PETRARCH phrase longer than herald's pattern wins ("rebuked sharply").
    if (int surface = s_.surface_verb_of_word[v]; surface >= 0) {
      const std::string& phrase = kb.verbs()[surface].phrase;
      const auto words = static_cast<size_t>(std::count(phrase.begin(), phrase.end(), ' '));
      if ((best < 0 || words > best_words) && !(herald_knows && words == 0)) best = surface;
    }
    return best;
  }

 private:
  // Whether a word of a pattern is among v's dependents.
  bool Holds(int v, std::string_view word) const {
    for (int c : Children(v)) {
      switch (rel_[c]) {
        case kParticle:
        case kAdvmod:
        case kXcomp:
          if (Is(c, word)) return true;
          break;
        case kObject:
        case kIndirectObject:
          if (InNominal(c, word)) return true;
          break;
        case kOblique:
        case kAgent:
          if (CaseOf(c) == word || InNominal(c, word)) return true;
          break;
        default: break;
      }
    }
    return false;
  }
  // Whether word w is `word`, as its lemma or its form in any case ("talks", "TALKS").
  bool Is(int w, std::string_view word) const { return Lemma(w) == word || EqualsFolded(s_.words[w], word); }
  // Whether a noun phrase holds `word`: its head, a modifier ("hunger
  // strike", "diplomatic ties"), a preposition or noun in its "of"/"with"
  // phrases ("resumption of ties", "talks with").
  bool InNominal(int noun, std::string_view word, int depth = 0) const {
    if (Is(noun, word)) return true;
    for (int g : Children(noun)) {
      const Rel r = rel_[g];
      if ((r == kCompound || r == kAmod || r == kCase) && Is(g, word)) return true;
      if (r == kNmod && depth < 2 && InNominal(g, word, depth + 1)) return true;
    }
    return false;
  }

  const KnowledgeBase& kb_;
  const ClauseSentence& s_;
  std::vector<int> head_;
  std::vector<Rel> rel_;
  std::vector<int> first_child_, children_;
};

}  // namespace herald::clause
