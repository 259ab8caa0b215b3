#include "processors/evaluation.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "core/files.h"

#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>

namespace herald {
namespace {

namespace fs = std::filesystem;

void Tally(const std::set<std::string>& gold, const std::set<std::string>& predicted, herald::Score* s) {
  for (const auto& p : predicted) (gold.count(p) ? s->true_positives : s->false_positives)++;
  for (const auto& g : gold) {
    if (!predicted.count(g)) s->false_negatives++;
  }
}

// ---- Reuters-21578 ----

// Reuters' place names that are not a country's name in herald's knowledge base.
const std::map<std::string, std::string, std::less<>>& ReutersPlaceCodes() {
  static const std::map<std::string, std::string, std::less<>> kCodes = {{"usa", "USA"},
                                                                         {"uk", "GBR"},
                                                                         {"uae", "ARE"},
                                                                         {"ussr", "RUS"},
                                                                         {"west-germany", "DEU"},
                                                                         {"east-germany", "DEU"},
                                                                         {"kampuchea", "KHM"},
                                                                         {"zaire", "COD"},
                                                                         {"ivory-coast", "CIV"},
                                                                         {"yemen-arab-republic", "YEM"},
                                                                         {"yemen-demo-republic", "YEM"},
                                                                         {"czechoslovakia", "CZE"},
                                                                         {"yugoslavia", "SRB"},
                                                                         {"western-samoa", "WSM"},
                                                                         {"hong-kong", "HKG"},
                                                                         {"macao", "MAC"},
                                                                         {"trinidad-tobago", "TTO"},
                                                                         {"vatican", "VAT"},
                                                                         {"congo", "COG"},
                                                                         {"burma", "MMR"},
                                                                         {"netherlands-antilles", "ANT"},
                                                                         {"swaziland", "SWZ"}};
  return kCodes;
}

std::string ReutersPlaceCode(const KnowledgeBase& kb, std::string_view place) {
  const auto& overrides = ReutersPlaceCodes();
  if (auto it = overrides.find(place); it != overrides.end()) return it->second;
  std::string name(place);
  std::replace(name.begin(), name.end(), '-', ' ');
  // "el salvador" -> "El Salvador": names match as proper nouns.
  for (size_t i = 0; i < name.size(); ++i) {
    if (i == 0 || name[i - 1] == ' ') name[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(name[i])));
  }
  for (const auto& m : kb.matcher().FindLongest(name)) {
    const auto& term = kb.term(m.id);
    if (m.begin == 0 && m.end == name.size() && term.kind == TermKind::kCountryName) {
      return kb.countries()[term.index].iso3;
    }
  }
  return "?" + std::string(place);  // a place herald does not know: counts as missed
}

}  // namespace

double Score::precision() const {
  int64_t d = true_positives + false_positives;
  return d ? static_cast<double>(true_positives) / static_cast<double>(d) : 0.0;
}
double Score::recall() const {
  int64_t d = true_positives + false_negatives;
  return d ? static_cast<double>(true_positives) / static_cast<double>(d) : 0.0;
}
double Score::f1() const {
  double p = precision(), r = recall();
  return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}
void Score::Add(const Score& o) {
  true_positives += o.true_positives;
  false_positives += o.false_positives;
  false_negatives += o.false_negatives;
  items += o.items;
}

Result<Score> EvalReutersCountries(const Extractor& extractor, const std::string& dir) {
  auto stories = ReadReuters(dir);
  if (!stories) return Unexpected(stories.error());
  const KnowledgeBase& kb = extractor.knowledge();
  herald::Score score;
  for (const ReutersStory& story : *stories) {
    std::set<std::string> gold;
    for (const std::string& p : story.places) gold.insert(ReutersPlaceCode(kb, p));
    auto record = extractor.Process(story.text, {.content_type = "text/plain"});
    std::set<std::string> predicted;
    if (record) {
      for (const auto& c : record->countries()) predicted.insert(c.code());
    }
    Tally(gold, predicted, &score);
    score.items++;
  }
  return score;
}

// ---- PLOVER ----

// An event as an analyst counts it: "source country|target country|PLOVER
// category", a side without an actor empty. Actors without a country count by
// their code's first three letters (IGO for the United Nations), as PLOVER's do.
std::string Triple(std::string_view source, std::string_view target, std::string_view category) {
  return std::string(source) + "|" + std::string(target) + "|" + std::string(category);
}

std::string_view CountryOf(const v1::Actor& a) {
  if (!a.country_code().empty()) return a.country_code();
  return std::string_view(a.code()).substr(0, 3);
}

// A gold record's events: each of its sources with each of its targets.
std::set<std::string> GoldTriples(const std::set<std::string>& sources, const std::set<std::string>& targets,
                                  std::string_view category) {
  std::set<std::string> out;
  for (const std::string& s : sources.empty() ? std::set<std::string>{""} : sources) {
    for (const std::string& t : targets.empty() ? std::set<std::string>{""} : targets)
      out.insert(Triple(s, t, category));
  }
  return out;
}

// Every event herald coded in the sentence that has a PLOVER category.
std::set<std::string> CodedTriples(const v1::EventRecord& r) {
  std::set<std::string> out;
  for (const v1::CodedEvent& e : r.events()) {
    if (!e.plover().empty()) out.insert(Triple(CountryOf(e.source()), CountryOf(e.target()), e.plover()));
  }
  return out;
}

Result<PloverScores> EvalPlover(const Extractor& extractor, const std::string& json_path) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (auto e = parser.load(json_path).get(root); e) {
    return Fail(v1::INTERNAL, json_path + ": " + simdjson::error_message(e));
  }
  simdjson::dom::array records;
  if (root.get_array().get(records)) return Fail(v1::INTERNAL, json_path + ": expected an array");
  PloverScores scores;
  for (simdjson::dom::element rec : records) {
    std::string_view event, text;
    if (rec["event"].get_string().get(event) || event == "DOCUMENT") continue;
    if (rec["text"].get_string().get(text)) continue;
    auto codes = [&](const char* side) {
      std::set<std::string> out;
      simdjson::dom::array actors;
      if (rec[side].get_array().get(actors)) return out;
      for (simdjson::dom::element a : actors) {
        std::string_view code;
        if (!a["code"].get_string().get(code) && !code.empty()) out.insert(std::string(code.substr(0, 3)));
      }
      return out;
    };
    std::string sentence(text);
    sentence.erase(std::remove_if(sentence.begin(), sentence.end(), [](char c) { return c == '{' || c == '}'; }),
                   sentence.end());
    v1::Article article;
    article.set_body(sentence);
    v1::EventRecord r = extractor.Extract(article);
    std::set<std::string> source, target, plover;
    // The sentence's event: its first coded interaction that is more than a statement.
    auto chosen = std::find_if(r.events().begin(), r.events().end(), [](const auto& e) { return !e.plover().empty(); });
    if (chosen == r.events().end() && r.events_size() > 0) chosen = r.events().begin();
    if (chosen != r.events().end()) {
      const auto& e = *chosen;
      if (!e.source().country_code().empty()) source.insert(e.source().country_code());
      if (!e.target().country_code().empty()) target.insert(e.target().country_code());
      plover.insert(e.plover());
    }
    Tally(codes("source"), source, &scores.source);
    Tally(codes("target"), target, &scores.target);
    Tally({std::string(event)}, plover, &scores.event);
    Tally(GoldTriples(codes("source"), codes("target"), event), CodedTriples(r), &scores.triple);
    scores.triple.items++;
    scores.source.items++;
    scores.target.items++;
    scores.event.items++;
  }
  return scores;
}

Result<EvalReport> EvaluateAll(const std::string& shared, bool test_splits) {
  EvalReport report;
  auto builtin = KnowledgeBase::LoadBuiltin();
  if (!builtin) return Unexpected(builtin.error());
  Extractor extractor(*builtin);
  auto have = [&](const std::string& rel) { return fs::exists(shared + "/" + rel); };
  auto add = [&](const std::string& name, const Result<Score>& s) {
    if (s)
      report.scores.emplace_back(name, *s);
    else
      report.skipped.push_back(name + ": " + s.error().reason);
  };
  auto load = [&](const KnowledgeSources& sources) -> std::optional<Extractor> {
    auto kb = KnowledgeBase::Load(sources);
    if (!kb) return std::nullopt;
    return Extractor(*kb);
  };

  if (auto pages = webpage::EvalArticleExtraction(shared + "/eval/article-extraction"))
    report.article_extraction = std::move(*pages);
  else
    report.skipped.push_back("article extraction: " + pages.error().reason);
  const std::string reuters = shared + "/corpus/reuters21578";
  add("reuters countries", EvalReutersCountries(extractor, reuters));
  const std::string geo = shared + "/reference/geo/geonames/";
  if (have("reference/geo/geonames/cities15000_core.tsv")) {
    if (auto x = load({.geonames_cities = geo + "cities15000_core.tsv",
                       .geonames_alternate_names = geo + "cities15000_altnames_latin.tsv"})) {
      add("reuters countries +geonames", EvalReutersCountries(*x, reuters));
    }
  }
  add("gum entities", EvalGumEntities(extractor, shared + "/corpus/gum-wikinews"));
  for (const char* split : {"dev", "test"}) {
    if (split == std::string_view("test") && !test_splits) continue;
    const std::string name = std::string("uner ") + split;
    auto uner = EvalUnerEntities(extractor, shared + "/corpus/uner-english-ewt/en_ewt-ud-" + split + ".iob2");
    if (!uner) {
      report.skipped.push_back(name + ": " + uner.error().reason);
      continue;
    }
    report.scores.emplace_back(name + " entities", uner->all);
    report.scores.emplace_back(name + " persons", uner->person);
    report.scores.emplace_back(name + " organisations", uner->organization);
    report.scores.emplace_back(name + " places", uner->place);
  }
  const std::string plover = shared + "/eval/plover/PLOVER_GSR_CAMEO.dev.json";
  auto add_plover = [&](const std::string& suffix, const Result<PloverScores>& s) {
    if (!s) {
      report.skipped.push_back("plover" + suffix + ": " + s.error().reason);
      return;
    }
    report.scores.emplace_back("plover triple" + suffix, s->triple);
    report.scores.emplace_back("plover source" + suffix, s->source);
    report.scores.emplace_back("plover target" + suffix, s->target);
    report.scores.emplace_back("plover event" + suffix, s->event);
  };
  add_plover("", EvalPlover(extractor, plover));
  if (have("reference/petrarch2/dictionaries")) {
    if (auto x = load(PetrarchSources(shared))) add_plover(" +petrarch", EvalPlover(*x, plover));
  }
  const std::string validate = shared + "/reference/petrarch2/universal-validate/";
  if (have("reference/petrarch2/universal-validate")) {
    // The suite's verb dictionary defines the codes it expects: coded as PETRARCH codes.
    if (auto x = load({.petrarch_verbs = validate + "PETR_Validate_verbs_2_02.txt",
                       .petrarch_verbs_first = true,
                       .petrarch_actors = {validate + "PETR_Validate_actors_2_02.txt"},
                       .petrarch_agents = validate + "PETR_Validate_agents_2_02.txt"})) {
      add("petrarch validation codes", EvalPetrarchValidation(*x, validate + "PETR_Validate_records_2_02.xml"));
    }
  }
  return report;
}

KnowledgeSources PetrarchSources(const std::string& shared) {
  const std::string dict = shared + "/reference/petrarch2/dictionaries/";
  return {.cameo_goldstein = shared + "/reference/gdelt-cameo/CAMEO.goldsteinscale.txt",
          .petrarch_verbs = dict + "CAMEO.2.0.txt",
          .petrarch_actors = {dict + "Phoenix.Countries.actors.txt", dict + "Phoenix.International.actors.txt",
                              dict + "Phoenix.MilNonState.actors.txt"},
          .petrarch_agents = dict + "Phoenix.agents.txt"};
}

Result<Score> EvalPetrarchValidation(const Extractor& extractor, const std::string& records_xml) {
  auto text = ReadWholeFile(records_xml);
  if (!text) return Unexpected(text.error());
  herald::Score score;
  ForEachElement(*text, "<Sentence ", "</Sentence>", [&](std::string_view sentence) {
    std::string_view open_tag = sentence.substr(0, sentence.find('>'));
    if (open_tag.find("evaluate=\"true\"") == std::string_view::npos) return;
    std::set<std::string> expected;
    for (std::string_view s = sentence;;) {
      size_t at = s.find("<EventCoding ");
      if (at == std::string_view::npos) break;
      std::string_view code = Between(s.substr(at), "eventcode=\"", "\"");
      if (!code.empty()) expected.insert(std::string(code));
      s = s.substr(at + 13);
    }
    if (expected.empty()) return;
    std::string body = DecodeSgmlEntities(Between(sentence, "<Text>", "</Text>"));
    std::replace(body.begin(), body.end(), '\n', ' ');
    v1::Article article;
    article.set_body(body);
    v1::EventRecord r = extractor.Extract(article);
    std::set<std::string> coded;
    for (const auto& e : r.events()) coded.insert(e.cameo_code());
    Tally(expected, coded, &score);
    score.items++;
  });
  if (score.items == 0) return Fail(v1::INTERNAL, records_xml + ": no evaluated sentences with events");
  return score;
}

void AddEvalOptions(CLI::App* app, EvalOptions* o) {
  app->add_option("--shared", o->shared_dir, "Directory holding corpus/, eval/ and reference/")
      ->capture_default_str()
      ->check(CLI::ExistingDirectory);
  app->add_flag("--test-splits", o->test_splits,
                "Also score the test splits (UNER EWT test): to report once, never to tune on");
}

int RunEval(const EvalOptions& options) {
  auto report = EvaluateAll(options.shared_dir, options.test_splits);
  if (!report) {
    std::cerr << "herald eval: " << report.error().reason << "\n";
    return 2;
  }
  std::printf("%-30s %7s %7s %7s %7s\n", "EVALUATION", "ITEMS", "P", "R", "F1");
  for (const auto& [name, s] : report->scores) {
    std::printf("%-30s %7lld %7.3f %7.3f %7.3f\n", name.c_str(), static_cast<long long>(s.items), s.precision(),
                s.recall(), s.f1());
  }
  if (const auto& pages = report->article_extraction) {
    std::printf("%-30s %7d %7.3f %7.3f %7.3f\n", "article extraction (pages)", pages->pages, pages->precision,
                pages->recall, pages->f1());
  }
  for (const std::string& skipped : report->skipped) std::printf("skipped: %s\n", skipped.c_str());
  return 0;
}

}  // namespace herald
