#include "processors/extraction/clause_coder.h"

#include "core/utf8.h"

#include <algorithm>
#include <array>

namespace herald {
namespace {

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

bool OneOf(std::string_view word, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), word) != set.end();
}

// Prepositions that introduce an event's target, most telling first: "fought
// against", "met with", "sent to", "fired on", ... "in" (the place, which
// event data codes as the target when nothing else is) last.
constexpr std::array<std::string_view, 12> kTargetPrepositions = {"against", "with",    "to",   "on",   "at",   "into",
                                                                  "toward",  "towards", "from", "over", "upon", "in"};

int PrepositionRank(std::string_view p) {
  auto it = std::find(kTargetPrepositions.begin(), kTargetPrepositions.end(), p);
  return it == kTargetPrepositions.end() ? -1 : static_cast<int>(it - kTargetPrepositions.begin());
}

// Words governing an infinitive that states an intention, not the act:
// "ready to host", "plans to impose".
bool IntentWord(std::string_view lemma) {
  return OneOf(lemma, {"ready", "prepared", "willing", "plan", "intend", "want", "hope", "expect", "prepare", "aim",
                       "eager", "determined", "committed", "poised", "set"});
}

// Verbs whose complement clause is what someone said, so "must" in it is a demand.
bool ReportingVerb(std::string_view lemma) {
  return OneOf(lemma, {"say", "tell", "declare", "insist", "state", "add", "stress", "announce", "write", "argue",
                       "reiterate", "assert", "maintain", "emphasize", "emphasise", "note", "warn"});
}

// Events whose "that" clause names who is asked or told to act: appeals (02),
// demands (10), disapproval (11), rejection (12), threats (13).
bool AddressesSomeone(int root) { return root == 2 || (root >= 10 && root <= 13); }

// Events that happen with one actor: statements, intentions, yielding,
// investigating, demands, rejections, threats, protest, force and violence.
// Others (meeting, praising, aiding) need a partner, unless the subject is
// several actors together ("Russia and China signed").
bool HappensAlone(int root) {
  return root == 1 || root == 3 || root == 8 || root == 9 || root == 10 || root == 12 || root == 13 || root == 14 ||
         root == 15 || root >= 17;
}

int Root(const KnowledgeBase& kb, uint32_t cameo_index) {
  const std::string& code = kb.cameo_events()[cameo_index].code;
  return (code[0] - '0') * 10 + (code[1] - '0');
}

// The intention to do what `root` codes: to cooperate (03x) or, for conflict, a threat (13x).
std::string_view IntentCode(int root) {
  switch (root) {
    case 4: return "036";
    case 5: return "032";
    case 6: return "031";
    case 7: return "033";
    case 8: return "035";
    case 14: return "133";
    case 16: return "131";
    case 17: return "137";
    case 18:
    case 19:
    case 20: return "138";
    default: return root <= 8 ? "030" : "130";
  }
}

// An agent with no country of its own in the clause ("the minister") would
// take the article's; beside an actor the clause does place ("Taiwan's"),
// that guess is dropped.
void DropGuessedBesidePlaced(const ClauseSentence& s, std::vector<ClauseActor>* actors) {
  auto guessed = [&](const ClauseActor& a) { return s.mention_is_agent[a.mention] && a.country_mention < 0; };
  if (std::all_of(actors->begin(), actors->end(), guessed)) return;
  std::erase_if(*actors, guessed);
}

}  // namespace

// One sentence's tree, with children lists, and the clause-level questions the coder asks of it.
class ClauseCoder::Clauses {
 public:
  Clauses(const ClauseCoder& coder, const ClauseSentence& s) : coder_(coder), s_(s) {
    const size_t n = s.words.size();
    head_.resize(n);
    rel_.resize(n);
    first_child_.assign(n + 1, 0);
    for (size_t i = 0; i < n; ++i) {
      head_[i] = s.syntax.arcs[i].head - 1;
      const int r = s.syntax.arcs[i].relation;
      rel_[i] =
          r >= 0 && r < static_cast<int>(coder.kind_of_relation_.size()) ? Rel(coder.kind_of_relation_[r]) : kOther;
      if (head_[i] >= 0) ++first_child_[head_[i] + 1];
    }
    for (size_t i = 0; i < n; ++i) first_child_[i + 1] += first_child_[i];
    children_.resize(first_child_[n]);
    std::vector<int> fill(first_child_.begin(), first_child_.end() - 1);
    for (size_t i = 0; i < n; ++i) {
      if (head_[i] >= 0) children_[fill[head_[i]]++] = static_cast<int>(i);
    }
  }

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
  std::string_view CaseOf(int w) const {
    int c = Child(w, kCase);
    return c < 0 ? std::string_view() : Lemma(c);
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
    int best = -1, best_rank = 1000;
    for (int c : Children(v)) {
      if (rel_[c] != kOblique) continue;
      int rank = PrepositionRank(CaseOf(c));
      if (rank >= 0 && rank < best_rank) best = c, best_rank = rank;
    }
    if (best >= 0) AddConjuncts(best, out);
    for (int c : Children(v)) {
      if (rel_[c] == kObject) NominalTargets(c, out);
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
    auto speech = [&](int w) { return root_of[w] == 2 || (root_of[w] >= 10 && root_of[w] <= 13); };
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
      if (s_.syntax.tags[w] == syntax::Upos::kVerb) return ReportingVerb(Lemma(w)) ? w : -1;
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
    const KnowledgeBase& kb = coder_.kb_;
    int best = -1;
    size_t best_words = 0;
    for (uint32_t p : kb.VerbsWithLemma(Lemma(v))) {
      const VerbPattern& pattern = kb.verbs()[p];
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
      if (best < 0 || static_cast<size_t>(std::count(phrase.begin(), phrase.end(), ' ')) > best_words) best = surface;
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
  bool Is(int w, std::string_view word) const {
    if (Lemma(w) == word) return true;
    std::string_view form = s_.words[w];
    return form.size() == word.size() &&
           std::equal(form.begin(), form.end(), word.begin(), [](char a, char b) { return FoldCase(a) == b; });
  }
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

  const ClauseCoder& coder_;
  const ClauseSentence& s_;
  std::vector<int> head_;
  std::vector<Rel> rel_;
  std::vector<int> first_child_, children_;
};

ClauseCoder::ClauseCoder(const KnowledgeBase& kb, const syntax::Syntax& syntax) : kb_(kb) {
  kind_of_relation_.assign(syntax.parser().relations().size(), kOther);
  for (const auto& [name, kind] : kRelationKinds) {
    if (int r = syntax.RelationIndex(name); r >= 0) kind_of_relation_[r] = kind;
  }
}

void ClauseCoder::Code(const ClauseSentence& s, std::vector<CodedClause>* out) const {
  const int n = static_cast<int>(s.words.size());
  if (n == 0 || s.syntax.arcs.size() != s.words.size()) return;
  const Clauses clauses(*this, s);
  std::vector<int> pattern(n, -1);
  std::vector<int> root_of(n, -1);  // the CAMEO root a verb's pattern codes
  for (int v = 0; v < n; ++v) {
    if (s.syntax.tags[v] == syntax::Upos::kVerb) pattern[v] = clauses.Pattern(v);
    if (pattern[v] >= 0) root_of[v] = Root(kb_, kb_.verbs()[pattern[v]].cameo_index);
  }
  std::vector<int> sources, targets;
  auto emit = [&](int v, uint32_t verb, std::string_view code, std::string_view rule, float confidence) {
    int cameo = kb_.CameoIndex(code);
    if (cameo < 0) return;
    std::vector<ClauseActor> from, to;
    for (int w : sources) {
      if (ClauseActor a = clauses.ActorOf(w); a.present()) from.push_back(a);
    }
    for (int w : targets) {
      if (ClauseActor a = clauses.ActorOf(w); a.present()) to.push_back(a);
    }
    DropGuessedBesidePlaced(s, &from);
    DropGuessedBesidePlaced(s, &to);
    for (const ClauseActor& a : from) {
      bool any_target = false;
      for (const ClauseActor& b : to) {
        if (b.mention == a.mention) continue;
        out->push_back({a, b, verb, static_cast<uint32_t>(cameo), v, rule, confidence});
        any_target = true;
      }
      const bool alone_ok = HappensAlone(Root(kb_, static_cast<uint32_t>(cameo))) || from.size() > 1;
      if (!any_target && alone_ok) {
        out->push_back({a, {}, verb, static_cast<uint32_t>(cameo), v, rule, confidence - 0.1f, !targets.empty()});
      }
    }
    // Force and violence whose doer the text does not name ("three soldiers
    // were killed", "a roadside bomb killed two soldiers") still hit someone;
    // an earthquake that injures people does not make an assault.
    if (from.empty() && Root(kb_, static_cast<uint32_t>(cameo)) >= 17 && clauses.ViolentWithoutDoer(v)) {
      for (const ClauseActor& b : to) {
        out->push_back({{}, b, verb, static_cast<uint32_t>(cameo), v, rule, confidence - 0.3f});
      }
    }
  };

  for (int v = 0; v < n; ++v) {
    const int h = clauses.Head(v);
    // "France said Iraq must cooperate": a demand by the speaker of the one who must.
    if (const int speech = clauses.ReportingVerbAbove(v);
        speech >= 0 && clauses.HasChildLemma(v, kAux, {"must", "should"})) {
      sources.clear();
      targets.clear();
      clauses.Subjects(speech, &sources);
      clauses.Subjects(v, &targets);
      emit(v, pattern[v] >= 0 ? pattern[v] : kNoPattern, "100", "demand", 0.7f);
      continue;
    }
    if (pattern[v] < 0) continue;
    // "agreed to withdraw", "threatened to attack": the governing verb's event says it.
    if (clauses.Governed(v) && h >= 0 && pattern[h] >= 0) continue;
    // "denied that it attacked": the denial is the event.
    if (h >= 0 && clauses.Lemma(h) == "deny" && (clauses.RelOf(v) == kCcomp || clauses.Governed(v))) continue;
    // "demanded that Israel ease restrictions", "accused rebels of violating",
    // "rejected an appeal to lay down arms": what is asked, charged or refused
    // is the content of that event, not an act of its own.
    if (clauses.ContentOfSpeechAct(v, root_of)) continue;

    const VerbPattern& verb = kb_.verbs()[pattern[v]];
    std::string_view code = kb_.cameo_events()[verb.cameo_index].code;
    const int root = Root(kb_, verb.cameo_index);
    std::string_view rule = "active";
    float confidence = 0.9f;
    if (clauses.Negated(v)) {
      if (root < 3 || root > 8) continue;  // "did not attack": nothing happened
      code = "120";                        // "will not accept", "failed to reach agreement": a rejection
      rule = "refusal";
    } else if (clauses.Future(v) || (clauses.Governed(v) && h >= 0 && IntentWord(clauses.Lemma(h)))) {
      if (root != 3 && root != 13) code = IntentCode(root);
      rule = "intent";
      confidence = 0.8f;
    }
    sources.clear();
    targets.clear();
    if (clauses.Passive(v)) {
      clauses.Agents(v, &sources);
      clauses.Subjects(v, &targets);
      if (rule == "active") rule = "passive";
    } else {
      clauses.Subjects(v, &sources);
      clauses.Targets(v, &targets);
      // With no actor among its own targets: the governed verb's ("offered to
      // hand over to Britain"), else, for an appeal, demand or rejection, who
      // is to act in the clause it governs ("demanded that North Korea forsake").
      if (!clauses.AnyActor(targets)) {
        if (int x = clauses.GovernedChild(v); x >= 0) clauses.Targets(x, &targets);
      }
      if (!clauses.AnyActor(targets) && AddressesSomeone(root)) {
        for (int c : clauses.Children(v)) {
          if (clauses.RelOf(c) == kCcomp) clauses.Subjects(c, &targets);
        }
      }
    }
    if (verb.lemma.empty()) confidence -= 0.1f;  // a PETRARCH phrase, not herald's own pattern
    emit(v, pattern[v], code, rule, confidence);
  }
}

}  // namespace herald
