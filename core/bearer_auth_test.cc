#include "core/bearer_auth.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace herald {
namespace {

std::string Head(std::string_view headers) { return "GET /v1/events HTTP/1.1\r\n" + std::string(headers) + "\r\n"; }

TEST(BearerTokensTest, NoTokensLeaveTheApiOpen) {
  BearerTokens none;
  EXPECT_TRUE(none.open());
  EXPECT_TRUE(none.Accepts(Head("")));
  const std::vector<std::string> blank = {""};
  EXPECT_TRUE(BearerTokens(blank).open()) << "an empty token would let anyone in";
}

TEST(BearerTokensTest, OnlyAConfiguredTokenIsAccepted) {
  const std::vector<std::string> tokens = {"alpha-0123456789", "beta-9876543210"};
  BearerTokens t(tokens);
  EXPECT_FALSE(t.open());
  EXPECT_TRUE(t.Accepts(Head("Authorization: Bearer alpha-0123456789\r\n")));
  EXPECT_TRUE(t.Accepts(Head("host: x\r\nauthorization:   bearer beta-9876543210  \r\n"))) << "any case, blanks";
  for (const char* refused :
       {"", "Authorization: Bearer alpha-012345678\r\n",  // a prefix
        "Authorization: Bearer alpha-0123456789x\r\n",    // longer
        "Authorization: Basic YWxwaGE6eA==\r\n", "Authorization: Bearer\r\n", "Authorization: Bearer \r\n",
        "X-Authorization: Bearer alpha-0123456789\r\n", "Authorization alpha-0123456789\r\n"}) {
    EXPECT_FALSE(t.Accepts(Head(refused))) << refused;
  }
  EXPECT_FALSE(t.Accepts("GET /v1/events?Authorization:%20Bearer%20alpha-0123456789 HTTP/1.1\r\n\r\n"))
      << "the request line is not a header";
}

TEST(HeaderValueTest, FindsTheFirstHeaderOfAName) {
  const std::string head = Head("Host: a\r\nX-Thing:  one \r\nx-thing: two\r\n");
  EXPECT_EQ(HeaderValue(head, "x-thing"), "one");
  EXPECT_EQ(HeaderValue(head, "host"), "a");
  EXPECT_EQ(HeaderValue(head, "missing"), "");
}

}  // namespace
}  // namespace herald
