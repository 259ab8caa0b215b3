#include "processors/syntax/tokenizer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace herald::syntax {
namespace {

std::vector<std::string> Words(std::string_view text) {
  std::vector<WordSpan> spans;
  Tokenize(text, &spans);
  std::vector<std::string> words;
  for (const WordSpan& w : spans) words.emplace_back(w.Of(text));
  return words;
}

using V = std::vector<std::string>;

TEST(TokenizerTest, SplitsPunctuationAndClitics) {
  EXPECT_EQ(Words("Russia's army didn't attack."), (V{"Russia", "'s", "army", "did", "n't", "attack", "."}));
  EXPECT_EQ(Words("\"We can't,\" he said (twice)!"),
            (V{"\"", "We", "ca", "n't", ",", "\"", "he", "said", "(", "twice", ")", "!"}));
  EXPECT_EQ(Words("They're sure I'll cannot"), (V{"They", "'re", "sure", "I", "'ll", "can", "not"}));
  EXPECT_EQ(Words("It\u2019s over\u2026"), (V{"It", "\u2019s", "over", "\u2026"}));
  EXPECT_EQ(Words("Really?! Yes..."), (V{"Really", "?!", "Yes", "..."}));
}

TEST(TokenizerTest, KeepsAbbreviationsNumbersTimesAndAddressesWhole) {
  EXPECT_EQ(Words("Mr. Smith met U.S. officials at 10:30 on 02/13/2001."),
            (V{"Mr.", "Smith", "met", "U.S.", "officials", "at", "10:30", "on", "02/13/2001", "."}));
  EXPECT_EQ(Words("It cost $1,000.50, see http://example.com/a?b=c."),
            (V{"It", "cost", "$1,000.50", ",", "see", "http://example.com/a?b=c", "."}));
  EXPECT_EQ(Words("Mail jo@example.org :)"), (V{"Mail", "jo@example.org", ":)"}));
}

TEST(TokenizerTest, SplitsHyphensAsUdEnglishDoesExceptAfterPrefixes) {
  EXPECT_EQ(Words("a non-stop e-mail"), (V{"a", "non-stop", "e-mail"}));
  EXPECT_EQ(Words("al-Qaeda and/or two-state"), (V{"al", "-", "Qaeda", "and", "/", "or", "two", "-", "state"}));
}

TEST(TokenizerTest, CoversEveryByteOfAnyInput) {
  const std::string hostile = std::string("\xff\xfe''\"\"((--)) \x80 'tis ") + std::string(1, '\0') + "...!!";
  std::vector<WordSpan> spans;
  Tokenize(hostile, &spans);
  size_t covered = 0, previous_end = 0;
  for (const WordSpan& w : spans) {
    EXPECT_LT(w.begin, w.end);
    EXPECT_GE(w.begin, previous_end) << "in order, not overlapping";
    previous_end = w.end;
    covered += w.end - w.begin;
  }
  size_t non_space = 0;
  for (char c : hostile) non_space += c != ' ';
  EXPECT_EQ(covered, non_space);
  EXPECT_TRUE(Words("").empty());
  EXPECT_TRUE(Words(" \n\t ").empty());
}

}  // namespace
}  // namespace herald::syntax
