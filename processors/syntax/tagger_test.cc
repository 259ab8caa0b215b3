#include "processors/syntax/tagger.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "processors/syntax/conllu.h"

namespace herald::syntax {
namespace {

// Tests run in the project folder, beside ../shared.
constexpr char kTreebankDir[] = "../shared/corpus/ud-english-ewt";

// Tags of a sentence as their names, for readable failures.
std::vector<std::string> TagNames(const Tagger& tagger, std::vector<std::string_view> words) {
  std::vector<Upos> tags;
  tagger.Tag(words, &tags);
  std::vector<std::string> names;
  for (Upos t : tags) names.emplace_back(NameOf(t, kUposNames));
  return names;
}

constexpr char kTiny[] =
    "# sent_id = 1\n"
    "1\tRussia\tRussia\tPROPN\tNNP\t_\t2\tnsubj\t_\t_\n"
    "2\tattacked\tattack\tVERB\tVBD\t_\t0\troot\t_\t_\n"
    "3\tGeorgia\tGeorgia\tPROPN\tNNP\t_\t2\tobj\t_\t_\n"
    "4\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_\n"
    "\n"
    "1-2\tdon't\t_\t_\t_\t_\t_\t_\t_\t_\n"
    "1\tdo\tdo\tAUX\tVBP\t_\t3\taux\t_\t_\n"
    "2\tn't\tnot\tPART\tRB\t_\t3\tadvmod\t_\t_\n"
    "3\tgo\tgo\tVERB\tVB\t_\t0\troot\t_\t_\n"
    "\n";

TEST(ConlluTest, KeepsSyntacticWordsWithTheirHeadsAndSkipsTokenRanges) {
  auto bank = ParseConllu(kTiny);
  ASSERT_TRUE(bank) << bank.error().reason;
  ASSERT_EQ(bank->size(), 2u);
  EXPECT_EQ((*bank)[0].id, "1");
  EXPECT_EQ((*bank)[0].words[1].lemma, "attack");
  EXPECT_EQ((*bank)[0].words[2].head, 2);
  EXPECT_EQ((*bank)[0].words[2].deprel, "obj");
  ASSERT_EQ((*bank)[1].words.size(), 3u) << "the range line 1-2 is not a word";
  EXPECT_EQ((*bank)[1].words[1].form, "n't");
}

TEST(ConlluTest, RefusesLinesThatAreNotWords) {
  EXPECT_FALSE(ParseConllu("1\tonly\tthree\n"));
  EXPECT_FALSE(ParseConllu("1\ta\ta\tX\tX\t_\t5\tdep\t_\t_\n\n")) << "head beyond the sentence";
  EXPECT_FALSE(ParseConllu("2\ta\ta\tX\tX\t_\t0\troot\t_\t_\n\n")) << "ids must count from 1";
}

TEST(TaggerTest, LearnsATinyTreebankAndSurvivesSerialisation) {
  auto bank = ParseConllu(kTiny);
  ASSERT_TRUE(bank);
  Tagger tagger = Tagger::Train(*bank, {.epochs = 5, .dictionary_min_count = 1000});
  EXPECT_EQ(TagNames(tagger, {"Russia", "attacked", "Georgia", "."}),
            (std::vector<std::string>{"PROPN", "VERB", "PROPN", "PUNCT"}));
  auto loaded = Tagger::Deserialize(tagger.Serialize());
  ASSERT_TRUE(loaded) << loaded.error().reason;
  EXPECT_EQ(TagNames(*loaded, {"do", "n't", "go"}), TagNames(tagger, {"do", "n't", "go"}));
  EXPECT_EQ(TagNames(*loaded, {"do", "n't", "go"}), (std::vector<std::string>{"AUX", "PART", "VERB"}));
  EXPECT_FALSE(Tagger::Deserialize("HRLDTAG1 and then nothing useful"));
  std::string truncated = tagger.Serialize();
  truncated.resize(truncated.size() - 3);
  EXPECT_FALSE(Tagger::Deserialize(truncated));
}

// Retrains a small model on part of EWT's train split: it must learn (the
// figures of the shipped model are in docs/EXTRACTION.md).
TEST(TaggerTest, ASmallModelTrainedOnPartOfTheTreebankTagsItsDevSplitWell) {
  if (!std::filesystem::exists(kTreebankDir)) GTEST_SKIP() << "no " << kTreebankDir;
  auto train = ReadConllu(std::string(kTreebankDir) + "/en_ewt-ud-train.conllu");
  auto dev = ReadConllu(std::string(kTreebankDir) + "/en_ewt-ud-dev.conllu");
  ASSERT_TRUE(train && dev);
  train->resize(3000);
  Tagger tagger = Tagger::Train(*train, {.epochs = 3});
  EXPECT_GT(ScoreTagger(tagger, *dev).accuracy(), 0.88);
}

}  // namespace
}  // namespace herald::syntax
