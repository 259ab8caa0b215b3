#include "webpage/web_article.h"

#include <gtest/gtest.h>

namespace herald::webpage {
namespace {

constexpr std::string_view kBody =
    "<article><p>The council voted on Tuesday to approve the budget, after a long debate, which lasted hours.</p>"
    "<p>Members of the opposition said the plan, as written, would not pass again next year.</p></article>";

TEST(WebArticleTest, ReadsJsonLdFirstIncludingAGraph) {
  std::string page = std::string("<html lang=en-GB><head><title>Budget passes | Example News</title>") +
                     "<meta property=og:title content='OG title'>"
                     "<meta property=article:published_time content='2019-01-01T00:00:00Z'>"
                     "<script type=\"application/ld+json\">{\"@context\":\"https://schema.org\",\"@graph\":["
                     "{\"@type\":\"Organization\",\"name\":\"Org\"},"
                     "{\"@type\":[\"NewsArticle\"],\"headline\":\"Council  approves budget\","
                     "\"datePublished\":\"2019-11-19T08:30:00-05:00\",\"inLanguage\":\"en\","
                     "\"author\":[{\"@type\":\"Person\",\"name\":\"Ann Lee\"},{\"name\":\"Bo Chan\"}],"
                     "\"publisher\":{\"name\":\"Example News\"}}]}</script>"
                     "<link rel=canonical href='https://example.com/budget?a=1&amp;b=2'></head><body>" +
                     std::string(kBody) + "</body></html>";
  WebArticle a = ReadWebArticle(page, "text/html");
  EXPECT_EQ(a.title, "Council approves budget");
  EXPECT_EQ(a.author, "Ann Lee, Bo Chan");
  EXPECT_EQ(a.published_at, "2019-11-19T13:30:00Z");
  EXPECT_EQ(a.language, "en");
  EXPECT_EQ(a.site_name, "Example News");
  EXPECT_EQ(a.canonical_url, "https://example.com/budget?a=1&b=2");
  EXPECT_EQ(a.charset, "utf-8");
  EXPECT_EQ(a.text.substr(0, 17), "The council voted");
}

TEST(WebArticleTest, FallsBackToMetaTagsThenMarkup) {
  std::string page = std::string("<html lang=fr><head><title>Le budget est voté - Journal Exemple</title>") +
                     "<meta name=author content='By Marie Curie'><meta property=og:url content='https://ex.fr/b'>"
                     "<script type=application/ld+json>{broken json</script></head><body>"
                     "<time datetime='Tue, 19 Nov 2019 08:30:00 +0100'>hier</time>" +
                     std::string(kBody) + "</body>";
  WebArticle a = ReadWebArticle(page);
  EXPECT_EQ(a.title, "Le budget est voté");
  EXPECT_EQ(a.author, "Marie Curie");
  EXPECT_EQ(a.published_at, "2019-11-19T07:30:00Z");
  EXPECT_EQ(a.language, "fr");
  EXPECT_EQ(a.canonical_url, "https://ex.fr/b");
}

TEST(WebArticleTest, ConvertsTheDeclaredCharsetAndDropsTheHeadlineFromTheText) {
  std::string page =
      "<meta charset=iso-8859-1><h2>Caf\xe9"
      " reopens</h2>"
      "<div><h2>Caf\xe9"
      " reopens</h2><p>The caf\xe9"
      " on the square reopened on Monday, after a year, "
      "and its owners said they were \x93"
      "delighted\x94"
      " to be back.</p></div>";
  WebArticle a = ReadWebArticle(page);
  EXPECT_EQ(a.charset, "windows-1252");
  EXPECT_NE(a.text.find("The caf\u00e9 on the square"), std::string::npos) << a.text;
  EXPECT_NE(a.text.find("\u201cdelighted\u201d"), std::string::npos) << a.text;
}

TEST(WebArticleTest, NormalizesTimestampsToRfc3339Utc) {
  EXPECT_EQ(NormalizeTimestamp("2019-11-19"), "2019-11-19T00:00:00Z");
  EXPECT_EQ(NormalizeTimestamp("2019-11-19T13:14:15.123Z"), "2019-11-19T13:14:15Z");
  EXPECT_EQ(NormalizeTimestamp("2019-11-19 13:14"), "2019-11-19T13:14:00Z");
  EXPECT_EQ(NormalizeTimestamp(" 2019-11-19T23:30:00+0530 "), "2019-11-19T18:00:00Z");
  EXPECT_EQ(NormalizeTimestamp("Tue, 19 Nov 2019 13:14:00 GMT"), "2019-11-19T13:14:00Z");
  EXPECT_EQ(NormalizeTimestamp("19 Nov 2019 08:00 EST"), "2019-11-19T13:00:00Z");
  EXPECT_EQ(NormalizeTimestamp("Mon, 1 Jan 01 00:00:00 -0000"), "2001-01-01T00:00:00Z");
  for (std::string_view bad : {"", "yesterday", "2019-13-01", "2019-11-19T25:00", "32 Foo 2019", "2019-11-19Tnoon"})
    EXPECT_EQ(NormalizeTimestamp(bad), "") << bad;
}

}  // namespace
}  // namespace herald::webpage
