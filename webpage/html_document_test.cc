#include "webpage/html_document.h"

#include <gtest/gtest.h>

#include <string>

namespace herald::webpage {
namespace {

// The tree as "tag(child child)" with text in quotes, for compact expectations.
std::string Shape(const HtmlDocument& doc, uint32_t i) {
  if (!doc.IsElement(i)) return "'" + std::string(doc.Text(i)) + "'";
  std::string out(doc.Name(i));
  if (doc[i].end == i + 1) return out;
  out += "(";
  for (uint32_t c = i + 1; c < doc[i].end; c = doc[c].end) {
    if (c != i + 1) out += " ";
    out += Shape(doc, c);
  }
  return out + ")";
}

std::string BodyShape(std::string_view html) {
  HtmlDocument doc = HtmlDocument::Parse(html);
  return Shape(doc, HtmlDocument::kRoot).substr(std::string("#document(").size());
}

TEST(HtmlDocumentTest, BuildsTheTreeWithItsText) {
  EXPECT_EQ(BodyShape("<div><p>One <b>two</b></p><p>three</p></div>"), "div(p('One ' b('two')) p('three')))");
}

TEST(HtmlDocumentTest, ABlockClosesAnOpenParagraphAndListItemsCloseTheirSiblings) {
  EXPECT_EQ(BodyShape("<p>one<div>two</div>"), "p('one') div('two'))");
  EXPECT_EQ(BodyShape("<ul><li>a<li>b</ul>"), "ul(li('a') li('b')))");
  EXPECT_EQ(BodyShape("<table><tr><td>a<td>b<tr><td>c</table>"), "table(tr(td('a') td('b')) tr(td('c'))))");
}

TEST(HtmlDocumentTest, VoidAndSelfClosingElementsHaveNoChildren) {
  EXPECT_EQ(BodyShape("<p>a<br>b<img src=x>c</p>"), "p('a' br 'b' img 'c'))");
  EXPECT_EQ(BodyShape("<div/>text"), "div 'text')");
}

TEST(HtmlDocumentTest, RawTextElementsEndOnlyAtTheirOwnEndTag) {
  HtmlDocument doc = HtmlDocument::Parse("<script>if (a < b) { x = '</p>'; }</script><p>after</p>");
  uint32_t script = doc.Find(HtmlTag::kScript);
  ASSERT_NE(script, 0u);
  EXPECT_EQ(doc.TextOf(script), "if (a < b) { x = '</p>'; }");
  EXPECT_EQ(doc.TextOf(doc.Find(HtmlTag::kP)), "after");
  // Entities are decoded in a title, not in a script.
  HtmlDocument titled = HtmlDocument::Parse("<title>A &amp; B</title><script>a &amp;&amp; b</script>");
  EXPECT_EQ(titled.TextOf(titled.Find(HtmlTag::kTitle)), "A & B");
  EXPECT_EQ(titled.TextOf(titled.Find(HtmlTag::kScript)), "a &amp;&amp; b");
}

TEST(HtmlDocumentTest, StrayEndTagsDoNotCloseTheBlocksAroundThem) {
  EXPECT_EQ(BodyShape("<div><p>a</span>b</p></div>"), "div(p('ab')))");
  EXPECT_EQ(BodyShape("<div><span>a</div>b"), "div(span('a')) 'b')");
  EXPECT_EQ(BodyShape("</div><p>x"), "p('x'))");
}

TEST(HtmlDocumentTest, CommentsDoctypesAndProcessingInstructionsAreSkipped) {
  EXPECT_EQ(BodyShape("<!DOCTYPE html><!-- <p>not</p> --><?xml x?><p>yes</p>"), "p('yes'))");
  EXPECT_EQ(BodyShape("<p>a<!-- unterminated"), "p('a'))");
}

TEST(HtmlDocumentTest, DecodesCharacterReferences) {
  HtmlDocument doc =
      HtmlDocument::Parse("<p>caf&eacute; &amp; &#8217;s &#x2014; &#146; &apos; &nbsp;|&bogus; &amp AT&T &#xD800;</p>");
  EXPECT_EQ(doc.TextOf(doc.Find(HtmlTag::kP)), "caf\u00e9 & \u2019s \u2014 \u2019 ' \u00a0|&bogus; &amp AT&T \ufffd");
}

TEST(HtmlDocumentTest, ReadsAttributesInAnyQuotingAndCase) {
  HtmlDocument doc =
      HtmlDocument::Parse("<A HREF='/a?x=1&amp;y=2' Class=\"big red\" data-x=plain hidden title=\"a > b\">link</A>");
  uint32_t a = doc.Find(HtmlTag::kA);
  ASSERT_NE(a, 0u);
  EXPECT_EQ(doc.Attribute(a, "href"), "/a?x=1&y=2");
  EXPECT_EQ(doc.Attribute(a, "class"), "big red");
  EXPECT_EQ(doc.Attribute(a, "data-x"), "plain");
  EXPECT_EQ(doc.Attribute(a, "title"), "a > b");
  bool has = false;
  EXPECT_EQ(doc.Attribute(a, "hidden", &has), "");
  EXPECT_TRUE(has);
  doc.Attribute(a, "id", &has);
  EXPECT_FALSE(has);
  EXPECT_EQ(doc.TextOf(a), "link");
}

TEST(HtmlDocumentTest, DeepNestingIsCappedAndTruncatedMarkupEnds) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<div>";
  deep += "bottom";
  HtmlDocument doc = HtmlDocument::Parse(deep);
  EXPECT_EQ(doc.TextOf(HtmlDocument::kRoot), "bottom");
  for (uint32_t i = 0; i < doc.size(); ++i) EXPECT_LE(doc[i].end, doc.size());
  for (std::string_view cut : {"<", "<p", "<p class=\"x", "<p a='", "</", "<!--", "&#", "&#x", "<script>x"}) {
    HtmlDocument d = HtmlDocument::Parse(cut);
    EXPECT_GE(d.size(), 1u) << cut;
  }
  EXPECT_EQ(HtmlDocument::Parse("a < b and c <3").TextOf(HtmlDocument::kRoot), "a < b and c <3");
}

}  // namespace
}  // namespace herald::webpage
