#include "consumers/alert_rules.h"

#include <yaml-cpp/yaml.h>

#include "core/files.h"
#include "core/utf8.h"

#include <algorithm>
#include <set>

namespace herald {
namespace {

std::string Where(const std::string& origin, const YAML::Node& node) {
  const YAML::Mark m = node.Mark();
  return m.is_null() ? origin : origin + ":" + std::to_string(m.line + 1);
}

bool ContainsWord(const std::string& haystack_lower, const std::string& needle_lower) {
  for (size_t pos = haystack_lower.find(needle_lower); pos != std::string::npos;
       pos = haystack_lower.find(needle_lower, pos + 1)) {
    auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
    bool left = pos == 0 || !word(haystack_lower[pos - 1]);
    size_t end = pos + needle_lower.size();
    bool right = end >= haystack_lower.size() || !word(haystack_lower[end]);
    if (left && right) return true;
  }
  return false;
}

std::string JoinList(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

}  // namespace

Result<AlertRules> AlertRules::LoadFile(const std::string& path) {
  auto text = ReadWholeFile(path);
  if (!text) return Unexpected(text.error());
  return LoadString(*text, path);
}

Result<AlertRules> AlertRules::LoadString(const std::string& yaml, const std::string& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    return Fatal(origin + ":" + std::to_string(e.mark.line + 1) + ": not valid YAML: " + e.msg);
  }
  if (!root.IsMap() || !root["rules"] || !root["rules"].IsSequence()) {
    return Fatal(origin + ": expected a top-level 'rules:' list");
  }
  static const std::set<std::string> kListKeys = {"countries", "countries_all", "persons",
                                                  "themes",    "keywords",      "event_codes"};
  static const std::set<std::string> kSeverities = {"INFO", "WARNING", "CRITICAL"};
  AlertRules out;
  std::set<std::string> names;
  for (const YAML::Node& node : root["rules"]) {
    if (!node.IsMap()) return Fatal(Where(origin, node) + ": each rule must be a mapping");
    AlertRule rule;
    bool has_condition = false;
    for (const auto& kv : node) {
      std::string key = kv.first.as<std::string>();
      const YAML::Node& value = kv.second;
      std::string where = Where(origin, kv.first);
      if (key == "name" || key == "severity" || key == "webhook") {
        if (!value.IsScalar()) return Fatal(where + ": '" + key + "' must be a string");
        std::string v = value.as<std::string>();
        if (key == "name") rule.name = v;
        if (key == "webhook") rule.webhook = v;
        if (key == "severity") {
          rule.severity = v;
          std::transform(rule.severity.begin(), rule.severity.end(), rule.severity.begin(), ::toupper);
          if (!kSeverities.count(rule.severity)) return Fatal(where + ": severity must be INFO, WARNING or CRITICAL");
        }
        continue;
      }
      if (!kListKeys.count(key)) {
        return Fatal(
            where + ": unknown key '" + key +
            "' (expected name, severity, webhook, countries, countries_all, persons, themes, keywords, event_codes)");
      }
      if (!value.IsSequence() || value.size() == 0) return Fatal(where + ": '" + key + "' must be a non-empty list");
      std::vector<std::string> items;
      for (const YAML::Node& item : value) {
        if (!item.IsScalar()) return Fatal(where + ": '" + key + "' must list strings");
        items.push_back(item.as<std::string>());
      }
      has_condition = true;
      if (key == "countries") rule.countries = items;
      if (key == "countries_all") rule.countries_all = items;
      if (key == "persons") rule.persons = items;
      if (key == "themes") rule.themes = items;
      if (key == "keywords") rule.keywords = items;
      if (key == "event_codes") rule.event_codes = items;
    }
    if (rule.name.empty()) return Fatal(Where(origin, node) + ": a rule needs a name");
    if (!names.insert(rule.name).second)
      return Fatal(Where(origin, node) + ": duplicate rule name '" + rule.name + "'");
    if (!has_condition) return Fatal(Where(origin, node) + ": rule '" + rule.name + "' has no condition");
    out.rules_.push_back(std::move(rule));
  }
  return out;
}

std::vector<RuleMatch> AlertRules::Evaluate(const v1::EventRecord& record) const {
  std::set<std::string> countries;
  for (const auto& c : record.countries()) countries.insert(c.code());
  std::set<std::string> persons;
  for (const auto& p : record.persons()) persons.insert(AsciiLower(p.name()));
  std::set<std::string> themes(record.themes().begin(), record.themes().end());
  std::string text;  // lower-cased title and body, built only if a rule has keywords

  std::vector<RuleMatch> out;
  for (const AlertRule& rule : rules_) {
    RuleMatch m{&rule, {}};
    auto any = [](const std::vector<std::string>& wanted, auto has) {
      std::vector<std::string> hit;
      for (const auto& w : wanted) {
        if (has(w)) hit.push_back(w);
      }
      return hit;
    };
    bool ok = true;
    auto require = [&](const std::vector<std::string>& wanted, std::string_view label, auto has, bool all) {
      if (!ok || wanted.empty()) return;
      std::vector<std::string> hit = any(wanted, has);
      ok = all ? hit.size() == wanted.size() : !hit.empty();
      if (ok) m.reasons.push_back(std::string(label) + ": " + JoinList(hit));
    };
    require(
        rule.countries_all, "countries_all", [&](const std::string& c) { return countries.count(c) > 0; }, true);
    require(
        rule.countries, "countries", [&](const std::string& c) { return countries.count(c) > 0; }, false);
    require(
        rule.persons, "persons", [&](const std::string& p) { return persons.count(AsciiLower(p)) > 0; }, false);
    require(
        rule.themes, "themes", [&](const std::string& t) { return themes.count(t) > 0; }, false);
    require(
        rule.event_codes, "event_codes",
        [&](const std::string& prefix) {
          return std::any_of(record.events().begin(), record.events().end(),
                             [&](const auto& e) { return e.cameo_code().starts_with(prefix); });
        },
        false);
    if (ok && !rule.keywords.empty() && text.empty()) {
      text = AsciiLower(record.article().title() + "\n" + record.article().body());
    }
    require(
        rule.keywords, "keywords", [&](const std::string& k) { return ContainsWord(text, AsciiLower(k)); }, false);
    if (ok) out.push_back(std::move(m));
  }
  return out;
}

}  // namespace herald
