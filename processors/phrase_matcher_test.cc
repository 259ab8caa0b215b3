#include "processors/phrase_matcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace herald {
namespace {

std::vector<std::string> Found(const PhraseMatcher& m, std::string_view text) {
  std::vector<std::string> out;
  for (const auto& match : m.FindLongest(text)) {
    out.push_back(std::string(text.substr(match.begin, match.end - match.begin)) + "#" + std::to_string(match.id));
  }
  return out;
}

TEST(PhraseMatcherTest, LongestMatchWinsAndCaseIsFolded) {
  PhraseMatcher::Builder b;
  b.Add("China", 1);
  b.Add("South China Sea", 2);
  b.Add("sea", 3);
  PhraseMatcher m = std::move(b).Build();
  EXPECT_THAT(Found(m, "Ships in the SOUTH CHINA SEA and china."),
              ::testing::ElementsAre("SOUTH CHINA SEA#2", "china#1"));
}

TEST(PhraseMatcherTest, MatchesOnlyWholeWords) {
  PhraseMatcher::Builder b;
  b.Add("Iran", 1);
  b.Add("Oman", 2);
  PhraseMatcher m = std::move(b).Build();
  EXPECT_THAT(Found(m, "Iranian women in Romania; Iran's oil; Oman."), ::testing::ElementsAre("Iran#1", "Oman#2"));
}

TEST(PhraseMatcherTest, ExactCasePhrasesIgnoreOtherCasings) {
  PhraseMatcher::Builder b;
  b.Add("US", 1, PhraseMatcher::kExactCase);
  PhraseMatcher m = std::move(b).Build();
  EXPECT_THAT(Found(m, "Tell us about the US plan"), ::testing::ElementsAre("US#1"));
}

TEST(PhraseMatcherTest, ProperNounsMustBeginWithACapital) {
  PhraseMatcher::Builder b;
  b.Add("Turkey", 1, PhraseMatcher::kProperNoun);
  PhraseMatcher m = std::move(b).Build();
  EXPECT_THAT(Found(m, "turkey dinner in Turkey, TURKEY"), ::testing::ElementsAre("Turkey#1", "TURKEY#1"));
}

TEST(PhraseMatcherTest, SharedPhraseReportsEveryId) {
  PhraseMatcher::Builder b;
  b.Add("Georgia", 1);
  b.Add("georgia", 2);
  PhraseMatcher m = std::move(b).Build();
  EXPECT_THAT(Found(m, "in Georgia"), ::testing::ElementsAre("Georgia#1", "Georgia#2"));
}

TEST(PhraseMatcherTest, OverlappingPhrasesMatchOnlyOnWordBoundaries) {
  PhraseMatcher::Builder b;
  b.Add("he said", 1);
  b.Add("said no", 2);
  PhraseMatcher m = std::move(b).Build();
  std::vector<PhraseMatcher::Match> all;
  m.FindAll("she said no", &all);
  ASSERT_EQ(all.size(), 1u) << "'he said' inside 'she said' is not on a word boundary";
  EXPECT_EQ(all[0].id, 2u);
}

TEST(PhraseMatcherTest, EmptyMatcherAndEmptyTextFindNothing) {
  PhraseMatcher empty;
  EXPECT_TRUE(empty.FindLongest("anything").empty());
  PhraseMatcher::Builder b;
  b.Add("x", 1);
  EXPECT_TRUE(std::move(b).Build().FindLongest("").empty());
}

}  // namespace
}  // namespace herald
