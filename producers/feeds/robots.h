// robots.h: a site's robots.txt (RFC 9309) as the rules for herald's page fetches.
//
//   RobotsRules rules = RobotsRules::Parse(body, "herald");
//   if (!rules.Allowed("/news/a?id=1")) skip();
//
// The group for the most specific user agent that names herald's token wins,
// else the "*" group; within it the longest matching Allow or Disallow path
// wins, Allow on a tie; "*" matches any run of characters and a final "$" the
// end of the path. Crawl-delay (not in the RFC, widely used) is kept in
// milliseconds. How the fetch of robots.txt maps to rules (RFC 9309 2.3.1):
// 2xx its rules, 4xx allow everything, 5xx and network failure disallow
// everything (until it is fetched again).
// Thread-safety: immutable after Parse.
// Failure: none; lines that are not rules are ignored, as the RFC asks.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald {

class RobotsRules {
 public:
  static RobotsRules Parse(std::string_view body, std::string_view user_agent_token);
  static RobotsRules AllowAll() { return {}; }
  static RobotsRules DisallowAll();

  // `path`: the URL's path and query ("/a/b?x=1").
  bool Allowed(std::string_view path) const;
  std::optional<int> crawl_delay_ms() const { return crawl_delay_ms_; }

 private:
  struct Rule {
    std::string pattern;
    bool allow;
  };
  std::vector<Rule> rules_;
  std::optional<int> crawl_delay_ms_;
};

// The path and query of an http(s) URL ("https://h/a?b#c" -> "/a?b").
std::string_view PathOf(std::string_view url);
// Scheme, host and port ("https://h:8443/a" -> "https://h:8443").
std::string_view OriginOf(std::string_view url);

}  // namespace herald
