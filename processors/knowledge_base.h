// knowledge_base.h: what herald knows about the world, compiled into one
// phrase matcher so that an article is scanned once whatever the dictionary size.
//
//   Result<std::shared_ptr<const KnowledgeBase>> kb = KnowledgeBase::LoadBuiltin();
//   for (const PhraseMatcher::Match& m : (*kb)->matcher().FindLongest(text)) {
//     const KnowledgeBase::Term& term = (*kb)->term(m.id);
//     if (term.kind == TermKind::kCountryName) { const Country& c = (*kb)->countries()[term.index]; }
//   }
//
// The built-in tables live in processors/knowledge/*.tsv (embedded at build
// time); each file's header comment gives its columns. KnowledgeSources names
// what a deployment adds at run time, without a rebuild: its own copy of those
// tables, a GeoNames cities dump, GDELT's CAMEO Goldstein table, and
// PETRARCH/Phoenix verb, actor and agent dictionaries, and a syntax model.
//
// Thread-safety: immutable after loading; share one instance across threads.
// Failure: a malformed table line is reported with its file and line number.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/settings.h"
#include "core/status.h"
#include "core/string_hash.h"
#include "processors/phrase_matcher.h"
#include "processors/syntax/syntax.h"

namespace herald {

struct Country {
  std::string iso3, iso2, name, capital;
  double capital_lat = 0, capital_lon = 0, lat = 0, lon = 0;
};

struct Place {
  std::string name, type, iso3;
  double lat = 0, lon = 0;
  int64_t geonames_id = 0;
  int64_t population = 0;  // GeoNames places only
};

struct Organization {
  std::string name, actor_code, iso3;
};

struct Role {
  std::string phrase, sector;
};

struct CameoEvent {
  std::string code, plover, description;
  std::string plover_mode;  // how, within the category (plover_modes.tsv): "phone", "riot", ...; may be empty
  double goldstein = 0;
  uint32_t quad_class = 0;
};

// What codes an event. herald's own patterns (verbs.tsv) are a verb's lemma and
// the words its clause must also hold: the lemma of its object ("hold talk"), a
// particle ("call off"), the preposition before its target ("meet with") or
// the verb it governs ("threaten attack"); the event coder matches them on the
// parse. PETRARCH's patterns are phrases matched in the text (lemma empty).
struct VerbPattern {
  std::string phrase;
  uint32_t cameo_index = 0;  // into cameo_events()
  std::string lemma;
  std::vector<std::string> words;  // besides the lemma
  bool from_dictionary = false;    // PETRARCH's, loaded at run time
};

struct Theme {
  std::string name;
};

// An actor from a PETRARCH/Phoenix actor dictionary: a name and its CAMEO code.
struct DictionaryActor {
  std::string name, code;
};

// herald's own tables, each processors/knowledge/<name>.tsv, in the order they load
// (verbs name CAMEO codes, so cameo comes before them). The one list of them: CMake
// embeds the folder, and a test checks the folder holds exactly these.
inline constexpr std::string_view kKnowledgeTables[] = {"common_words", "countries", "places",       "organizations",
                                                        "roles",        "agents",    "plover_modes", "cameo",
                                                        "verbs",        "themes",    "tone"};

// What to load besides (or instead of) the built-in tables. Empty means none.
struct KnowledgeSources {
  // A directory with every one of herald's tables (kKnowledgeTables, as .tsv files)
  // replacing the built-in ones.
  std::string tables_dir;
  // GeoNames cities: the standard dump (cities15000.txt) or a tab-separated subset
  // whose first row names the columns (geonameid, name, asciiname, latitude, ...).
  std::string geonames_cities;
  // Optional: "geonameid<TAB>alternatenames" rows (with a header row) for that subset.
  std::string geonames_alternate_names;
  // Cities smaller than this are left out (common words are often small places).
  int64_t geonames_min_population = 15000;
  // GDELT's CAMEO.goldsteinscale.txt: "code<TAB>value" rows.
  std::string cameo_goldstein;
  // PETRARCH/Phoenix dictionaries.
  std::string petrarch_verbs;
  // The dictionary's codes replace herald's lexicon on every verb it has a
  // pattern for (PETRARCH's own coding), instead of refining it; a future
  // verb keeps the dictionary's code rather than becoming an intent or threat.
  bool petrarch_verbs_first = false;
  std::vector<std::string> petrarch_actors;
  std::string petrarch_agents;
  // A syntax model file (`herald train syntax`) replacing the built-in one.
  std::string syntax_model;
};

enum class TermKind : uint8_t {
  kCountryName,
  kDemonym,
  kCapital,
  kPlace,
  kOrganization,
  kRole,
  kVerb,
  kAgent,  // "troops", "police", "rebels": an actor's sector, its country from elsewhere
  kThemeKeyword,
  kActor,
  kTone,  // index 0: positive, 1: negative
};

class KnowledgeBase {
 public:
  struct Term {
    TermKind kind;
    uint32_t index;  // into the table of its kind (countries for the first three)
  };

  // The tables compiled into herald.
  static Result<std::shared_ptr<const KnowledgeBase>> LoadBuiltin() { return Load({}); }
  static Result<std::shared_ptr<const KnowledgeBase>> Load(const KnowledgeSources& sources);

  const PhraseMatcher& matcher() const { return matcher_; }
  // The tagger, lemmatiser and parser the event coder reads sentences with.
  const syntax::Syntax& syntax() const { return *syntax_; }
  const Term& term(uint32_t id) const { return terms_[id]; }

  const std::vector<Country>& countries() const { return countries_; }
  const std::vector<Place>& places() const { return places_; }
  const std::vector<Organization>& organizations() const { return organizations_; }
  const std::vector<Role>& roles() const { return roles_; }
  const std::vector<CameoEvent>& cameo_events() const { return cameo_events_; }
  const std::vector<VerbPattern>& verbs() const { return verbs_; }
  // Whether a loaded verb dictionary codes the verbs it covers on its own
  // (KnowledgeSources::petrarch_verbs_first).
  bool dictionary_verbs_first() const { return dictionary_verbs_first_; }
  // Indexes into verbs() of the patterns whose lemma is `lemma` (none: empty).
  std::span<const uint32_t> VerbsWithLemma(std::string_view lemma) const;
  // Agent words (agents.tsv, and PETRARCH's agents when loaded): phrase and sector.
  const std::vector<Role>& agents() const { return agents_; }
  const std::vector<Theme>& themes() const { return themes_; }
  const std::vector<DictionaryActor>& actors() const { return actors_; }
  // Index into cameo_events() of a CAMEO code; codes the tables lack are resolved
  // through their parents ("0431" -> "043" -> "04"). -1 for an unknown root.
  int CameoIndex(std::string_view code) const;
  // Index into countries() of an ISO alpha-3 code, or -1.
  int CountryIndex(std::string_view iso3) const;

 private:
  class Builder;

  std::vector<Country> countries_;
  std::vector<Place> places_;
  std::vector<Organization> organizations_;
  std::vector<Role> roles_;
  std::vector<CameoEvent> cameo_events_;
  std::vector<VerbPattern> verbs_;
  StringMap<std::vector<uint32_t>> verbs_by_lemma_;
  std::vector<Role> agents_;
  std::vector<Theme> themes_;
  std::vector<DictionaryActor> actors_;
  std::vector<Term> terms_;
  std::unordered_map<std::string, uint32_t> cameo_index_;
  PhraseMatcher matcher_;
  std::shared_ptr<const syntax::Syntax> syntax_;
  bool dictionary_verbs_first_ = false;
};

// The knowledge.* settings: the run-time sources above, for `process` and `extract`.
void DeclareKnowledgeSettings(SettingsTable& table, KnowledgeSources* sources);

}  // namespace herald
