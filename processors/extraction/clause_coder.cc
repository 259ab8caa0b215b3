#include "processors/extraction/clause_coder.h"

#include <algorithm>

#include "processors/extraction/clause_tree.h"

namespace herald {
namespace {

using namespace clause;  // NOLINT: the tree's relations and word lists, read throughout

// Words governing an infinitive that states an intention, not the act:
// "ready to host", "plans to impose".
bool IntentWord(std::string_view lemma) {
  return OneOf(lemma, {"ready", "prepared", "willing", "plan", "intend", "want", "hope", "expect", "prepare", "aim",
                       "eager", "determined", "committed", "poised", "set"});
}

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

// Who acts in verb v's clause and on whom (word indexes); true for a passive.
bool Arguments(const ClauseTree& clauses, int v, int root, std::vector<int>* sources, std::vector<int>* targets) {
  sources->clear();
  targets->clear();
  if (clauses.Passive(v)) {
    clauses.Agents(v, sources);
    clauses.Subjects(v, targets);
    return true;
  }
  clauses.Subjects(v, sources);
  clauses.Targets(v, targets);
  // With no actor among its own targets: the governed verb's ("offered to
  // hand over to Britain"), else, for an appeal, demand or rejection, who
  // is to act in the clause it governs ("demanded that North Korea forsake").
  if (!clauses.AnyActor(*targets)) {
    if (int x = clauses.GovernedChild(v); x >= 0) clauses.Targets(x, targets);
  }
  if (!clauses.AnyActor(*targets) && AddressesSomeone(root)) {
    for (int c : clauses.Children(v)) {
      if (clauses.RelOf(c) == kCcomp) clauses.Subjects(c, targets);
    }
  }
  return false;
}

}  // namespace

ClauseCoder::ClauseCoder(const KnowledgeBase& kb, const syntax::Syntax& syntax) : kb_(kb) {
  kind_of_relation_.assign(syntax.parser().relations().size(), kOther);
  for (const auto& [name, kind] : kRelationKinds) {
    if (int r = syntax.RelationIndex(name); r >= 0) kind_of_relation_[r] = kind;
  }
}

// The clause's events: each source actor with each target actor, or alone
// where CAMEO allows it, or violence with no named doer on its targets.
void ClauseCoder::Emit(const clause::ClauseTree& clauses, const ClauseEvent& e, std::span<const int> sources,
                       std::span<const int> targets, std::vector<CodedClause>* out) const {
  const int cameo = kb_.CameoIndex(e.code);
  if (cameo < 0) return;
  const auto index = static_cast<uint32_t>(cameo);
  const int root = Root(kb_, index);
  std::vector<ClauseActor> from, to;
  for (int w : sources) {
    if (ClauseActor a = clauses.ActorOf(w); a.present()) from.push_back(a);
  }
  for (int w : targets) {
    if (ClauseActor a = clauses.ActorOf(w); a.present()) to.push_back(a);
  }
  DropGuessedBesidePlaced(clauses.sentence(), &from);
  DropGuessedBesidePlaced(clauses.sentence(), &to);
  for (const ClauseActor& a : from) {
    bool any_target = false;
    for (const ClauseActor& b : to) {
      if (b.mention == a.mention) continue;
      out->push_back({a, b, e.verb, index, e.trigger, e.rule, e.confidence});
      any_target = true;
    }
    const bool alone_ok = HappensAlone(root) || from.size() > 1;
    if (!any_target && alone_ok) {
      out->push_back({a, {}, e.verb, index, e.trigger, e.rule, e.confidence - 0.1f, !targets.empty()});
    }
  }
  // Force and violence whose doer the text does not name ("three soldiers
  // were killed", "a roadside bomb killed two soldiers") still hit someone;
  // an earthquake that injures people does not make an assault.
  if (from.empty() && root >= 17 && clauses.ViolentWithoutDoer(e.trigger)) {
    for (const ClauseActor& b : to) out->push_back({{}, b, e.verb, index, e.trigger, e.rule, e.confidence - 0.3f});
  }
}

void ClauseCoder::Code(const ClauseSentence& s, std::vector<CodedClause>* out) const {
  const int n = static_cast<int>(s.words.size());
  if (n == 0 || s.syntax.arcs.size() != s.words.size()) return;
  const ClauseTree clauses(kb_, kind_of_relation_, s);
  std::vector<int> pattern(n, -1);
  std::vector<int> root_of(n, -1);  // the CAMEO root a verb's pattern codes
  for (int v = 0; v < n; ++v) {
    if (s.syntax.tags[v] == syntax::Upos::kVerb) pattern[v] = clauses.Pattern(v);
    if (pattern[v] >= 0) root_of[v] = Root(kb_, kb_.verbs()[pattern[v]].cameo_index);
  }
  std::vector<int> sources, targets;
  for (int v = 0; v < n; ++v) {
    const int h = clauses.Head(v);
    // "France said Iraq must cooperate": a demand by the speaker of the one who must.
    if (const int speech = clauses.ReportingVerbAbove(v);
        speech >= 0 && clauses.HasChildLemma(v, kAux, {"must", "should"})) {
      sources.clear();
      targets.clear();
      clauses.Subjects(speech, &sources);
      clauses.Subjects(v, &targets);
      Emit(clauses, {v, pattern[v] >= 0 ? static_cast<uint32_t>(pattern[v]) : kNoPattern, "100", "demand", 0.7f},
           sources, targets, out);
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
    const int root = root_of[v];
    std::string_view rule = "active";
    float confidence = 0.9f;
    if (clauses.Negated(v)) {
      if (root < 3 || root > 8) continue;  // "did not attack": nothing happened
      code = "120";                        // "will not accept", "failed to reach agreement": a rejection
      rule = "refusal";
    } else if ((clauses.Future(v) && !(verb.from_dictionary && kb_.dictionary_verbs_first())) ||
               (clauses.Governed(v) && h >= 0 && IntentWord(clauses.Lemma(h)))) {
      if (root != 3 && root != 13) code = IntentCode(root);
      rule = "intent";
      confidence = 0.8f;
    }
    if (Arguments(clauses, v, root, &sources, &targets) && rule == "active") rule = "passive";
    if (verb.lemma.empty()) confidence -= 0.1f;  // a PETRARCH phrase, not herald's own pattern
    Emit(clauses, {v, static_cast<uint32_t>(pattern[v]), code, rule, confidence}, sources, targets, out);
  }
}

}  // namespace herald
