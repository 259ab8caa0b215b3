#include "processors/syntax/parser.h"

#include <gtest/gtest.h>

#include "processors/syntax/conllu.h"

namespace herald::syntax {
namespace {

constexpr char kTiny[] =
    "1\tRussia\tRussia\tPROPN\tNNP\t_\t2\tnsubj\t_\t_\n"
    "2\tattacked\tattack\tVERB\tVBD\t_\t0\troot\t_\t_\n"
    "3\tGeorgia\tGeorgia\tPROPN\tNNP\t_\t2\tobj\t_\t_\n"
    "4\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_\n"
    "\n"
    "1\tGeorgia\tGeorgia\tPROPN\tNNP\t_\t3\tnsubj:pass\t_\t_\n"
    "2\twas\tbe\tAUX\tVBD\t_\t3\taux:pass\t_\t_\n"
    "3\tattacked\tattack\tVERB\tVBN\t_\t0\troot\t_\t_\n"
    "4\tby\tby\tADP\tIN\t_\t5\tcase\t_\t_\n"
    "5\tRussia\tRussia\tPROPN\tNNP\t_\t3\tobl:agent\t_\t_\n"
    "\n";

std::vector<Upos> GoldTags(const TreebankSentence& s) {
  std::vector<Upos> tags;
  for (const TreebankWord& w : s.words) tags.push_back(ValueNamed(w.upos, kUposNames).value_or(Upos::kX));
  return tags;
}

// "head:relation" for each word.
std::vector<std::string> Parsed(const Parser& parser, const TreebankSentence& s) {
  std::vector<Arc> arcs;
  parser.Parse(s.Forms(), GoldTags(s), &arcs);
  std::vector<std::string> out;
  for (const Arc& a : arcs) out.push_back(std::to_string(a.head) + ":" + parser.relations()[a.relation]);
  return out;
}

TEST(ParserTest, LearnsActiveAndPassiveClausesAndSurvivesSerialisation) {
  auto bank = ParseConllu(kTiny);
  ASSERT_TRUE(bank);
  std::vector<std::vector<Upos>> tags;
  for (const TreebankSentence& s : *bank) tags.push_back(GoldTags(s));
  // Unpruned: two sentences leave every weight small.
  Parser parser = Parser::Train(*bank, tags, {.epochs = 10, .prune_below = 0});
  EXPECT_EQ(Parsed(parser, (*bank)[0]), (std::vector<std::string>{"2:nsubj", "0:root", "2:obj", "2:punct"}));
  EXPECT_EQ(Parsed(parser, (*bank)[1]),
            (std::vector<std::string>{"3:nsubj:pass", "3:aux:pass", "0:root", "5:case", "3:obl:agent"}));
  auto loaded = Parser::Deserialize(parser.Serialize());
  ASSERT_TRUE(loaded) << loaded.error().reason;
  EXPECT_EQ(Parsed(*loaded, (*bank)[1]), Parsed(parser, (*bank)[1]));
  std::string truncated = parser.Serialize();
  truncated.resize(truncated.size() / 2);
  EXPECT_FALSE(Parser::Deserialize(truncated));
  EXPECT_FALSE(Parser::Deserialize("HRLDPAR1"));
}

TEST(ParserTest, EveryWordGetsOneHeadAndTheSentenceOneRoot) {
  auto bank = ParseConllu(kTiny);
  ASSERT_TRUE(bank);
  std::vector<std::vector<Upos>> tags;
  for (const TreebankSentence& s : *bank) tags.push_back(GoldTags(s));
  Parser parser = Parser::Train(*bank, tags, {.epochs = 2});
  // Words it never saw, in an order it never saw: still a tree.
  std::vector<std::string_view> words = {"by", "the", "the", "was", ".", "Ottawa", "quickly", "x"};
  std::vector<Upos> unseen(words.size(), Upos::kNoun);
  std::vector<Arc> arcs;
  parser.Parse(words, unseen, &arcs);
  ASSERT_EQ(arcs.size(), words.size());
  int roots = 0;
  for (size_t i = 0; i < arcs.size(); ++i) {
    roots += arcs[i].head == 0;
    EXPECT_NE(arcs[i].head, static_cast<int>(i) + 1) << "no word heads itself";
    EXPECT_LE(arcs[i].head, static_cast<int>(words.size()));
  }
  EXPECT_EQ(roots, 1);
}

}  // namespace
}  // namespace herald::syntax
