#include "processors/extractor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace herald {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Property;

class ExtractorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto kb = KnowledgeBase::LoadBuiltin();
    ASSERT_TRUE(kb) << kb.error().reason;
    kb_ = *kb;
  }
  v1::EventRecord Run(std::string_view text) {
    auto r = Extractor(kb_).Process(text, {.content_type = "text/plain"});
    EXPECT_TRUE(r) << r.error().reason;
    return r ? *r : v1::EventRecord();
  }
  static std::vector<std::string> Codes(const v1::EventRecord& r) {
    std::vector<std::string> out;
    for (const auto& c : r.countries()) out.push_back(c.code());
    return out;
  }
  static std::shared_ptr<const KnowledgeBase> kb_;
};
std::shared_ptr<const KnowledgeBase> ExtractorTest::kb_;

TEST_F(ExtractorTest, CountriesIncludeMetonymsRankedByMentions) {
  v1::EventRecord r =
      Run("Talks\nWashington and Beijing traded words. China said the US was wrong. Chinese officials left.");
  EXPECT_THAT(Codes(r), ElementsAre("CHN", "USA"));
  EXPECT_EQ(r.countries(0).mentions(), 3u);
}

TEST_F(ExtractorTest, PersonsCarryRoleCountryAndActorCode) {
  v1::EventRecord r =
      Run("Call\nUS Defense Secretary Lloyd Austin spoke with Chinese Defence Minister Dong Jun. "
          "Secretary Austin said more.");
  ASSERT_EQ(r.persons_size(), 2);
  EXPECT_EQ(r.persons(0).name(), "Lloyd Austin");
  EXPECT_EQ(r.persons(0).role(), "US Defense Secretary");
  EXPECT_EQ(r.persons(0).actor_code(), "USAGOVMIL");
  EXPECT_EQ(r.persons(0).spans_size(), 2) << "'Secretary Austin' is the same person";
  EXPECT_EQ(r.persons(1).name(), "Dong Jun");
  EXPECT_EQ(r.persons(1).actor_code(), "CHNGOVMIL");
}

TEST_F(ExtractorTest, LocationsHaveTypeAndCoordinates) {
  v1::EventRecord r = Run("Ships\nWarships sailed through the Taiwan Strait toward Manila.");
  std::map<std::string, v1::Location> by_name;
  for (const auto& l : r.locations()) by_name[l.name()] = l;
  ASSERT_TRUE(by_name.count("Taiwan Strait"));
  EXPECT_EQ(by_name["Taiwan Strait"].type(), "WATER");
  EXPECT_NEAR(by_name["Taiwan Strait"].latitude(), 24.5, 0.5);
  ASSERT_TRUE(by_name.count("Manila"));
  EXPECT_EQ(by_name["Manila"].type(), "CAPITAL");
  EXPECT_EQ(by_name["Manila"].country_code(), "PHL");
}

TEST_F(ExtractorTest, SpansPointAtTheMentionInTheBody) {
  v1::EventRecord r = Run("Title\nTroops from Russia crossed.");
  ASSERT_EQ(r.countries_size(), 1);
  const v1::Span& s = r.countries(0).spans(0);
  EXPECT_EQ(r.article().body().substr(s.begin(), s.end() - s.begin()), "Russia");
}

TEST_F(ExtractorTest, CodesSourceEventTargetWithGoldsteinAndPlover) {
  v1::EventRecord r =
      Run("Call\nUS Defense Secretary Lloyd Austin has spoken directly with Chinese Defence Minister Dong Jun.");
  ASSERT_EQ(r.events_size(), 1);
  const v1::CodedEvent& e = r.events(0);
  EXPECT_EQ(e.source().code(), "USAGOVMIL");
  EXPECT_EQ(e.target().code(), "CHNGOVMIL");
  EXPECT_EQ(e.cameo_code(), "041");
  EXPECT_EQ(e.root_code(), "04");
  EXPECT_EQ(e.quad_class(), 1u);
  EXPECT_DOUBLE_EQ(e.goldstein(), 1.0);
  EXPECT_EQ(e.plover(), "CONSULT");
}

TEST_F(ExtractorTest, AnEventTakesThePlaceItsSentenceNamesNearestItsTrigger) {
  v1::EventRecord r = Run("Strikes\nIn Manila, officials said Russian forces shelled Kharkiv. Talks continued.");
  ASSERT_GE(r.events_size(), 1);
  const v1::CodedEvent& e = r.events(0);
  EXPECT_EQ(e.trigger(), "shelled");
  EXPECT_EQ(e.location().name(), "Kharkiv") << "nearer the trigger than Manila";
  EXPECT_EQ(e.location().country_code(), "UKR");
  EXPECT_TRUE(e.location().resolved());
  EXPECT_EQ(e.location().spans_size(), 0);
  v1::EventRecord unplaced =
      Run("Call\nUS Defense Secretary Lloyd Austin has spoken directly with Chinese Defence Minister Dong Jun.");
  ASSERT_GE(unplaced.events_size(), 1);
  EXPECT_FALSE(unplaced.events(0).has_location()) << "no place in the sentence: none invented";
}

TEST_F(ExtractorTest, ThemesNeedMoreThanOneKeyword) {
  v1::EventRecord r = Run("Drills\nThe navy and the army held military drills. Exports rose.");
  EXPECT_THAT(r.themes(), Contains("MILITARY"));
  EXPECT_THAT(r.themes(), ::testing::Not(Contains("TRADE")));
}

// "Belgium beat Japan" in a match report is two teams, not an assault of one
// state on another; the same verb between states is still coded.
TEST_F(ExtractorTest, InASportsReportCountriesAreTeamsAndCodeNoEvent) {
  v1::EventRecord match = Run(
      "Belgium beat Japan in World Cup thriller\nBelgium came from two goals down to beat Japan 3-2 in the World Cup "
      "round of 16 on Monday. Belgium scored three times in the second half, the equaliser a header. Belgium face "
      "Brazil in the quarter-finals.");
  EXPECT_THAT(match.themes(), Contains("SPORTS"));
  EXPECT_EQ(match.events_size(), 0);
  EXPECT_THAT(match.organizations(), Contains(Property(&v1::Organization::name, "Belgium")));
  EXPECT_THAT(match.organizations(), Contains(Property(&v1::Organization::country_code, "JPN")));
  EXPECT_THAT(match.locations(), ::testing::Not(Contains(Property(&v1::Location::name, "Belgium"))));
  EXPECT_THAT(Codes(match), Contains("BEL")) << "the article is still about Belgium";

  v1::EventRecord war = Run("Offensive\nRussia attacked Ukraine on Monday, and the goal of the talks was a ceasefire.");
  EXPECT_THAT(war.themes(), ::testing::Not(Contains("SPORTS")));
  ASSERT_GE(war.events_size(), 1);
  EXPECT_EQ(war.events(0).source().code(), "RUS");
  EXPECT_THAT(war.locations(), Contains(Property(&v1::Location::name, "Ukraine")));
}

TEST_F(ExtractorTest, QuotesAreExtractedWithSpans) {
  v1::EventRecord r = Run("Q\n\"We will not back down now,\" said President Joe Biden.");
  ASSERT_EQ(r.quotes_size(), 1);
  EXPECT_EQ(r.quotes(0).text(), "We will not back down now,");
  EXPECT_EQ(r.quotes(0).speaker(), "Joe Biden");
}

TEST_F(ExtractorTest, AHeadingsCapitalsAreNoPersonUnlessTheTextNamesThemAgain) {
  v1::EventRecord r = Run(
      "Talks\nWhat Was Discussed\nThe two sides talked for an hour.\nJohn Kessler Speaks Out\nJohn Kessler, a farmer, "
      "said prices had fallen.");
  std::vector<std::string> names;
  for (const v1::Person& p : r.persons()) names.push_back(p.name());
  EXPECT_THAT(names, ::testing::ElementsAre("John Kessler"));
}

TEST_F(ExtractorTest, CapitalsTheTaggerDoesNotReadAsProperNounsStartNoName) {
  v1::EventRecord r =
      Run("Q\nDear All,\nThanks Josh Miller for the report. Great Job on the figures. Later Whitmore Smith said the "
          "plant would close.");
  std::vector<std::string> names;
  for (const v1::Person& p : r.persons()) names.push_back(p.name());
  EXPECT_THAT(names, ::testing::ElementsAre("Josh Miller", "Whitmore Smith"));
}

TEST_F(ExtractorTest, ANameAloneAfterAPrepositionOfPlaceIsAPlace) {
  v1::EventRecord r =
      Run("Q\nThe talks took place in Miramar last week. Kessler stayed home. John Kessler shops at Home Depot.");
  std::vector<std::string> places;
  for (const v1::Location& l : r.locations()) places.push_back(l.name());
  EXPECT_THAT(places, ::testing::UnorderedElementsAre("Miramar", "Home Depot"))
      << "a name alone elsewhere is nothing yet";
  ASSERT_EQ(r.persons_size(), 1);
  EXPECT_EQ(r.persons(0).name(), "John Kessler");
}

TEST_F(ExtractorTest, AQuoteIsAttributedToWhoSaidIt) {
  v1::EventRecord r =
      Run("Q\nUS Defense Secretary Lloyd Austin arrived in Manila. \"We stand with our allies in the region,\" Austin "
          "told reporters. \"The talks were useful and frank,\" he added.");
  ASSERT_EQ(r.quotes_size(), 2);
  EXPECT_EQ(r.quotes(0).speaker(), "Lloyd Austin") << "a later bare name is the person";
  EXPECT_EQ(r.quotes(1).speaker(), "Lloyd Austin") << "\"he\" is the last person named";
}

TEST_F(ExtractorTest, AnAttributionBeforeAQuoteNamesItsSpeaker) {
  v1::EventRecord r = Run(
      "Q\nUS Defense Secretary Lloyd Austin arrived in Manila. Austin told reporters: \"We stand with our allies in "
      "the region.\" The weather was fine.");
  ASSERT_EQ(r.quotes_size(), 1);
  EXPECT_EQ(r.quotes(0).speaker(), "Lloyd Austin");
}

TEST_F(ExtractorTest, AQuoteWithoutAnAttributionIsTheSpeakerBeforeIt) {
  v1::EventRecord r =
      Run("Q\n\"This is not about resolving differences overnight,\" noted a senior defence official. \"It is about "
          "establishing guardrails.\"");
  ASSERT_EQ(r.quotes_size(), 2);
  EXPECT_EQ(r.quotes(0).speaker(), "senior defence official");
  EXPECT_EQ(r.quotes(1).speaker(), "senior defence official");
}

TEST_F(ExtractorTest, StatsCountWordsAndSimHashGroupsNearDuplicates) {
  v1::EventRecord a = Run("T\nThe minister visited the port city on Monday to meet local officials and traders.");
  v1::EventRecord b = Run("T\nThe minister visited the port city on Monday to meet local officials and fishermen.");
  v1::EventRecord c = Run("T\nHeavy rain flooded farms across the valley, destroying crops and roads overnight.");
  EXPECT_EQ(a.stats().word_count(), 14u);
  int near = __builtin_popcountll(a.stats().simhash() ^ b.stats().simhash());
  int far = __builtin_popcountll(a.stats().simhash() ^ c.stats().simhash());
  EXPECT_LT(near, far);
}

TEST_F(ExtractorTest, ToneCountsPositiveAndNegativeWordsPerHundred) {
  v1::EventRecord r = Run("T\nThe attack killed ten people and wounded dozens in the war, despite a peace agreement.");
  EXPECT_GT(r.tone().positive(), 0.0);
  EXPECT_GT(r.tone().negative(), r.tone().positive());
  EXPECT_LT(r.tone().tone(), 0.0);
  EXPECT_DOUBLE_EQ(r.tone().polarity(), r.tone().positive() + r.tone().negative());
  EXPECT_EQ(r.tone().word_count(), r.stats().word_count());
}

TEST_F(ExtractorTest, DatesAreNormalisedAsPreciselyAsTheTextAllows) {
  auto r = Extractor(kb_).Process(
      R"({"title":"T","published_at":"2024-06-01T00:00:00Z",)"
      R"("body":"Talks on March 3, 1987 and 14 May 2024 followed a freeze since 2019. They meet again on June 20. )"
      R"(It may rain."})",
      {.content_type = "application/json"});
  ASSERT_TRUE(r);
  std::vector<std::pair<std::string, std::string>> dates;
  for (const auto& d : r->dates()) dates.emplace_back(d.text(), d.normalized());
  EXPECT_THAT(dates, ElementsAre(std::pair<std::string, std::string>{"March 3, 1987", "1987-03-03"},
                                 std::pair<std::string, std::string>{"14 May 2024", "2024-05-14"},
                                 std::pair<std::string, std::string>{"2019", "2019"},
                                 std::pair<std::string, std::string>{"June 20", "2024-06-20"}));
}

TEST_F(ExtractorTest, DatelineGivesThePublicationDateWhenTheEnvelopeHasNone) {
  auto r = Extractor(kb_).Process(R"({"title":"T","body":"MANILA, Feb 26, 2024 (Wire) - Ships met."})",
                                  {.content_type = "application/json"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->article().published_at(), "2024-02-26");
  auto dated = Extractor(kb_).Process(
      R"({"title":"T","published_at":"2020-01-01T00:00:00Z","body":"MANILA, Feb 26, 2024 (Wire) - Ships met."})",
      {.content_type = "application/json"});
  ASSERT_TRUE(dated);
  EXPECT_EQ(dated->article().published_at(), "2020-01-01T00:00:00Z") << "the envelope's own time wins";
}

// The project's reference article, when ../shared is present.
TEST_F(ExtractorTest, SeedArticleNamesTheActorsAndPlaces) {
  const char* path = "../shared/corpus/seed/us-china-defence-talks.txt";
  std::ifstream in(path);
  if (!in) GTEST_SKIP() << path << " is absent (../shared not mounted)";
  std::stringstream ss;
  ss << in.rdbuf();
  v1::EventRecord r = Run(ss.str());
  EXPECT_THAT(Codes(r), ::testing::IsSupersetOf({"USA", "CHN"}));
  EXPECT_THAT(r.persons(), Contains(Property(&v1::Person::name, "Lloyd Austin")));
  EXPECT_THAT(r.persons(), Contains(Property(&v1::Person::name, "Dong Jun")));
  EXPECT_THAT(r.locations(), Contains(Property(&v1::Location::name, "Taiwan Strait")));
  EXPECT_THAT(r.locations(), Contains(Property(&v1::Location::name, "South China Sea")));
  EXPECT_THAT(r.themes(), Contains("MILITARY"));
}

TEST_F(ExtractorTest, RecordOnAnArenaEqualsRecordOnTheHeap) {
  // Countries named once outside the lead are dropped, which frees them on the
  // heap and leaves them to the arena; both records must come out the same.
  const std::string text =
      "Talks\nWashington and Beijing traded words. China said the US was wrong.\n"
      "Later, officials in France, Japan and Brazil said \"this will pass soon enough\", Secretary Lloyd Austin said.\n"
      "The Council of Europe and Acme Holdings met in Springfield City on May 14.";
  Extractor extractor(kb_);
  auto heap = extractor.Process(text, {.content_type = "text/plain"});
  ASSERT_TRUE(heap) << heap.error().reason;
  RecordArena arena;
  for (int round = 0; round < 3; ++round) {  // the arena is reset and reused between records
    v1::EventRecord* on_arena = arena.NewRecord();
    ASSERT_TRUE(extractor.Process(text, {.content_type = "text/plain"}, on_arena));
    ASSERT_NE(on_arena->GetArena(), nullptr);
    EXPECT_EQ(on_arena->SerializeAsString(), heap->SerializeAsString());
  }
  EXPECT_GT(heap->countries_size(), 1);
  EXPECT_GT(heap->locations_size(), 1);
  EXPECT_GT(heap->persons_size(), 0);
  EXPECT_GT(heap->organizations_size(), 0);
}

TEST_F(ExtractorTest, RejectedArticleLeavesTheArenaUsable) {
  RecordArena arena;
  Extractor extractor(kb_);
  v1::EventRecord* record = arena.NewRecord();
  Status rejected = extractor.Process("{\"title\": 42}", {.content_type = "application/json"}, record);
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.error().code, v1::WRONG_FIELD_TYPE);
  record = arena.NewRecord();
  ASSERT_TRUE(extractor.Process("Title\nChina and Japan met.", {.content_type = "text/plain"}, record));
  EXPECT_THAT(Codes(*record), Contains("CHN"));
}

}  // namespace
}  // namespace herald
