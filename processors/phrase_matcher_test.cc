#include "processors/phrase_matcher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
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

TEST(PhraseMatcherTest, PhraseBeginningOutsideWordsIsFound) {
  PhraseMatcher::Builder b;
  b.Add("-based", 1);
  b.Add("firms", 2);
  PhraseMatcher m = std::move(b).Build();
  EXPECT_THAT(Found(m, "China-based firms"), ::testing::ElementsAre("-based#1", "firms#2"));
}

TEST(PhraseMatcherTest, SplitWordsReadsWordsAcrossBlocksOf64Bytes) {
  // Words of every length from 1 to 150, so that boundaries fall on every offset of a 64-byte block.
  std::string text;
  std::vector<std::string> expected;
  for (size_t n = 1; n <= 150; ++n) {
    expected.push_back(std::string(n, static_cast<char>('a' + n % 26)));
    text += expected.back() + (n % 3 ? " " : ", ");
  }
  std::vector<PhraseMatcher::TextWord> words;
  PhraseMatcher::SplitWords(text, &words);
  std::vector<std::string> found;
  for (const auto& w : words) {
    found.push_back(text.substr(w.begin, w.end - w.begin));
    EXPECT_EQ(w.hash, FoldedHash(text, w.begin, w.end));
  }
  EXPECT_EQ(found, expected);
}

TEST(PhraseMatcherTest, SplitWordsClassifiesEveryByteValue) {
  // Each byte value alone between spaces: a word exactly when it is a letter, a digit or >= 0x80.
  std::string text;
  std::string expected;
  for (int c = 1; c < 256; ++c) {
    text += ' ';
    text += static_cast<char>(c);
    bool word_byte = std::isalnum(c) || c >= 0x80;
    if (word_byte && c != ' ') expected += static_cast<char>(c);
  }
  std::vector<PhraseMatcher::TextWord> words;
  PhraseMatcher::SplitWords(text, &words);
  std::string found;
  for (const auto& w : words) found += text.substr(w.begin, w.end - w.begin);
  EXPECT_EQ(found, expected);
}

TEST(PhraseMatcherTest, FoldedHashIgnoresAsciiCaseOnly) {
  std::string_view a = "Straits-Of-MALACCA \xC3\x89tat";
  std::string_view b = "straits-of-malacca \xC3\x89tat";
  EXPECT_EQ(FoldedHash(a, 0, a.size()), FoldedHash(b, 0, b.size()));
  std::string_view c = "straits-of-malacca \xC3\xA9tat";  // É and é differ: only ASCII folds
  EXPECT_NE(FoldedHash(a, 0, a.size()), FoldedHash(c, 0, c.size()));
  EXPECT_NE(FoldedHash("ab", 0, 1), FoldedHash("ab", 0, 2));
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
