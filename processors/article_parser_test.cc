#include "processors/article_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace herald {
namespace {

using ::testing::HasSubstr;

constexpr std::string_view kJson = "application/json";

TEST(ArticleParserTest, ReadsJsonEnvelopeFields) {
  auto a = ParseArticle(R"({"id":"a1","url":"https://x/y","source":"Wire","title":"T","body":"Body text.",
                            "published_at":"2024-01-02T03:04:05Z","language":"en","tags":["x","y"],
                            "extra":{"n":[1,2]}})",
                        {.content_type = kJson});
  ASSERT_TRUE(a) << a.error().reason;
  EXPECT_EQ(a->id(), "a1");
  EXPECT_EQ(a->url(), "https://x/y");
  EXPECT_EQ(a->source(), "Wire");
  EXPECT_EQ(a->title(), "T");
  EXPECT_EQ(a->body(), "Body text.");
  EXPECT_EQ(a->published_at(), "2024-01-02T03:04:05Z");
  EXPECT_EQ(a->tags_size(), 2);
}

TEST(ArticleParserTest, IdFallsBackToKeyThenUrlThenHash) {
  auto keyed = ParseArticle(R"({"url":"https://x/y","body":"b"})", {.content_type = kJson, .key = "k1"});
  auto urled = ParseArticle(R"({"url":"https://x/y","body":"b"})", {.content_type = kJson});
  auto hashed = ParseArticle("Some text", {});
  ASSERT_TRUE(keyed && urled && hashed);
  EXPECT_EQ(keyed->id(), "k1");
  EXPECT_EQ(urled->id(), "https://x/y");
  EXPECT_TRUE(hashed->id().starts_with("h:"));
}

TEST(ArticleParserTest, PlainTextTakesShortFirstLineAsTitle) {
  auto a = ParseArticle("Headline here\nFirst paragraph.\nSecond.", {.content_type = "text/plain"});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->title(), "Headline here");
  EXPECT_EQ(a->body(), "First paragraph.\nSecond.");
}

TEST(ArticleParserTest, PlainTextWithoutHeadlineKeepsWholeBodyAndDerivesTitle) {
  auto a = ParseArticle("The first sentence is the lead. Then more.\nNext line.", {});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->title(), "The first sentence is the lead.");
  EXPECT_EQ(a->body(), "The first sentence is the lead. Then more.\nNext line.");
}

TEST(ArticleParserTest, HtmlUsesArticleTextAndHeadMetadata) {
  auto a = ParseArticle(R"(<html lang="en"><head><title>Page title</title>
      <meta property="article:published_time" content="2024-06-12T14:00:00Z">
      <link rel="canonical" href="https://x/a"><script>var x = "not text";</script></head>
      <body><nav>Menu</nav><article><h1>Page title</h1><p>First  para.</p><p>Second para.</p></article>
      <footer>footer</footer></body></html>)",
                        {});
  ASSERT_TRUE(a) << a.error().reason;
  EXPECT_EQ(a->title(), "Page title");
  EXPECT_EQ(a->body(), "First para.\nSecond para.");
  EXPECT_EQ(a->url(), "https://x/a");
  EXPECT_EQ(a->published_at(), "2024-06-12T14:00:00Z");
  EXPECT_EQ(a->language(), "en");
}

TEST(ArticleParserTest, HtmlInAnotherCharsetIsConvertedAndItsBylineRead) {
  std::string page =
      "<html><head><meta charset=windows-1252><meta name=author content=\"By Zo\xeb Ball\">"
      "</head><body><div class=story><p>The caf\xe9 on the square reopened on Monday, after a "
      "year, and its owners said they were \x93"
      "delighted\x94"
      " to be back.</p></div></body></html>";
  auto a = ParseArticle(page, {.content_type = "text/html"});
  ASSERT_TRUE(a) << a.error().reason;
  EXPECT_EQ(a->author(), "Zo\u00eb Ball");
  EXPECT_NE(a->body().find("caf\u00e9 on the square"), std::string::npos) << a->body();
  EXPECT_NE(a->body().find("\u201cdelighted\u201d"), std::string::npos) << a->body();
  // Text and JSON must still be UTF-8.
  auto text = ParseArticle("caf\xe9", {.content_type = "text/plain"});
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().code, v1::INVALID_UTF8);
  auto json = ParseArticle(R"({"title": "T", "author": "Ann Lee", "body": "B"})", {});
  ASSERT_TRUE(json);
  EXPECT_EQ(json->author(), "Ann Lee");
}

TEST(ArticleParserTest, HeadersFillSourceAndUrlTheArticleLacks) {
  auto a = ParseArticle("Title\nBody", {.source = "feed-1", .url = "https://h/u"});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->source(), "feed-1");
  EXPECT_EQ(a->url(), "https://h/u");
}

struct BadInput {
  std::string name;
  std::string bytes;
  std::optional<std::string_view> content_type;
  ErrorCode code;
  std::string reason_part;
  friend void PrintTo(const BadInput& in, std::ostream* os) { *os << in.name; }
};

class ArticleParserRejects : public ::testing::TestWithParam<BadInput> {};

TEST_P(ArticleParserRejects, WithCodeAndReason) {
  const BadInput& in = GetParam();
  auto a = ParseArticle(in.bytes, {.content_type = in.content_type, .max_bytes = 1000});
  ASSERT_FALSE(a) << in.name << " was accepted";
  EXPECT_EQ(a.error().code, in.code) << a.error().reason;
  EXPECT_EQ(a.error().kind, ErrorKind::kPermanent);
  EXPECT_THAT(a.error().reason, HasSubstr(in.reason_part));
}

TEST(ArticleParserTest, ManyShallowArraysAndWhiteSpaceControlsAreAccepted) {
  std::string tags;
  for (int i = 0; i < 100; ++i) tags += std::string(i ? "," : "") + "\"t" + std::to_string(i) + "\"";
  std::string json = R"({"title":"T","body":"Line one.\n\tLine two.\r\n\fEnd.","tags":[)" + tags + "]," +
                     R"("extra":[[1],[2],[3],[4],[5],[6],[7],[8],[9],[10],[11],[12],[13],[14],[15],[16],[17],[18],)" +
                     R"([19],[20],[21],[22],[23],[24],[25],[26],[27],[28],[29],[30],[31],[32],[33],[34],[35],[36],)" +
                     R"([37],[38],[39],[40],[41],[42],[43],[44],[45],[46],[47],[48],[49],[50],[51],[52],[53],[54],)" +
                     R"([55],[56],[57],[58],[59],[60],[61],[62],[63],[64],[65],[66]]})";
  auto a = ParseArticle(json, {.content_type = kJson});
  ASSERT_TRUE(a) << a.error().reason;
  EXPECT_EQ(a->tags_size(), 100);
  EXPECT_EQ(a->body(), "Line one.\n\tLine two.\r\n\fEnd.");
}

INSTANTIATE_TEST_SUITE_P(
    BadInputs, ArticleParserRejects,
    ::testing::Values(
        BadInput{"empty", "", std::nullopt, v1::EMPTY_ARTICLE, "empty"},
        BadInput{"blank", " \n\t ", std::nullopt, v1::EMPTY_ARTICLE, "empty"},
        BadInput{"oversized", std::string(1001, 'a'), std::nullopt, v1::OVERSIZED_ARTICLE, "limit is 1000"},
        BadInput{"invalid utf8", "caf\xC3(", std::nullopt, v1::INVALID_UTF8, "UTF-8"},
        BadInput{"binary", std::string("\x01\x02\x03\x00\x05", 5), std::nullopt, v1::BINARY_CONTENT, "binary"},
        // Past the first 16 bytes, where the checks go sixteen bytes a step.
        BadInput{"nul after text", std::string(40, 'a') + std::string(1, '\0') + std::string(40, 'b'), std::nullopt,
                 v1::BINARY_CONTENT, "binary"},
        BadInput{"control bytes", std::string(60, 'a') + std::string(8, '\x01') + std::string(30, 'b'), std::nullopt,
                 v1::BINARY_CONTENT, "binary"},
        BadInput{"truncated json", R"({"title": "x", "body": "abc)", kJson, v1::MALFORMED_JSON, "JSON envelope"},
        BadInput{"trailing json", R"({"title": "x"} {"b": 1})", kJson, v1::MALFORMED_JSON, "JSON envelope"},
        BadInput{"wrong type", R"({"title": 42, "body": "x"})", kJson, v1::WRONG_FIELD_TYPE,
                 "'title' must be a string"},
        BadInput{"array top", R"([1, 2])", kJson, v1::WRONG_FIELD_TYPE, "top level must be an object"},
        BadInput{"tags not strings", R"({"body": "x", "tags": [1]})", kJson, v1::WRONG_FIELD_TYPE, "'tags'"},
        BadInput{"deep nesting", std::string(200, '[') + std::string(200, ']'), kJson, v1::TOO_DEEPLY_NESTED,
                 "nested deeper than 64"},
        BadInput{"deep in field", "{\"x\":" + std::string(100, '[') + std::string(100, ']') + "}", kJson,
                 v1::TOO_DEEPLY_NESTED, "nested deeper than 64"},
        BadInput{"no text", R"({"id": "x", "tags": []})", kJson, v1::NO_TEXT, "neither title nor body"},
        BadInput{"unknown type", "hello", "application/pdf", v1::UNKNOWN_CONTENT_TYPE, "application/pdf"}),
    [](const auto& info) {
      std::string n = info.param.name;
      for (char& c : n)
        if (!isalnum(static_cast<unsigned char>(c))) c = '_';
      return n;
    });

}  // namespace
}  // namespace herald
