// robots.cc: robots.txt groups and path matching (robots.h).
#include "producers/feeds/robots.h"

#include <cstdlib>

#include "core/utf8.h"

namespace herald {
namespace {

// Whether `pattern` (with '*' and a final '$') matches a prefix of `path`, or all of it with '$'.
bool Matches(std::string_view pattern, std::string_view path) {
  bool anchored = pattern.ends_with('$');
  if (anchored) pattern.remove_suffix(1);
  // Iterative wildcard matching with backtracking to the last '*'.
  size_t p = 0, s = 0, star = std::string_view::npos, mark = 0;
  while (s < path.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = s;
    } else if (p < pattern.size() && pattern[p] == path[s]) {
      ++p;
      ++s;
    } else if (p == pattern.size() && !anchored) {
      return true;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      s = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace

RobotsRules RobotsRules::DisallowAll() {
  RobotsRules r;
  r.rules_.push_back({"/", false});
  return r;
}

RobotsRules RobotsRules::Parse(std::string_view body, std::string_view user_agent_token) {
  std::string token = AsciiLower(user_agent_token);
  // Each group: its user agents and its lines. The best group: herald's, else "*".
  RobotsRules ours, star;
  bool have_ours = false, have_star = false;
  bool in_agents = false, group_ours = false, group_star = false;
  while (!body.empty()) {
    size_t nl = body.find('\n');
    std::string_view line = body.substr(0, nl);
    body = nl == std::string_view::npos ? std::string_view() : body.substr(nl + 1);
    line = TrimAsciiSpace(line.substr(0, line.find('#')));
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string key = AsciiLower(TrimAsciiSpace(line.substr(0, colon)));
    std::string_view value = TrimAsciiSpace(line.substr(colon + 1));
    if (key == "user-agent") {
      if (!in_agents) group_ours = group_star = false;
      in_agents = true;
      std::string agent = AsciiLower(value);
      if (agent == "*")
        group_star = true;
      else if (!agent.empty() && token.find(agent) != std::string::npos)
        group_ours = true;
      have_ours |= group_ours;
      have_star |= group_star;
      continue;
    }
    in_agents = false;
    RobotsRules* target = group_ours ? &ours : group_star ? &star : nullptr;
    if (!target) continue;
    if (key == "allow" || key == "disallow") {
      if (value.empty()) continue;  // "Disallow:" with no path allows everything
      target->rules_.push_back({std::string(value), key == "allow"});
    } else if (key == "crawl-delay") {
      double seconds = std::strtod(std::string(value).c_str(), nullptr);
      if (seconds > 0) target->crawl_delay_ms_ = static_cast<int>(std::min(seconds, 3600.0) * 1000);
    }
  }
  return have_ours ? ours : have_star ? star : RobotsRules();
}

bool RobotsRules::Allowed(std::string_view path) const {
  if (path.empty()) path = "/";
  if (path == "/robots.txt") return true;
  size_t best = 0;
  bool allowed = true;
  for (const Rule& r : rules_) {
    if (!Matches(r.pattern, path)) continue;
    if (r.pattern.size() > best || (r.pattern.size() == best && r.allow)) {
      best = r.pattern.size();
      allowed = r.allow;
    }
  }
  return allowed;
}

std::string_view OriginOf(std::string_view url) {
  size_t s = url.find("://");
  if (s == std::string_view::npos) return {};
  size_t end = url.find_first_of("/?#", s + 3);
  return url.substr(0, end);
}

std::string_view PathOf(std::string_view url) {
  std::string_view origin = OriginOf(url);
  std::string_view rest = url.substr(origin.size());
  rest = rest.substr(0, rest.find('#'));
  return rest.empty() ? std::string_view("/") : rest;
}

}  // namespace herald
