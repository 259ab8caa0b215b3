#include "processors/syntax/lemmatizer.h"

#include <gtest/gtest.h>

namespace herald::syntax {
namespace {

constexpr char kWords[] =
    "1\ttried\ttry\tVERB\tVBD\t_\t0\troot\t_\t_\n2\tdenied\tdeny\tVERB\tVBD\t_\t1\tconj\t_\t_\n"
    "3\tattacked\tattack\tVERB\tVBD\t_\t1\tconj\t_\t_\n4\tkilled\tkill\tVERB\tVBD\t_\t1\tconj\t_\t_\n"
    "5\twent\tgo\tVERB\tVBD\t_\t1\tconj\t_\t_\n6\ttroops\ttroop\tNOUN\tNNS\t_\t1\tobj\t_\t_\n"
    "7\tguns\tgun\tNOUN\tNNS\t_\t1\tobj\t_\t_\n8\tRussia\tRussia\tPROPN\tNNP\t_\t1\tobj\t_\t_\n\n";

TEST(LemmatizerTest, LearnsSuffixRulesAndKeepsTheWordsTheyGetWrong) {
  auto bank = ParseConllu(kWords);
  ASSERT_TRUE(bank);
  Lemmatizer lemmas = Lemmatizer::Train(*bank);
  EXPECT_EQ(lemmas.Lemma("went", Upos::kVerb), "go") << "an exception";
  EXPECT_EQ(lemmas.Lemma("Shelled", Upos::kVerb), "shell") << "-ed, seen twice, for a verb it never saw";
  EXPECT_EQ(lemmas.Lemma("bombs", Upos::kNoun), "bomb");
  EXPECT_EQ(lemmas.Lemma("Ottawa", Upos::kPropn), "Ottawa");
  EXPECT_EQ(lemmas.Lemma("bombs", Upos::kVerb), "bombs") << "no rule for this ending and tag";
  auto loaded = Lemmatizer::Deserialize(lemmas.Serialize());
  ASSERT_TRUE(loaded) << loaded.error().reason;
  EXPECT_EQ(loaded->Lemma("went", Upos::kVerb), "go");
  EXPECT_EQ(loaded->Lemma("shelled", Upos::kVerb), "shell");
  EXPECT_FALSE(Lemmatizer::Deserialize("HRLDLEM1 garbage"));
}

}  // namespace
}  // namespace herald::syntax
