#include "processors/knowledge_base.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "core/scoped_temp_dir.h"
#include "processors/extractor.h"

namespace herald {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Property;

class KnowledgeSourcesTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) { return dir_.Write(name, text); }
  ScopedTempDir dir_{"herald-kb-test"};
};

// Two rows in the standard GeoNames dump layout (19 tab-separated columns).
constexpr const char* kCities =
    "3039154\tZaragoza\tZaragoza\tSaragossa,Saragosse,zaragoza\t41.65606\t-0."
    "87734\tP\tPPLA\tES\t\t52\tZ\t\t\t674317\t\t208\tEurope/Madrid\t2023-01-01\n"
    "9999999\tMarch\tMarch\t\t52.55\t0.09\tP\tPPL\tGB\t\tENG\t\t\t\t22298\t\t\tEurope/London\t2023-01-01\n"
    "8888888\tTinyville\tTinyville\t\t10.0\t10.0\tP\tPPL\tES\t\t\t\t\t\t120\t\t\tEurope/Madrid\t2023-01-01\n";

TEST_F(KnowledgeSourcesTest, GeoNamesDumpAddsCitiesWithAlternateNamesAndCoordinates) {
  auto kb = KnowledgeBase::Load({.geonames_cities = Write("cities.txt", kCities)});
  ASSERT_TRUE(kb) << kb.error().reason;
  Extractor extractor(*kb);
  v1::Article a;
  a.set_body("Protests in Saragossa spread on 3 March. Tinyville was quiet.");
  v1::EventRecord r = extractor.Extract(a);
  ASSERT_EQ(r.locations_size(), 1) << "a common word (March) and a place under the population floor are left out";
  EXPECT_EQ(r.locations(0).name(), "Zaragoza");
  EXPECT_EQ(r.locations(0).country_code(), "ESP");
  EXPECT_EQ(r.locations(0).geonames_id(), 3039154);
  EXPECT_NEAR(r.locations(0).latitude(), 41.656, 0.001);
}

TEST_F(KnowledgeSourcesTest, GeoNamesSubsetWithHeaderAndSeparateAlternates) {
  std::string cities =
      Write("core.tsv",
            "geonameid\tname\tasciiname\tlatitude\tlongitude\tfeature_class\tfeature_code\tcountry_code\tadmin1_"
            "code\tpopulation\ttimezone\n"
            "3039154\tZaragoza\tZaragoza\t41.65606\t-0.87734\tP\tPPLA\tES\t52\t674317\tEurope/Madrid\n");
  std::string alternates = Write("alt.tsv", "geonameid\talternatenames_latin\n3039154\tSaragossa,Saragosse\n");
  auto kb = KnowledgeBase::Load({.geonames_cities = cities, .geonames_alternate_names = alternates});
  ASSERT_TRUE(kb) << kb.error().reason;
  v1::Article a;
  a.set_body("Talks in Saragosse.");
  v1::EventRecord r = Extractor(*kb).Extract(a);
  ASSERT_EQ(r.locations_size(), 1);
  EXPECT_EQ(r.locations(0).name(), "Zaragoza");
}

TEST_F(KnowledgeSourcesTest, MalformedGeoNamesRowNamesFileAndLine) {
  auto kb =
      KnowledgeBase::Load({.geonames_cities = Write("bad.txt", "1\tX\tX\t\tnorth\t2\tP\tPPL\tES\t\t\t\t\t\t50000\n")});
  ASSERT_FALSE(kb);
  EXPECT_THAT(kb.error().reason, HasSubstr("bad.txt:1: 'north' is not a number"));
  EXPECT_EQ(kb.error().kind, ErrorKind::kFatal);
}

TEST_F(KnowledgeSourcesTest, PetrarchDictionariesCodeActorsAgentsAndVerbs) {
  std::string verbs = Write("verbs.txt",
                            "####### VERB PATTERNS #######\n"
                            "---  SCOLD   [111]  ---\n"
                            "SCOLD\n"
                            "REBUKE {REBUKES REBUKED REBUKING}\n"
                            "- * SHARPLY [112]\n");
  std::string actors = Write("actors.txt",
                             "ARNOR_ [ARN]\n"
                             "GONDOR_\n"
                             "+GONDORIANS\n"
                             "\t[GON 900101-950101]\n"
                             "\t[GONGOV]\n");
  std::string agents = Write("agents.txt", "!PERSON! = MAN, MEN\nPOLICE!PERSON! [~COP]\n");
  std::string goldstein = Write("goldstein.txt", "CAMEOEVENTCODE\tGOLDSTEINSCALE\n111\t-2.5\n");
  auto kb = KnowledgeBase::Load(
      {.cameo_goldstein = goldstein, .petrarch_verbs = verbs, .petrarch_actors = {actors}, .petrarch_agents = agents});
  ASSERT_TRUE(kb) << kb.error().reason;
  Extractor extractor(*kb);
  v1::Article a;
  a.set_body("Arnor rebuked Gondor over the border. Gondorians scolded Arnor.");
  v1::EventRecord r = extractor.Extract(a);
  ASSERT_EQ(r.events_size(), 2);
  EXPECT_EQ(r.events(0).source().code(), "ARN");
  EXPECT_EQ(r.events(0).cameo_code(), "111");
  EXPECT_DOUBLE_EQ(r.events(0).goldstein(), -2.5) << "GDELT's Goldstein table overrides the built-in value";
  EXPECT_EQ(r.events(0).target().code(), "GONGOV") << "the undated code stands for the actor";
  EXPECT_EQ(r.events(1).source().code(), "GONGOV");
  EXPECT_EQ(r.events(1).target().code(), "ARN");

  a.set_body("Arnor rebuked sharply Gondor.");
  r = extractor.Extract(a);
  ASSERT_EQ(r.events_size(), 1);
  EXPECT_EQ(r.events(0).cameo_code(), "112") << "the longer pattern wins over the bare verb";
  EXPECT_EQ(r.events(0).plover(), "DISAPPROVE") << "a code missing from cameo.tsv takes its root's PLOVER category";
}

TEST_F(KnowledgeSourcesTest, AVerbDictionaryRefinesHeraldsLexiconOrWithVerbsFirstReplacesIt) {
  // herald codes "attack" 180; this dictionary says 190.
  std::string verbs = Write("verbs.txt",
                            "####### VERB PATTERNS #######\n"
                            "---  ATTACK   [190]  ---\n"
                            "ATTACK {ATTACKS ATTACKED ATTACKING}\n");
  v1::Article a;
  a.set_body("Russia attacked Georgia.");
  for (bool first : {false, true}) {
    auto kb = KnowledgeBase::Load({.petrarch_verbs = verbs, .petrarch_verbs_first = first});
    ASSERT_TRUE(kb) << kb.error().reason;
    v1::EventRecord r = Extractor(*kb).Extract(a);
    ASSERT_EQ(r.events_size(), 1);
    EXPECT_EQ(r.events(0).cameo_code(), first ? "190" : "180") << "petrarch_verbs_first=" << first;
    v1::Article future;
    future.set_body("Russia will attack Georgia.");
    r = Extractor(*kb).Extract(future);
    ASSERT_EQ(r.events_size(), 1);
    EXPECT_EQ(r.events(0).cameo_code(), first ? "190" : "138")
        << "herald reads a future act as a threat; a dictionary coding on its own keeps its code";
  }
}

TEST_F(KnowledgeSourcesTest, AVerbPatternsSynsetStandsForEachOfItsMembers) {
  std::string verbs = Write("verbs.txt",
                            "&CURRENCY\n+DOLLAR\n+GOLD_COIN\n\n"
                            "####### VERB PATTERNS #######\n"
                            "---  CONTRIBUTE   [030]  ---\n"
                            "CONTRIBUTE\n"
                            "- * &CURRENCY  [070]\n"
                            "- + * TROOPS $  [074]\n");
  auto kb = KnowledgeBase::Load({.petrarch_verbs = verbs, .petrarch_verbs_first = true});
  ASSERT_TRUE(kb) << kb.error().reason;
  auto code = [&](const std::string& body) {
    v1::Article a;
    a.set_body(body);
    v1::EventRecord r = Extractor(*kb).Extract(a);
    return r.events_size() == 1 ? r.events(0).cameo_code() : "events: " + std::to_string(r.events_size());
  };
  EXPECT_EQ(code("Russia contributed a million dollars to Georgia."), "070");
  EXPECT_EQ(code("Russia contributed a thousand gold coins to Georgia."), "070") << "a member of two words";
  EXPECT_EQ(code("Russia contributed troops to Georgia."), "074") << "the actor slots drop out of the pattern";
  EXPECT_EQ(code("Russia contributed advice to Georgia."), "030");
}

TEST_F(KnowledgeSourcesTest, ADictionarysBareVerbDoesNotCodeWhatHeraldsPatternsForItDoNotHold) {
  // herald knows "break" only with words ("break ties", "break off talks").
  std::string verbs = Write("verbs.txt",
                            "####### VERB PATTERNS #######\n"
                            "---  BREAK   [190]  ---\n"
                            "BREAK {BREAKS BROKE BREAKING}\n");
  v1::Article a;
  a.set_body("Russia broke the isolation of Georgia.");
  for (bool first : {false, true}) {
    auto kb = KnowledgeBase::Load({.petrarch_verbs = verbs, .petrarch_verbs_first = first});
    ASSERT_TRUE(kb) << kb.error().reason;
    EXPECT_EQ(Extractor(*kb).Extract(a).events_size(), first ? 1 : 0) << "petrarch_verbs_first=" << first;
  }
  a.set_body("Russia broke ties with Georgia.");
  auto kb = KnowledgeBase::Load({.petrarch_verbs = verbs});
  ASSERT_TRUE(kb) << kb.error().reason;
  v1::EventRecord r = Extractor(*kb).Extract(a);
  ASSERT_EQ(r.events_size(), 1);
  EXPECT_EQ(r.events(0).cameo_code(), "161") << "herald's pattern";
}

TEST_F(KnowledgeSourcesTest, ADictionarysOwnCodeBeyondCameoIsKeptAsItIs) {
  std::string verbs = Write("verbs.txt",
                            "####### VERB PATTERNS #######\n"
                            "---  DETAIN   [212]  ---\n"
                            "DETAIN\n");
  auto kb = KnowledgeBase::Load({.petrarch_verbs = verbs, .petrarch_verbs_first = true});
  ASSERT_TRUE(kb) << kb.error().reason;
  v1::Article a;
  a.set_body("Russia detained Georgia's envoy.");
  v1::EventRecord r = Extractor(*kb).Extract(a);
  ASSERT_EQ(r.events_size(), 1);
  EXPECT_EQ(r.events(0).cameo_code(), "212");
  EXPECT_EQ(r.events(0).plover(), "") << "no CAMEO root, so no PLOVER category";
  EXPECT_EQ(r.events(0).quad_class(), 0u);
}

TEST_F(KnowledgeSourcesTest, CameoCodesResolveThroughTheirParents) {
  auto kb = KnowledgeBase::LoadBuiltin();
  ASSERT_TRUE(kb);
  int exact = (*kb)->CameoIndex("041");
  ASSERT_GE(exact, 0);
  EXPECT_EQ((*kb)->cameo_events()[exact].code, "041");
  EXPECT_EQ((*kb)->cameo_events()[exact].plover_mode, "phone") << "plover_modes.tsv";
  int parent = (*kb)->CameoIndex("1383");  // no table names it
  ASSERT_GE(parent, 0);
  EXPECT_TRUE(std::string_view("1383").starts_with((*kb)->cameo_events()[parent].code));
  EXPECT_NE((*kb)->cameo_events()[parent].code, "1383");
  EXPECT_EQ((*kb)->cameo_events()[parent].plover, "THREATEN");
  // Codes the verb lexicon adds take their own mode; one without a mode has none.
  const auto mode_of = [&](std::string_view code) {
    return (*kb)->cameo_events()[(*kb)->CameoIndex(code)].plover_mode;
  };
  EXPECT_EQ(mode_of("145"), "riot");
  EXPECT_EQ(mode_of("194"), "heavy-weapons");
  EXPECT_EQ(mode_of("1823"), "") << "plover_modes.tsv gives 1823 none, so 182's 'beat' does not apply";
  EXPECT_EQ((*kb)->CameoIndex("99"), -1);
}

TEST_F(KnowledgeSourcesTest, TablesDirectoryReplacesEveryBuiltInTable) {
  for (const char* t :
       {"common_words", "places", "organizations", "roles", "agents", "plover_modes", "verbs", "themes"}) {
    Write(std::string(t) + ".tsv", "# empty\n");
  }
  Write("countries.tsv", "ATL\tAT\tAtlantis\t\tAtlantean\tPoseidonia\t1\t2\t3\t4\n");
  Write("cameo.tsv", "04\t1.0\tCONSULT\tConsult\n");
  Write("tone.tsv", "+\twatched\n-\tenvoys\n");
  auto kb = KnowledgeBase::Load({.tables_dir = dir_.path().string()});
  ASSERT_TRUE(kb) << kb.error().reason;
  v1::Article a;
  a.set_body("Atlantean envoys reached Poseidonia while France watched.");
  v1::EventRecord r = Extractor(*kb).Extract(a);
  ASSERT_EQ(r.countries_size(), 1);
  EXPECT_EQ(r.countries(0).code(), "ATL");
  EXPECT_EQ(r.countries(0).mentions(), 2u);
  EXPECT_GT(r.tone().positive(), 0.0) << "'watched' is positive in this directory's tone.tsv";
  EXPECT_GT(r.tone().negative(), 0.0) << "'envoys' is negative in this directory's tone.tsv";
}

TEST_F(KnowledgeSourcesTest, TablesDirectoryMustHoldEveryTable) {
  for (std::string_view t : kKnowledgeTables) {
    if (t != "tone") Write(std::string(t) + ".tsv", "# empty\n");
  }
  auto kb = KnowledgeBase::Load({.tables_dir = dir_.path().string()});
  ASSERT_FALSE(kb);
  EXPECT_THAT(kb.error().reason, HasSubstr("tone.tsv"));
}

// The code's table list and processors/knowledge/ (which CMake embeds) agree.
TEST(KnowledgeTablesTest, TheFolderHoldsExactlyTheTablesTheCodeReads) {
  std::set<std::string> in_folder, in_code(std::begin(kKnowledgeTables), std::end(kKnowledgeTables));
  for (const auto& entry : std::filesystem::directory_iterator("processors/knowledge")) {
    if (entry.path().extension() == ".tsv") in_folder.insert(entry.path().stem().string());
  }
  EXPECT_EQ(in_folder, in_code);
}

TEST_F(KnowledgeSourcesTest, MissingSourceFileIsAFatalErrorNamingIt) {
  auto kb = KnowledgeBase::Load({.petrarch_verbs = (dir_.path() / "nope.txt").string()});
  ASSERT_FALSE(kb);
  EXPECT_THAT(kb.error().reason, HasSubstr("nope.txt"));
}

}  // namespace
}  // namespace herald
