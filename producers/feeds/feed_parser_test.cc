#include "producers/feeds/feed_parser.h"

#include <gtest/gtest.h>

namespace herald {
namespace {

TEST(FeedParserTest, ReadsRss2WithItsModules) {
  auto feed = ParseFeed(R"(<?xml version="1.0"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Example News</title>
<item><title>First &amp; best</title><link>https://example.com/a?x=1</link><guid isPermaLink="false">id-1</guid>
<description><![CDATA[<p>Summary</p>]]></description><content:encoded><![CDATA[<p>Full text.</p>]]></content:encoded>
<dc:creator>Ann Lee</dc:creator><pubDate>Tue, 19 Nov 2019 13:14:00 +0100</pubDate></item>
<item><title>Relative</title><link>/b/c.html</link></item>
</channel></rss>)",
                        "application/rss+xml", "https://example.com/feeds/all.xml");
  ASSERT_TRUE(feed) << feed.error().reason;
  EXPECT_EQ(feed->format, FeedFormat::kRss);
  EXPECT_EQ(feed->title, "Example News");
  ASSERT_EQ(feed->items.size(), 2u);
  const FeedItem& a = feed->items[0];
  EXPECT_EQ(a.title, "First & best");
  EXPECT_EQ(a.url, "https://example.com/a?x=1");
  EXPECT_EQ(a.id, "id-1");
  EXPECT_EQ(a.summary, "<p>Summary</p>");
  EXPECT_EQ(a.content, "<p>Full text.</p>");
  EXPECT_TRUE(a.content_is_html);
  EXPECT_EQ(a.author, "Ann Lee");
  EXPECT_EQ(a.published_at, "2019-11-19T12:14:00Z");
  EXPECT_EQ(feed->items[1].url, "https://example.com/b/c.html");
  EXPECT_EQ(feed->items[1].id, "https://example.com/b/c.html");
}

TEST(FeedParserTest, ReadsRss1AndAtomAndJsonFeed) {
  auto rdf =
      ParseFeed(R"(<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"><channel rdf:about="https://ex.org/"><title>RDF news</title></channel>
    <item rdf:about="https://ex.org/1"><title>One</title><link>https://ex.org/1</link><dc:date>2019-11-19T08:00:00Z</dc:date></item>
    </rdf:RDF>)");
  ASSERT_TRUE(rdf) << rdf.error().reason;
  EXPECT_EQ(rdf->format, FeedFormat::kRdf);
  ASSERT_EQ(rdf->items.size(), 1u);
  EXPECT_EQ(rdf->items[0].id, "https://ex.org/1");
  EXPECT_EQ(rdf->items[0].published_at, "2019-11-19T08:00:00Z");

  auto atom = ParseFeed(R"(<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom news</title>
    <entry><id>tag:ex.org,2019:1</id><title type="html">A &lt;b&gt;bold&lt;/b&gt; title</title>
    <link rel="self" href="https://ex.org/self"/><link rel="alternate" href="https://ex.org/story"/>
    <updated>2019-11-20T00:00:00Z</updated><published>2019-11-19T00:00:00Z</published>
    <author><name>Bo Chan</name><email>b@ex.org</email></author>
    <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Para one.</p></div></content></entry></feed>)");
  ASSERT_TRUE(atom) << atom.error().reason;
  EXPECT_EQ(atom->format, FeedFormat::kAtom);
  ASSERT_EQ(atom->items.size(), 1u);
  EXPECT_EQ(atom->items[0].url, "https://ex.org/story");
  EXPECT_EQ(atom->items[0].id, "tag:ex.org,2019:1");
  EXPECT_EQ(atom->items[0].author, "Bo Chan");
  EXPECT_EQ(atom->items[0].published_at, "2019-11-19T00:00:00Z");
  EXPECT_EQ(atom->items[0].content, "Para one.");

  auto json = ParseFeed(R"({"version": "https://jsonfeed.org/version/1.1", "title": "JSON news", "items": [
    {"id": "1", "url": "https://ex.org/j1", "title": "J1", "content_html": "<p>Body</p>",
     "date_published": "2019-11-19T10:00:00-05:00", "authors": [{"name": "Cy"}, {"name": "Di"}]},
    {"id": 2, "url": "/j2", "content_text": "Plain", "author": {"name": "Ed"}}]})",
                        "application/feed+json", "https://ex.org/feed.json");
  ASSERT_TRUE(json) << json.error().reason;
  EXPECT_EQ(json->format, FeedFormat::kJsonFeed);
  ASSERT_EQ(json->items.size(), 2u);
  EXPECT_EQ(json->items[0].author, "Cy, Di");
  EXPECT_EQ(json->items[0].published_at, "2019-11-19T15:00:00Z");
  EXPECT_TRUE(json->items[0].content_is_html);
  EXPECT_EQ(json->items[1].id, "2");
  EXPECT_EQ(json->items[1].url, "https://ex.org/j2");
  EXPECT_EQ(json->items[1].content, "Plain");
  EXPECT_FALSE(json->items[1].content_is_html);
  EXPECT_EQ(json->items[1].author, "Ed");
}

TEST(FeedParserTest, ConvertsALegacyCharset) {
  std::string windows1252 =
      "<?xml version=\"1.0\" encoding=\"windows-1252\"?><rss><channel><item><title>Caf\xe9 "
      "\x93open\x94</title><link>https://ex.org/c</link></item></channel></rss>";
  auto feed = ParseFeed(windows1252);
  ASSERT_TRUE(feed) << feed.error().reason;
  EXPECT_EQ(feed->items.at(0).title, "Caf\u00e9 \u201copen\u201d");
  // The HTTP header's charset wins over the declaration.
  auto latin = ParseFeed(
      "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss><channel><item><title>\xe9t\xe9</title>"
      "<link>https://ex.org/e</link></item></channel></rss>",
      "text/xml; charset=iso-8859-1");
  ASSERT_TRUE(latin) << latin.error().reason;
  EXPECT_EQ(latin->items.at(0).title, "\u00e9t\u00e9");
}

TEST(FeedParserTest, RefusesWhatIsNotAFeedWithTheReason) {
  auto malformed = ParseFeed("<rss><channel>\n<item><title>x</item></channel></rss>");
  ASSERT_FALSE(malformed);
  EXPECT_EQ(malformed.error().code, v1::MALFORMED_FEED);
  EXPECT_NE(malformed.error().reason.find("line 2"), std::string::npos) << malformed.error().reason;
  for (std::string_view bad :
       {"", "   ", "<html><body>a page</body></html>", "{\"not\": \"a feed\"}", "{broken", "<feed><entry/></feed>"}) {
    auto r = ParseFeed(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, v1::MALFORMED_FEED) << bad;
  }
}

TEST(FeedParserTest, ExpandsNoDeclaredEntityAndKeepsTheNewestItems) {
  // An external entity (XXE) and a billion-laughs entity are never expanded.
  auto xxe = ParseFeed(R"(<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">
    <!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
    <rss><channel><item><title>&x;&b;</title><link>https://ex.org/x</link></item></channel></rss>)");
  if (xxe) {
    ASSERT_EQ(xxe->items.size(), 1u);
    EXPECT_EQ(xxe->items[0].title.find("root:"), std::string::npos);
    EXPECT_EQ(xxe->items[0].title.find("aaaa"), std::string::npos);
  }
  std::string many = "<rss><channel>";
  for (int i = 0; i < 50; ++i) many += "<item><link>https://ex.org/" + std::to_string(i) + "</link></item>";
  auto capped = ParseFeed(many + "</channel></rss>", "", "", 10);
  ASSERT_TRUE(capped);
  ASSERT_EQ(capped->items.size(), 10u);
  EXPECT_EQ(capped->items[0].url, "https://ex.org/0");
}

TEST(FeedParserTest, ResolvesRelativeLinks) {
  EXPECT_EQ(ResolveUrl("https://ex.org/a/b/feed.xml", "c.html"), "https://ex.org/a/b/c.html");
  EXPECT_EQ(ResolveUrl("https://ex.org/a/b/feed.xml", "../c.html"), "https://ex.org/a/c.html");
  EXPECT_EQ(ResolveUrl("https://ex.org/a/b/feed.xml", "./c/./d"), "https://ex.org/a/b/c/d");
  EXPECT_EQ(ResolveUrl("https://ex.org/a/feed.xml?x=1", "/root"), "https://ex.org/root");
  EXPECT_EQ(ResolveUrl("https://ex.org:8443/a", "//cdn.ex.org/x"), "https://cdn.ex.org/x");
  EXPECT_EQ(ResolveUrl("https://ex.org/a/f", "?page=2"), "https://ex.org/a/f?page=2");
  EXPECT_EQ(ResolveUrl("https://ex.org/a/f", "HTTP://Other.org/z"), "HTTP://Other.org/z");
  EXPECT_EQ(ResolveUrl("", "rel/x"), "rel/x");
  EXPECT_EQ(ResolveUrl("https://ex.org", "x"), "https://ex.org/x");
}

}  // namespace
}  // namespace herald
