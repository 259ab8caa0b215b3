#include "processors/syntax/syntax.h"
#include "processors/syntax/builtin_model.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace herald::syntax {
namespace {

// Tests run in the project folder, beside ../shared.
constexpr char kTreebankDir[] = "../shared/corpus/ud-english-ewt";

constexpr char kTiny[] =
    "1\tGeorgia\tGeorgia\tPROPN\tNNP\t_\t3\tnsubj:pass\t_\t_\n"
    "2\twas\tbe\tAUX\tVBD\t_\t3\taux:pass\t_\t_\n"
    "3\tattacked\tattack\tVERB\tVBN\t_\t0\troot\t_\t_\n"
    "4\tby\tby\tADP\tIN\t_\t5\tcase\t_\t_\n"
    "5\ttroops\ttroop\tNOUN\tNNS\t_\t3\tobl:agent\t_\t_\n"
    "\n";

TEST(SyntaxTest, OneModelFileHoldsTaggerLemmatiserAndParser) {
  auto bank = ParseConllu(kTiny);
  ASSERT_TRUE(bank);
  Syntax syntax = Syntax::Train(
      *bank,
      {.tagger = {.epochs = 5, .dictionary_min_count = 1000}, .parser = {.epochs = 10, .prune_below = 0}, .folds = 1});
  auto loaded = Syntax::Deserialize(syntax.Serialize());
  ASSERT_TRUE(loaded) << loaded.error().reason;
  std::vector<std::string_view> words = {"Georgia", "was", "attacked", "by", "troops"};
  SentenceSyntax s;
  loaded->Analyze(words, &s);
  EXPECT_EQ(NameOf(s.tags[2], kUposNames), "VERB");
  EXPECT_EQ(s.lemmas[2], "attack");
  EXPECT_EQ(s.lemmas[4], "troop");
  EXPECT_EQ(s.lemmas[0], "Georgia") << "a proper noun is its own lemma";
  EXPECT_EQ(s.arcs[4].head, 3);
  EXPECT_EQ(loaded->relation(s.arcs[4]), "obl:agent");
  std::string truncated = syntax.Serialize();
  truncated.resize(truncated.size() - 1);
  EXPECT_FALSE(Syntax::Deserialize(truncated));
  EXPECT_FALSE(Syntax::Deserialize("HRLDSYN1"));
}

// Retrains a small model on part of EWT's train split: it must learn (the
// figures of the full model are in docs/EXTRACTION.md).
TEST(SyntaxTest, ASmallModelTrainedOnPartOfTheTreebankAnalysesItsDevSplit) {
  if (!std::filesystem::exists(kTreebankDir)) GTEST_SKIP() << "no " << kTreebankDir;
  auto train = ReadConllu(std::string(kTreebankDir) + "/en_ewt-ud-train.conllu");
  auto dev = ReadConllu(std::string(kTreebankDir) + "/en_ewt-ud-dev.conllu");
  ASSERT_TRUE(train && dev);
  train->resize(2000);
  Syntax syntax = Syntax::Train(*train, {.tagger = {.epochs = 3}, .parser = {.epochs = 3}, .folds = 2});
  SyntaxScore score = ScoreSyntax(syntax, *dev);
  EXPECT_GT(score.upos(), 0.88);
  EXPECT_GT(score.lemma(), 0.93);
  EXPECT_GT(score.uas(), 0.68);
  EXPECT_GT(score.las(), 0.60);
  EXPECT_LE(score.las(), score.uas());
}

TEST(SyntaxTest, TheBuiltInModelLoadsOnceAndParsesANewsSentence) {
  auto syntax = BuiltinSyntax();
  ASSERT_TRUE(syntax) << syntax.error().reason;
  EXPECT_EQ(syntax->get(), BuiltinSyntax()->get());
  std::vector<std::string_view> words = {"Georgia", "was", "attacked", "by", "Russia", "."};
  SentenceSyntax s;
  (*syntax)->Analyze(words, &s);
  EXPECT_EQ(s.lemmas[2], "attack");
  EXPECT_EQ(s.arcs[0].head, 3);
  EXPECT_EQ((*syntax)->relation(s.arcs[1]), "aux:pass");
  EXPECT_EQ((*syntax)->relation(s.arcs[4]), "obl:agent");
}

TEST(SyntaxTest, AModelFileThatIsNotOneIsRefusedWithItsPath) {
  auto syntax = LoadSyntax("/dev/null");
  ASSERT_FALSE(syntax);
  EXPECT_NE(syntax.error().reason.find("/dev/null"), std::string::npos);
}

}  // namespace
}  // namespace herald::syntax
