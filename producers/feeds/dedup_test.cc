#include "producers/feeds/dedup.h"

#include <gtest/gtest.h>

#include <bit>

namespace herald {
namespace {

TEST(DedupTest, CanonicalUrlsDropTrackingAndNormaliseSchemeAndHost) {
  EXPECT_EQ(CanonicalUrl("HTTPS://Example.COM:443/News/A?utm_source=rss&id=7&fbclid=x#comments"),
            "https://example.com/News/A?id=7");
  EXPECT_EQ(CanonicalUrl("http://example.com:80"), "http://example.com/");
  EXPECT_EQ(CanonicalUrl("http://example.com:8080/a?utm_medium=x"), "http://example.com:8080/a");
  EXPECT_EQ(DedupKey("https://www.example.com/a/?utm_campaign=z"), "example.com/a");
  EXPECT_EQ(DedupKey("http://example.com/a"), DedupKey("https://www.example.com/a/#top"));
  EXPECT_NE(DedupKey("https://example.com/a?id=1"), DedupKey("https://example.com/a?id=2"));
  EXPECT_EQ(DedupKey("https://example.com/"), "example.com");
}

std::string Story(const char* variant) {
  std::string text;
  for (int i = 0; i < 12; ++i)
    text +=
        "The ministry said on Tuesday that talks with the union would resume in sentence " + std::to_string(i) + ". ";
  return text + variant;
}

TEST(DedupTest, SimHashFindsSyndicatedCopiesAndNotOtherStories) {
  uint64_t wire = TextSimHash(Story("Reporting by Ann Lee."));
  uint64_t copy = TextSimHash(Story("Reporting by Ann Lee; editing by Bo Chan."));
  std::string other_text;
  for (int i = 0; i < 12; ++i)
    other_text += "Floods closed roads across the north as rivers rose in place " + std::to_string(i) + ". ";
  uint64_t other = TextSimHash(other_text);
  EXPECT_LE(std::popcount(wire ^ copy), kNearDuplicateBits);
  EXPECT_GT(std::popcount(wire ^ other), kNearDuplicateBits);
  EXPECT_EQ(TextSimHash("Too short to compare."), 0u);
}

TEST(DedupTest, TheSeenIndexFindsByKeyAndByTextAndStaysBounded) {
  SeenIndex seen(3);
  uint64_t h = TextSimHash(Story(""));
  seen.Add({.key = "a.com/1", .url = "https://a.com/1", .article_id = "A1", .simhash = h});
  seen.Add({.key = "b.com/2", .url = "https://b.com/2", .article_id = "B2"});
  ASSERT_NE(seen.Find("a.com/1"), nullptr);
  EXPECT_EQ(seen.Find("a.com/1")->article_id, "A1");
  ASSERT_NE(seen.FindNear(h ^ 0b101), nullptr);  // two bits away
  EXPECT_EQ(seen.FindNear(h ^ 0b101)->article_id, "A1");
  EXPECT_EQ(seen.FindNear(h ^ 0xF), nullptr);  // four bits away
  EXPECT_EQ(seen.FindNear(0), nullptr);
  // Seen again keeps its age; past capacity the oldest goes, with its text.
  seen.Add({.key = "a.com/1", .url = "https://a.com/1", .article_id = "A1", .simhash = h});
  seen.Add({.key = "c.com/3", .url = "https://c.com/3"});
  seen.Add({.key = "d.com/4", .url = "https://d.com/4"});
  EXPECT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen.Find("a.com/1"), nullptr);
  EXPECT_EQ(seen.FindNear(h), nullptr);
  EXPECT_NE(seen.Find("d.com/4"), nullptr);
}

}  // namespace
}  // namespace herald
