#include "webpage/main_text.h"

#include <gtest/gtest.h>

#include <string>

namespace herald::webpage {
namespace {

std::string Paragraphs(int n, std::string_view topic) {
  std::string out;
  for (int i = 0; i < n; ++i)
    out += "<p>Paragraph " + std::to_string(i) + " about " + std::string(topic) +
           ", which runs on for a while, with commas, so that it reads like prose.</p>\n";
  return out;
}

std::string Page(std::string_view body) {
  return "<html><head><title>T</title><style>p{}</style></head><body>" + std::string(body) + "</body></html>";
}

std::string Main(std::string_view html) { return ExtractMainText(HtmlDocument::Parse(html)); }

TEST(MainTextTest, KeepsTheArticleAndLeavesOutTheChrome) {
  std::string text = Main(
      Page("<header><a href=/>Home</a> <a href=/news>News</a></header>"
           "<nav><ul><li><a href=/a>Section A</a><li><a href=/b>Section B</a></ul></nav>"
           "<div class=main><article><h1>Headline</h1>" +
           Paragraphs(6, "the budget") + "<h2>A subheading</h2>" + Paragraphs(3, "the vote") +
           "</article>"
           "<div class=comments><p>First comment, which is long enough to be a paragraph of its own, surely.</p></div>"
           "<aside><p>Sidebar text that should never be read as part of the article body.</p></aside></div>"
           "<footer><p>Copyright Example News, all rights reserved, since 1999.</p></footer>"
           "<script>var x = 'Paragraph 99 about scripts';</script>"));
  EXPECT_NE(text.find("Paragraph 0 about the budget"), std::string::npos);
  EXPECT_NE(text.find("Paragraph 2 about the vote"), std::string::npos);
  EXPECT_NE(text.find("\nA subheading\n"), std::string::npos);
  for (std::string_view chrome : {"Home", "Section A", "comment", "Sidebar", "Copyright", "scripts", "Headline"})
    EXPECT_EQ(text.find(chrome), std::string::npos) << chrome << " in:\n" << text;
}

TEST(MainTextTest, OneParagraphPerLineWithWhiteSpaceFolded) {
  std::string text = Main(
      Page("<div>" + Paragraphs(4, "x") + "<p>Line  one<br>line\n\n two, and more text to be a paragraph.</p></div>"));
  EXPECT_NE(text.find("which runs on for a while, with commas, so that it reads like prose.\nParagraph 1"),
            std::string::npos);
  EXPECT_NE(text.find("\nLine one\nline two, and more"), std::string::npos) << text;
  EXPECT_EQ(text.back(), '.');
}

TEST(MainTextTest, TextWrittenStraightIntoADivBetweenBreaksIsRead) {
  std::string body = "<div class=post-body>";
  for (int i = 0; i < 5; ++i)
    body += "Sentence " + std::to_string(i) + " of a blog post written without paragraphs, as some are.<br><br>";
  body +=
      "<div class=separator><a href=/img.jpg><img src=/img.jpg></a></div>Last words of the post, also long "
      "enough.</div>";
  std::string text = Main(Page("<div class=sidebar><a href=/x>Archive</a></div>" + body));
  EXPECT_NE(text.find("Sentence 0 of a blog post"), std::string::npos) << text;
  EXPECT_NE(text.find("Last words of the post"), std::string::npos) << text;
  EXPECT_EQ(text.find("Archive"), std::string::npos);
}

TEST(MainTextTest, LeavesOutLinkListsHiddenBoxesAndCaptionsInsideTheArticle) {
  std::string text = Main(
      Page("<article>" + Paragraphs(5, "floods") +
           "<ul><li><a href=/1>Read more: another story about something</a><li><a href=/2>And another story</a></ul>"
           "<p><a href=/3>SEE MORE: Floods hit the north again this week</a></p>"
           "<div style=\"display: none\"><p>A hidden paragraph that no reader sees, though it is long.</p></div>"
           "<figure><img src=a.jpg><figcaption>The river, seen from the bridge (Image: Agency)</figcaption></figure>" +
           Paragraphs(2, "repairs") + "</article>"));
  EXPECT_NE(text.find("Paragraph 1 about repairs"), std::string::npos);
  for (std::string_view junk : {"Read more", "SEE MORE", "hidden paragraph", "bridge"})
    EXPECT_EQ(text.find(junk), std::string::npos) << junk << " in:\n" << text;
}

TEST(MainTextTest, AnArticleSplitIntoSectionsIsReadWhole) {
  std::string text = Main(Page("<div id=story><section>" + Paragraphs(3, "part one") + "</section>" +
                               "<div class=ad>Advertisement</div><section>" + Paragraphs(8, "part two") +
                               "</section></div><div class=related><a href=/r>Related</a></div>"));
  EXPECT_NE(text.find("Paragraph 0 about part one"), std::string::npos) << text;
  EXPECT_NE(text.find("Paragraph 7 about part two"), std::string::npos) << text;
}

TEST(MainTextTest, PagesWithoutAnArticleGiveTheirVisibleText) {
  EXPECT_EQ(Main(""), "");
  EXPECT_EQ(Main("<html><body><nav><a href=/>Home</a></nav></body></html>"), "");
  EXPECT_EQ(Main("Just a short text."), "Just a short text.");
  EXPECT_EQ(Main("<html><head><title>T</title></head><body><div>Hello <b>world</b></div><script>x()</script>"
                 "<p>Bye.</p></body>"),
            "Hello world\nBye.");
}

}  // namespace
}  // namespace herald::webpage
