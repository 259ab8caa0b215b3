#include "producers/feeds/robots.h"

#include <gtest/gtest.h>

namespace herald {
namespace {

constexpr std::string_view kRobots = R"(# a site's rules
User-agent: *
Disallow: /private/
Allow: /private/open
Crawl-delay: 2

User-agent: BadBot
User-agent: herald
Disallow: /*.pdf$
Disallow: /search
Allow: /search/about
Crawl-delay: 0.5
)";

TEST(RobotsTest, HeraldsOwnGroupWinsOverTheStarGroup) {
  RobotsRules ours = RobotsRules::Parse(kRobots, "herald/0.1 (news event pipeline)");
  EXPECT_TRUE(ours.Allowed("/private/x"));  // only the * group says so
  EXPECT_FALSE(ours.Allowed("/files/report.pdf"));
  EXPECT_TRUE(ours.Allowed("/files/report.pdf?download=1"));
  EXPECT_FALSE(ours.Allowed("/search?q=x"));
  EXPECT_TRUE(ours.Allowed("/search/about"));
  EXPECT_EQ(ours.crawl_delay_ms(), 500);
  RobotsRules others = RobotsRules::Parse(kRobots, "SomeCrawler/1.0");
  EXPECT_FALSE(others.Allowed("/private/x"));
  EXPECT_TRUE(others.Allowed("/private/open/y"));  // the longer Allow wins
  EXPECT_TRUE(others.Allowed("/search"));
  EXPECT_EQ(others.crawl_delay_ms(), 2000);
}

TEST(RobotsTest, EmptyOrUnreadableRulesAllowAndFailuresCanDisallow) {
  EXPECT_TRUE(RobotsRules::Parse("", "herald").Allowed("/x"));
  EXPECT_TRUE(RobotsRules::Parse("User-agent: *\nDisallow:\n", "herald").Allowed("/x"));
  EXPECT_TRUE(RobotsRules::Parse("garbage\n\x01\x02\nno colon here", "herald").Allowed("/x"));
  EXPECT_FALSE(RobotsRules::Parse("User-agent: *\nDisallow: /\n", "herald").Allowed("/x"));
  EXPECT_TRUE(RobotsRules::Parse("User-agent: *\nDisallow: /\n", "herald").Allowed("/robots.txt"));
  EXPECT_FALSE(RobotsRules::DisallowAll().Allowed("/anything"));
  EXPECT_TRUE(RobotsRules::AllowAll().Allowed("/anything"));
  EXPECT_FALSE(RobotsRules::Parse("User-agent: *\nDisallow: /a*b*c\n", "herald").Allowed("/a-x-b-y-c-z"));
}

TEST(RobotsTest, SplitsUrls) {
  EXPECT_EQ(OriginOf("https://ex.org:8443/a/b?c#d"), "https://ex.org:8443");
  EXPECT_EQ(PathOf("https://ex.org:8443/a/b?c#d"), "/a/b?c");
  EXPECT_EQ(PathOf("https://ex.org"), "/");
  EXPECT_EQ(OriginOf("not a url"), "");
}

}  // namespace
}  // namespace herald
