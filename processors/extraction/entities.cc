// ExtractEntities (passes.h): countries, persons, organisations and
// locations, from the knowledge base's matches and the names around them, and
// the actor mentions the events pass codes.
#include <algorithm>
#include <string>

#include "processors/extraction/passes.h"
#include "processors/extraction/record_building.h"

namespace herald::extraction {
namespace {

void AddCountryMention(KeyedMessages<v1::CountryMention>* countries, const Country& c, uint32_t b, uint32_t e) {
  v1::CountryMention& m = (*countries)[c.iso3];
  m.set_code(c.iso3);
  m.set_name(c.name);
  m.set_mentions(m.mentions() + 1);
  SetSpan(m.add_spans(), b, e);
}

// A capitalised run of 1-3 words right after a role title is a person's name.
std::string_view NameAfter(std::string_view text, uint32_t pos, uint32_t* name_begin, uint32_t* name_end) {
  size_t i = pos;
  while (i < text.size() && text[i] == ' ') ++i;
  size_t begin = i, end = i;
  int words = 0;
  while (words < 3 && i < text.size() && IsUpper(text[i])) {
    size_t w = i;
    while (i < text.size() && (IsAlpha(text[i]) || text[i] == '-' || static_cast<unsigned char>(text[i]) >= 0x80)) ++i;
    std::string_view word = text.substr(w, i - w);
    if (word.size() < 2 || StopsName(word)) break;
    end = i;
    ++words;
    if (i >= text.size() || text[i] != ' ') break;
    ++i;
  }
  if (words == 0) return {};
  *name_begin = static_cast<uint32_t>(begin);
  *name_end = static_cast<uint32_t>(end);
  return text.substr(begin, end - begin);
}

// The country modifying a role: "US Defense Secretary", "Chinese Defence Minister", "China's Foreign Minister".
const Country* CountryBefore(const Context& ctx, size_t entity_index, uint32_t role_begin, uint32_t* modifier_begin) {
  if (entity_index == 0) return nullptr;
  const Match& prev = ctx.entities[entity_index - 1];
  const KnowledgeBase::Term& t = ctx.kb.term(prev.id);
  if (t.kind != TermKind::kCountryName && t.kind != TermKind::kDemonym) return nullptr;
  std::string_view gap = ctx.text.substr(prev.end, role_begin - prev.end);
  if (gap != " " && gap != "'s " && gap != "’s ") return nullptr;
  *modifier_begin = prev.begin;
  return &ctx.kb.countries()[t.index];
}

// The person whose name is `name`, or ends with it as a family name, or starts
// with it as a given name ("Austin", "Daniel" after "Daniel Montalvo").
v1::Person* FindPerson(google::protobuf::RepeatedPtrField<v1::Person>* persons, std::string_view name) {
  for (v1::Person& p : *persons) {
    std::string_view full = p.name();
    bool family = full.size() > name.size() && full.ends_with(name) && full[full.size() - name.size() - 1] == ' ';
    bool given = full.size() > name.size() && full.starts_with(name) && full[name.size()] == ' ';
    if (full == name || family || given) return &p;
  }
  return nullptr;
}

}  // namespace

bool IsEntityKind(TermKind k) { return k != TermKind::kThemeKeyword && k != TermKind::kVerb && k != TermKind::kTone; }

namespace {

// One article's entities, built pass by pass into the record.
class EntityPass {
 public:
  explicit EntityPass(Context& ctx)
      : ctx_(ctx),
        countries_(ctx.record->GetArena()),
        locations_(ctx.record->GetArena()),
        organizations_(ctx.record->GetArena()),
        persons_(*ctx.record->mutable_persons()) {}

  void Run() {
    sports_report_ = IsSportsReport();
    PersonsWithRoles();
    NamesByShape();
    DictionaryEntities();
    RankCountries();
  }

 private:
  // A report of a match or a tournament: SPORTS keywords (themes.tsv) three times or more.
  bool IsSportsReport() const {
    constexpr uint32_t kSportsReportHits = 3;
    const std::vector<Theme>& themes = ctx_.kb.themes();
    const auto sports = std::find_if(themes.begin(), themes.end(), [](const Theme& t) { return t.name == "SPORTS"; });
    if (sports == themes.end()) return false;
    const auto index = static_cast<uint32_t>(sports - themes.begin());
    uint32_t hits = 0;
    for (const Match& m : ctx_.all) {
      const KnowledgeBase::Term& t = ctx_.kb.term(m.id);
      hits += t.kind == TermKind::kThemeKeyword && t.index == index;
    }
    return hits >= kSportsReportHits;
  }

  // Persons first: a name after a role title wins over a place of the same name
  // ("Defense Secretary Lloyd Austin", not Austin, Texas).
  void PersonsWithRoles() {
    for (size_t i = 0; i < ctx_.entities.size(); ++i) {
      const Match& m = ctx_.entities[i];
      const KnowledgeBase::Term& t = ctx_.kb.term(m.id);
      if (t.kind != TermKind::kRole) continue;
      uint32_t name_begin = 0, name_end = 0;
      std::string_view name = NameAfter(ctx_.text, m.end, &name_begin, &name_end);
      if (name.empty()) {
        // No name: "Chinese troops", "the Iraqi government" still code an actor.
        uint32_t modifier_begin = m.begin;
        const std::string& sector = ctx_.kb.roles()[t.index].sector;
        if (const Country* country = CountryBefore(ctx_, i, m.begin, &modifier_begin)) {
          ctx_.actors.push_back({modifier_begin, m.end, country->iso3 + sector,
                                 ctx_.text.substr(modifier_begin, m.end - modifier_begin), country->iso3,
                                 ActorMention::kAgent, sector});
          person_ranges_.emplace_back(modifier_begin, m.end);
        } else {
          // "the President said": the sector, its country from the clause or the article.
          ctx_.actors.push_back(
              {m.begin, m.end, sector, ctx_.text.substr(m.begin, m.end - m.begin), {}, ActorMention::kAgent, sector});
        }
        continue;
      }
      // "Minister China" is no name; "Secretary Austin" is.
      bool starts_with_country = i + 1 < ctx_.entities.size() && ctx_.entities[i + 1].begin == name_begin &&
                                 (ctx_.kb.term(ctx_.entities[i + 1].id).kind == TermKind::kCountryName ||
                                  ctx_.kb.term(ctx_.entities[i + 1].id).kind == TermKind::kDemonym);
      if (starts_with_country) continue;
      uint32_t role_begin = m.begin;
      const Country* country = CountryBefore(ctx_, i, m.begin, &role_begin);
      const Role& role = ctx_.kb.roles()[t.index];
      std::string role_text(ctx_.text.substr(role_begin, m.end - role_begin));
      std::string iso3 = country ? country->iso3 : "";
      v1::Person* person = FindPerson(&persons_, name);
      if (!person) {
        person = persons_.Add();
        person->set_name(std::string(name));
      }
      if (person->role().size() < role_text.size()) person->set_role(role_text);
      if (person->country_code().empty() && !iso3.empty()) {
        person->set_country_code(iso3);
        person->set_actor_code(iso3 + role.sector);
      }
      SetSpan(person->add_spans(), name_begin, name_end);
      person_ranges_.emplace_back(m.begin, name_end);
      person_sectors_.emplace_back(person, role.sector);
      // A role without a country ("President Smith") takes one from the clause or the article.
      ctx_.actors.push_back({role_begin, name_end, person->actor_code(), person->name(), person->country_code(),
                             ActorMention::kPerson, role.sector});
    }
  }

  // Then names no dictionary knows, by the shape of the words around them.
  // Runs and entities are both in text order, and entities do not overlap: one
  // cursor walks the entities alongside the runs.
  void NamesByShape() {
    size_t cursor = 0;
    FindCapitalisedRuns(ctx_.text, ctx_.words, &ctx_.name_runs);
    const syntax::Tagger& tagger = ctx_.kb.syntax().tagger();
    for (const NameRun& capitalised : ctx_.name_runs.runs) {
      while (cursor < ctx_.entities.size() && ctx_.entities[cursor].end <= capitalised.begin) ++cursor;
      const Match* first_known = nullptr;
      bool exactly_known = false;
      for (size_t k = cursor; k < ctx_.entities.size(); ++k) {
        const Match& e = ctx_.entities[k];
        if (e.begin >= capitalised.end) break;
        if (!first_known) first_known = &e;
        if (e.begin == capitalised.begin && e.end == capitalised.end) exactly_known = true;
      }
      if (exactly_known || InPerson(Match{capitalised.begin, capitalised.end, 0})) continue;
      // A run no dictionary touches is a name as far as the tagger reads it as one.
      // A person named before ("Whitmore stated") is one whatever the tagger
      // reads, and so is one word (a name alone only after "Mr." or once named).
      const bool named_before =
          FindPerson(&persons_, ctx_.text.substr(capitalised.begin, capitalised.end - capitalised.begin)) != nullptr;
      const NameRun run = first_known || named_before || capitalised.word_count == 1
                              ? capitalised
                              : ProperNounPart(ctx_.text, ctx_.words, ctx_.name_runs, capitalised, tagger);
      if (run.word_count == 0) continue;
      std::span<const Word> run_words = ctx_.name_runs.WordsOf(run);
      auto any_word = [&](bool (*in_list)(std::string_view, const Word&)) {
        return std::any_of(run_words.begin(), run_words.end(), [&](const Word& w) { return in_list(ctx_.text, w); });
      };
      std::string_view text = ctx_.text.substr(run.begin, run.end - run.begin);
      bool organisation = any_word(OrganisationWord);
      bool place = !organisation && any_word(PlaceWord);
      if (place) {
        AddUnknownPlace(run);
        continue;
      }
      if (organisation) {
        v1::Organization& org = organizations_[std::string(text)];
        org.set_name(std::string(text));
        SetSpan(org.add_spans(), run.begin, run.end);
        person_ranges_.emplace_back(run.begin, run.end);
        continue;
      }
      if (run.has_connector || run.word_count > 3 || any_word(NonPersonWord)) continue;
      // A heading's capitalised words ("What Was Discussed") are a person only
      // when the text names them again outside it, as it does a headline's names.
      if (InHeading(ctx_.text, run.begin) && !NamedElsewhere(run)) continue;
      // A name's first word is not a known place or country ("Lloyd Austin" yes, "Texas Governor" no).
      bool starts_known = first_known && first_known->begin == run.begin;
      if (run.word_count == 1) {
        v1::Person* known = FindPerson(&persons_, text);
        if (known && known->name() != text) {
          MentionPerson(known, run.begin, run.end);
        } else if (!first_known && AfterCourtesyTitle(ctx_.text, run.begin)) {
          v1::Person& p = *persons_.Add();
          p.set_name(std::string(text));
          SetSpan(p.add_spans(), run.begin, run.end);
          person_ranges_.emplace_back(run.begin, run.end);
        } else if (!first_known && AfterPlacePreposition(ctx_.text, run.begin)) {
          AddUnknownPlace(run);
        }
        continue;
      }
      if (starts_known) continue;
      // Where people are not ("at Home Depot", "in Palo Alto"), a name is a place.
      if (!FindPerson(&persons_, text) && AfterPlacePreposition(ctx_.text, run.begin)) {
        AddUnknownPlace(run);
        continue;
      }
      v1::Person* person = FindPerson(&persons_, text);
      if (!person) {
        person = persons_.Add();
        person->set_name(std::string(text));
      }
      SetSpan(person->add_spans(), run.begin, run.end);
      person_ranges_.emplace_back(run.begin, run.end);
    }
  }

  // Then what the dictionaries name: countries, capitals, places, organisations, actors, agents.
  void DictionaryEntities() {
    for (size_t i = 0; i < ctx_.entities.size(); ++i) {
      const Match& m = ctx_.entities[i];
      const KnowledgeBase::Term& t = ctx_.kb.term(m.id);
      std::string_view surface = ctx_.text.substr(m.begin, m.end - m.begin);
      if (t.kind == TermKind::kRole || InPerson(m)) continue;
      // A known person's family name alone ("Austin reiterated") is that person.
      if (t.kind == TermKind::kPlace || t.kind == TermKind::kCapital) {
        if (v1::Person* p = FindPerson(&persons_, surface); p && p->name() != surface) {
          MentionPerson(p, m.begin, m.end);
          continue;
        }
      }
      switch (t.kind) {
        case TermKind::kCountryName:
        case TermKind::kDemonym: {
          const Country& c = ctx_.kb.countries()[t.index];
          AddCountryMention(&countries_, c, m.begin, m.end);
          if (sports_report_ && t.kind == TermKind::kCountryName) {
            // "Belgium beat Japan 3-2": a national team, not the state; no event between states.
            v1::Organization& team = organizations_[c.name];
            team.set_name(c.name);
            team.set_country_code(c.iso3);
            SetSpan(team.add_spans(), m.begin, m.end);
            break;
          }
          if (t.kind == TermKind::kCountryName) {
            AddLocation("C:" + c.iso3, c.name, "COUNTRY", c.iso3, c.lat, c.lon, m.begin, m.end);
          }
          // A role right after the country belongs to the person; it codes the actor there.
          uint32_t modifier_begin = 0;
          bool modifies_role = i + 1 < ctx_.entities.size() &&
                               ctx_.kb.term(ctx_.entities[i + 1].id).kind == TermKind::kRole &&
                               CountryBefore(ctx_, i + 1, ctx_.entities[i + 1].begin, &modifier_begin);
          if (!modifies_role) ctx_.actors.push_back({m.begin, m.end, c.iso3, surface, c.iso3, ActorMention::kCountry});
          break;
        }
        case TermKind::kCapital: {
          const Country& c = ctx_.kb.countries()[t.index];
          AddCountryMention(&countries_, c, m.begin, m.end);
          AddLocation("K:" + c.iso3, c.capital, "CAPITAL", c.iso3, c.capital_lat, c.capital_lon, m.begin, m.end);
          // Metonymy: "Washington said" is the US government speaking.
          ctx_.actors.push_back({m.begin, m.end, c.iso3 + "GOV", surface, c.iso3, ActorMention::kCountry, "GOV"});
          break;
        }
        case TermKind::kPlace: {
          const Place& p = ctx_.kb.places()[t.index];
          AddLocation("P:" + p.name, p.name, p.type, p.iso3, p.lat, p.lon, m.begin, m.end);
          if (p.geonames_id != 0) locations_["P:" + p.name].set_geonames_id(p.geonames_id);
          // Many of GeoNames' smaller places share their names with words and people:
          // they point at a country only from the lead (a dateline) or when large.
          bool weak = p.geonames_id != 0 && p.population < 1000000 && m.begin >= ctx_.lead_end;
          if (int ci = ctx_.kb.CountryIndex(p.iso3); ci >= 0 && !weak) {
            AddCountryMention(&countries_, ctx_.kb.countries()[ci], m.begin, m.end);
          }
          break;
        }
        case TermKind::kActor: {
          const DictionaryActor& a = ctx_.kb.actors()[t.index];
          std::string_view prefix = std::string_view(a.code).substr(0, 3);
          std::string_view country = ctx_.kb.CountryIndex(prefix) >= 0 ? prefix : std::string_view();
          ctx_.actors.push_back({m.begin, m.end, a.code, surface, country, ActorMention::kOrganization});
          break;
        }
        case TermKind::kOrganization: {
          const Organization& o = ctx_.kb.organizations()[t.index];
          v1::Organization& org = organizations_[o.name];
          org.set_name(o.name);
          org.set_actor_code(o.actor_code);
          org.set_country_code(o.iso3);
          SetSpan(org.add_spans(), m.begin, m.end);
          if (int ci = ctx_.kb.CountryIndex(o.iso3); ci >= 0) {
            AddCountryMention(&countries_, ctx_.kb.countries()[ci], m.begin, m.end);
          }
          ctx_.actors.push_back({m.begin, m.end, o.actor_code, o.name, o.iso3, ActorMention::kOrganization});
          break;
        }
        case TermKind::kAgent: {
          const Role& agent = ctx_.kb.agents()[t.index];
          ctx_.actors.push_back({m.begin, m.end, agent.sector, surface, {}, ActorMention::kAgent, agent.sector});
          break;
        }
        default: break;
      }
    }
  }

  // The countries the article is about, most mentioned first (see event.proto).
  void RankCountries() {
    for (const std::string& iso3 : ctx_.title_countries) countries_[iso3].set_in_title(true);
    for (const auto& [code, c] : countries_.entries()) {
      if (c->code().empty()) {  // named in the title only
        c->set_code(code);
        c->set_name(ctx_.kb.countries()[ctx_.kb.CountryIndex(code)].name);
      }
    }
    std::vector<v1::CountryMention*> ranked = countries_.Release();
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto* a, const auto* b) {
      return a->in_title() != b->in_title() ? a->in_title() : a->mentions() > b->mentions();
    });
    for (size_t i = 0; i < ranked.size(); ++i) {
      v1::CountryMention* c = ranked[i];
      bool in_lead = c->spans_size() > 0 && c->spans(0).begin() < ctx_.lead_end;
      if (i == 0 || c->in_title() || in_lead || c->mentions() >= 2) {
        Adopt(ctx_.record->mutable_countries(), c);
      } else if (ctx_.record->GetArena() == nullptr) {
        delete c;
      }
    }
    for (v1::Organization* o : organizations_.Release()) Adopt(ctx_.record->mutable_organizations(), o);
    for (v1::Location* l : locations_.Release()) Adopt(ctx_.record->mutable_locations(), l);
    std::sort(ctx_.actors.begin(), ctx_.actors.end(), [](const auto& a, const auto& b) { return a.begin < b.begin; });
  }

  void AddLocation(const std::string& key, std::string_view name, std::string_view type, std::string_view iso3,
                   double lat, double lon, uint32_t b, uint32_t e) {
    v1::Location& l = locations_[key];
    l.set_name(std::string(name));
    l.set_type(std::string(type));
    l.set_country_code(std::string(iso3));
    l.set_latitude(lat);
    l.set_longitude(lon);
    l.set_resolved(true);
    SetSpan(l.add_spans(), b, e);
  }
  // A place no gazetteer entry names: kept for its name, without coordinates.
  void AddUnknownPlace(const NameRun& run) {
    const std::string_view text = ctx_.text.substr(run.begin, run.end - run.begin);
    AddLocation("U:" + std::string(text), text, "PLACE", "", 0, 0, run.begin, run.end);
    locations_["U:" + std::string(text)].set_resolved(false);
    person_ranges_.emplace_back(run.begin, run.end);
  }
  // A later mention of a person with a role ("Austin said") is the same actor.
  void MentionPerson(v1::Person* person, uint32_t begin, uint32_t end) {
    SetSpan(person->add_spans(), begin, end);
    person_ranges_.emplace_back(begin, end);
    for (const auto& [p, sector] : person_sectors_) {
      if (p != person) continue;
      ctx_.actors.push_back({begin, end, p->actor_code(), p->name(), p->country_code(), ActorMention::kPerson, sector});
      break;
    }
  }
  bool NamedElsewhere(const NameRun& run) const {
    const std::string_view name = ctx_.text.substr(run.begin, run.end - run.begin);
    for (size_t at = ctx_.text.find(name); at != std::string_view::npos; at = ctx_.text.find(name, at + 1)) {
      if (!InHeading(ctx_.text, static_cast<uint32_t>(at))) return true;
    }
    return false;
  }
  bool InPerson(const Match& m) const {
    return std::any_of(person_ranges_.begin(), person_ranges_.end(),
                       [&](const auto& r) { return m.begin < r.second && r.first < m.end; });
  }

  Context& ctx_;
  bool sports_report_ = false;
  KeyedMessages<v1::CountryMention> countries_;
  KeyedMessages<v1::Location> locations_;
  KeyedMessages<v1::Organization> organizations_;
  // Persons go straight to the record, in the order they are first named.
  google::protobuf::RepeatedPtrField<v1::Person>& persons_;
  std::vector<std::pair<uint32_t, uint32_t>> person_ranges_;
  std::vector<std::pair<const v1::Person*, std::string_view>> person_sectors_;  // persons with a role
};

}  // namespace

void ExtractEntities(Context& ctx) { EntityPass(ctx).Run(); }

}  // namespace herald::extraction
