// Each construction the clause coder reads, on sentences the built-in model
// parses right, asserting the exact events coded: (source, CAMEO code, target).
#include "processors/extraction/clause_coder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "processors/extractor_testing.h"

namespace herald {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

class ClauseCoderTest : public ::testing::Test {
 protected:
  // "SOURCE CODE TARGET" for each event of the text (a title line first).
  static std::vector<std::string> Events(const std::string& body) {
    v1::Article a;
    a.set_body(body);
    std::vector<std::string> out;
    const v1::EventRecord record = testing::BuiltinExtractor().Extract(a);
    for (const v1::CodedEvent& e : record.events()) {
      out.push_back(e.source().code() + " " + e.cameo_code() + " " + e.target().code());
    }
    return out;
  }
  static v1::CodedEvent Only(const std::string& body) {
    v1::Article a;
    a.set_body(body);
    v1::EventRecord r = testing::BuiltinExtractor().Extract(a);
    EXPECT_EQ(r.events_size(), 1) << body;
    return r.events_size() > 0 ? r.events(0) : v1::CodedEvent();
  }
};

TEST_F(ClauseCoderTest, ActiveSubjectActsOnObject) {
  EXPECT_THAT(Events("Russia attacked Georgia."), ElementsAre("RUS 180 GEO"));
}

TEST_F(ClauseCoderTest, PassiveTakesItsSourceFromTheByPhrase) {
  const v1::CodedEvent e = Only("Georgia was attacked by Russia.");
  EXPECT_EQ(e.source().code(), "RUS");
  EXPECT_EQ(e.target().code(), "GEO");
  EXPECT_EQ(e.rule(), "passive");
  EXPECT_EQ(e.plover(), "ASSAULT");
}

TEST_F(ClauseCoderTest, AByPhraseOnAnActiveVerbIsNoPassive) {
  EXPECT_THAT(Events("Russia rejected calls by France for new talks."), ElementsAre("RUS 120 FRA"));
  EXPECT_THAT(Events("Georgia was opposed by Russia."), ElementsAre("RUS 110 GEO")) << "a copula the parser left";
}

TEST_F(ClauseCoderTest, ANegatedActIsNoEvent) { EXPECT_THAT(Events("Russia did not attack Georgia."), IsEmpty()); }

TEST_F(ClauseCoderTest, RefusedCooperationIsARejection) {
  const v1::CodedEvent e = Only("Iran did not agree to meet Oman.");
  EXPECT_EQ(e.cameo_code(), "120");
  EXPECT_EQ(e.plover(), "REJECT");
  EXPECT_EQ(e.rule(), "refusal");
  EXPECT_EQ(e.target().code(), "OMN") << "the target of the governed verb";
}

TEST_F(ClauseCoderTest, ADenialIsCodedInsteadOfWhatIsDenied) {
  EXPECT_THAT(Events("Russia denied that it attacked Georgia."), ElementsAre("RUS 016 "));
}

TEST_F(ClauseCoderTest, CoordinatedSubjectsAreOneEventEach) {
  EXPECT_THAT(Events("Russia and China condemned Japan."), UnorderedElementsAre("RUS 111 JPN", "CHN 111 JPN"));
}

TEST_F(ClauseCoderTest, CoordinatedVerbsShareTheirSubject) {
  EXPECT_THAT(Events("Russia met Iran and criticized Japan."), UnorderedElementsAre("RUS 040 IRN", "RUS 111 JPN"));
}

TEST_F(ClauseCoderTest, ARelativePronounIsTheNounItRefersTo) {
  EXPECT_THAT(Events("Japan condemned Russian troops, which attacked Georgia."),
              UnorderedElementsAre("JPN 111 RUSMIL", "RUSMIL 180 GEO"));
}

TEST_F(ClauseCoderTest, ReportedSpeechCodesWhatWasReportedWithItsOwnActors) {
  EXPECT_THAT(Events("France said that Russian troops attacked Georgia."), ElementsAre("RUSMIL 180 GEO"));
}

TEST_F(ClauseCoderTest, SayingAnotherMustActIsADemand) {
  const v1::CodedEvent e = Only("France said Iraq must cooperate with the inspectors.");
  EXPECT_EQ(e.source().code(), "FRA");
  EXPECT_EQ(e.cameo_code(), "100");
  EXPECT_EQ(e.target().code(), "IRQ");
  EXPECT_EQ(e.rule(), "demand");
}

TEST_F(ClauseCoderTest, AFutureActIsAnIntention) {
  const v1::CodedEvent e = Only("Israel will withdraw its troops from Lebanon.");
  EXPECT_EQ(e.cameo_code(), "035") << "intent to yield, not the withdrawal";
  EXPECT_EQ(e.plover(), "AGREE");
  EXPECT_EQ(e.target().code(), "LBN");
  EXPECT_EQ(e.rule(), "intent");
}

TEST_F(ClauseCoderTest, AnOfferGovernsTheActOffered) {
  EXPECT_THAT(Events("Libya offered to help Egypt."), ElementsAre("LBY 033 EGY"));
  EXPECT_THAT(Events("Russia threatened to attack Georgia."), ElementsAre("RUS 138 GEO"));
}

TEST_F(ClauseCoderTest, TwoSectorsOfOneCountryMakeAnEvent) {
  EXPECT_THAT(Events("Serbian police arrested dozens of protesters."), ElementsAre("SRBCOP 173 SRBOPP"));
}

TEST_F(ClauseCoderTest, ConflictOnAnUnnamedTargetStaysInTheSourcesCountry) {
  const v1::CodedEvent e = Only("The Sudanese army shelled the town.");
  EXPECT_EQ(e.source().code(), "SDNMIL");
  EXPECT_EQ(e.cameo_code(), "194");
  EXPECT_EQ(e.target().code(), "SDN");
}

TEST_F(ClauseCoderTest, ViolenceWithoutANamedDoerHasATargetOnly) {
  const v1::CodedEvent e = Only("Three Iraqi civilians were killed in Baghdad.");
  EXPECT_FALSE(e.has_source());
  EXPECT_EQ(e.target().code(), "IRQCVL");
  EXPECT_EQ(e.plover(), "ASSAULT");
  EXPECT_LT(e.confidence(), 0.7f);
}

TEST_F(ClauseCoderTest, AnUnnamedTargetIsInTheCountryTheStoryIsAbout) {
  EXPECT_THAT(Events("Ukraine counts the damage in Kharkiv. Ukrainian officials said Russian forces shelled the city."),
              ElementsAre("RUSMIL 194 UKR"));
}

TEST_F(ClauseCoderTest, ADemandIsAimedAtWhoeverItsThatClauseAsksToAct) {
  EXPECT_THAT(Events("The United States demanded that North Korea abandon its nuclear program."),
              ElementsAre("USA 100 PRK"));
}

TEST_F(ClauseCoderTest, WhatIsAskedChargedOrRefusedIsNoActOfItsOwn) {
  EXPECT_THAT(Events("Sudan accused the rebels of violating the ceasefire."), ElementsAre("SDN 112 SDNREB"));
  EXPECT_THAT(Events("Israel rejected an appeal by Egypt to lift the blockade."), ElementsAre("ISR 120 EGY"));
}

TEST_F(ClauseCoderTest, AMustUnderAReportingVerbIsADemandWhereverTheParserHangsIt) {
  EXPECT_THAT(Events("Russia said on Tuesday that Sudan must return a helicopter."), ElementsAre("RUS 100 SDN"));
}

TEST_F(ClauseCoderTest, AnAgentOfAnActorWithoutACountryTakesTheActorsCode) {
  EXPECT_THAT(Events("UN peacekeepers were attacked by Serbian troops."), ElementsAre("SRBMIL 180 IGOUNOMIL"));
}

TEST_F(ClauseCoderTest, ATargetInsideAnObliqueThatNamesAnAct) {
  EXPECT_THAT(Events("And Iran has called for a boycott against Israel, the state's fiercest foe."),
              ElementsAre("IRN 100 ISR"));
}

TEST_F(ClauseCoderTest, APrepositionTheParserHangsOnANumberStillMarksTheTarget) {
  EXPECT_THAT(Events("Uganda has granted political asylum to 18 Rwandan rebels who entered the country illegally."),
              ElementsAre("UGA 075 RWAREB"));
}

TEST_F(ClauseCoderTest, TheObliqueThatNamesAnActorIsTheTarget) {
  EXPECT_THAT(Events("Iraqi President Saddam Hussein arrived in Amman on a previously unannounced visit."),
              ElementsAre("IRQGOV 042 JORGOV"));
}

TEST_F(ClauseCoderTest, ProtestIsAimedAtTheGovernmentOfItsCountry) {
  EXPECT_THAT(Events("Thousands of Algerians demonstrated on Friday."), ElementsAre("DZA 141 DZAGOV"));
}

TEST_F(ClauseCoderTest, ANaturalDisasterIsNoAttack) {
  EXPECT_THAT(Events("A magnitude 5.9 earthquake struck eastern Turkey early on Sunday, injuring dozens of people."),
              IsEmpty());
}

TEST_F(ClauseCoderTest, APronounIsTheLastPersonNamed) {
  EXPECT_THAT(
      Events("US Defense Secretary Lloyd Austin arrived in Manila. He met Philippine President Ferdinand Marcos."),
      ElementsAre("USAGOVMIL 042 PHLGOV", "USAGOVMIL 040 PHLGOV"));
}

TEST_F(ClauseCoderTest, ALaterBareNameIsThePersonWithTheRole) {
  EXPECT_THAT(Events("US Defense Secretary Lloyd Austin arrived on Monday. Austin criticized China."),
              ElementsAre("USAGOVMIL 111 CHN"));
}

TEST_F(ClauseCoderTest, TheRecordSaysHowTheEventWasFound) {
  const std::string body = "Georgia was attacked by Russia.";
  const v1::CodedEvent e = Only(body);
  EXPECT_EQ(e.trigger(), "attacked");
  EXPECT_EQ(body.substr(e.trigger_span().begin(), e.trigger_span().end() - e.trigger_span().begin()), "attacked");
  EXPECT_EQ(body.substr(e.source().span().begin(), e.source().span().end() - e.source().span().begin()), "Russia");
  EXPECT_EQ(e.pattern(), "attack");
  EXPECT_EQ(e.sentence().end(), body.size());
  EXPECT_GT(e.confidence(), 0.5f);
}

TEST_F(ClauseCoderTest, SentencesWithoutAPoliticalActorAreNotCoded) {
  EXPECT_THAT(Events("The company attacked the plan."), IsEmpty());
}

}  // namespace
}  // namespace herald
