#include "core/article_source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>

#include "core/files.h"
#include "core/record_format.h"
#include "core/scoped_temp_dir.h"

namespace herald {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::Field;

class ArticleSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_ / "nested");
    fs::create_directories(dir_ / ".hidden");
  }
  void Write(const fs::path& rel, const std::string& text) { temp_.Write(rel, text); }
  ScopedTempDir temp_{"herald-source-test"};
  const fs::path& dir_ = temp_.path();
};

TEST_F(ArticleSourceTest, WalksDirectoriesByExtensionInNameOrder) {
  Write("b.txt", "Title\nBody");
  Write("a.json", R"({"id": "x", "body": "text"})");
  Write("nested/c.html", "<html><body>hi</body></html>");
  Write("nested/d.ndjson", "{\"id\":\"1\"}\n\n{\"id\":\"2\"}\n");
  Write("notes.yaml", "rules: []");
  Write(".hidden/e.txt", "secret");
  auto articles = ReadArticles({dir_.string()}, ArticleFormat::kAuto);
  ASSERT_TRUE(articles) << articles.error().reason;
  ASSERT_EQ(articles->size(), 5u);
  EXPECT_EQ((*articles)[0].content_type, "application/json");
  EXPECT_EQ((*articles)[1].content_type, "text/plain");
  EXPECT_EQ((*articles)[2].content_type, "text/html");
  EXPECT_EQ((*articles)[3].bytes, "{\"id\":\"1\"}");
  EXPECT_EQ((*articles)[4].bytes, "{\"id\":\"2\"}");
  EXPECT_EQ((*articles)[4].origin, (dir_ / "nested/d.ndjson").string() + ":3");
}

TEST_F(ArticleSourceTest, JsonFileWithOneObjectPerLineIsNdjson) {
  Write("lines.json", "{\"id\":\"1\"}\n{\"id\":\"2\"}\n");
  Write("pretty.json", "{\n  \"id\": \"3\",\n  \"body\": \"x\"\n}\n");
  auto lines = ReadArticles({(dir_ / "lines.json").string()}, ArticleFormat::kAuto);
  auto pretty = ReadArticles({(dir_ / "pretty.json").string()}, ArticleFormat::kAuto);
  ASSERT_TRUE(lines && pretty);
  EXPECT_EQ(lines->size(), 1u) << "a .json file is one envelope unless every line is an object";
  EXPECT_EQ(pretty->size(), 1u);
}

TEST_F(ArticleSourceTest, NamedFileWithUnknownExtensionIsSniffed) {
  Write("article.dat", "<html><body>x</body></html>");
  auto articles = ReadArticles({(dir_ / "article.dat").string()}, ArticleFormat::kAuto);
  ASSERT_TRUE(articles);
  EXPECT_THAT(*articles, ElementsAre(Field(&SourceArticle::content_type, "text/html")));
}

TEST_F(ArticleSourceTest, NdjsonIsStreamedAcrossBlocksLineByLine) {
  // Lines of varied length, so that several straddle the 1 MiB blocks.
  std::string text;
  std::vector<std::string> lines;
  for (int i = 0; i < 3000; ++i) {
    lines.push_back("{\"id\":\"" + std::to_string(i) + "\",\"body\":\"" + std::string(100 + i * 7 % 2000, 'x') + "\"}");
    text += lines.back() + (i % 100 == 0 ? "\r\n\n" : "\n");
  }
  text.pop_back();           // the last line has no newline
  Write("many.data", text);  // no extension: sniffed from the first lines
  std::vector<SourceArticle> seen;
  Status s = ForEachArticle({(dir_ / "many.data").string()}, ArticleFormat::kAuto, [&](SourceArticle&& a) -> Status {
    seen.push_back(std::move(a));
    return {};
  });
  ASSERT_TRUE(s) << s.error().reason;
  ASSERT_EQ(seen.size(), lines.size());
  ASSERT_GT(text.size(), 2 * BlockReader::kBlockBytes);
  for (size_t i = 0; i < lines.size(); ++i) {
    ASSERT_EQ(seen[i].bytes.substr(0, lines[i].size()), lines[i]) << i;
  }
  EXPECT_EQ(seen.back().origin, (dir_ / "many.data").string() + ":" + std::to_string(3000 + 30));
}

TEST_F(ArticleSourceTest, AnErrorFromTheCallbackStopsTheReading) {
  Write("three.ndjson", "{\"id\":\"1\"}\n{\"id\":\"2\"}\n{\"id\":\"3\"}\n");
  int calls = 0;
  Status s = ForEachArticle({(dir_ / "three.ndjson").string()}, ArticleFormat::kAuto, [&](SourceArticle&&) -> Status {
    return ++calls == 2 ? Fail(v1::INTERNAL, "enough") : Status{};
  });
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().reason, "enough");
  EXPECT_EQ(calls, 2);
}

TEST_F(ArticleSourceTest, AJsonDocumentLargerThanABlockIsOneArticle) {
  const std::string body(3 * BlockReader::kBlockBytes, 'y');
  const std::string document = "{\n  \"id\": \"big\",\n  \"body\": \"" + body + "\"\n}\n";
  Write("big", document);
  auto articles = ReadArticles({(dir_ / "big").string()}, ArticleFormat::kAuto);
  ASSERT_TRUE(articles) << articles.error().reason;
  ASSERT_EQ(articles->size(), 1u);
  EXPECT_EQ((*articles)[0].content_type, "application/json");
  EXPECT_EQ((*articles)[0].bytes, document);
}

TEST_F(ArticleSourceTest, MissingPathIsAnError) {
  auto missing = ReadArticles({(dir_ / "nope").string()}, ArticleFormat::kAuto);
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().reason, ::testing::HasSubstr("no such file or directory"));
}

TEST(ArticleFormatOptionTest, TakesTheFormatsNamesAndRefusesOthers) {
  ArticleFormat format = ArticleFormat::kAuto;
  CLI::App app;
  AddArticleFormatOption(&app, &format);
  EXPECT_NO_THROW(app.parse(std::vector<std::string>{"ndjson", "--format"}));  // CLI11 takes them reversed
  EXPECT_EQ(format, ArticleFormat::kNdjson);
  EXPECT_THROW(app.parse(std::vector<std::string>{"xml", "--format"}), CLI::ValidationError);
  EXPECT_THAT(app.help(), ::testing::HasSubstr("auto"));
}

TEST(ArticleKeyTest, PrefersEnvelopeIdThenUrlThenContentHash) {
  EXPECT_EQ(ArticleKey({R"({"url": "https://a/b", "id": "abc"})", "application/json", ""}), "abc");
  EXPECT_EQ(ArticleKey({R"({"url": "https://a/b"})", "application/json", ""}), "https://a/b");
  EXPECT_EQ(ArticleKey({"{broken", "application/json", ""}), ContentHashId("{broken"));
  EXPECT_EQ(ArticleKey({"plain text", "text/plain", ""}), ContentHashId("plain text"));
}

TEST(ContentHashIdTest, IsStableAndDistinguishesContent) {
  EXPECT_EQ(ContentHashId("hello"), "h:a430d84680aabd0b");
  EXPECT_NE(ContentHashId("hello"), ContentHashId("hello!"));
}

}  // namespace
}  // namespace herald
