#include "consumers/alert_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace herald {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

v1::EventRecord Record() {
  v1::EventRecord r;
  r.set_id("a1");
  r.mutable_article()->set_title("Defence chiefs talk");
  r.mutable_article()->set_body("The talks covered the Taiwan Strait and uranium enrichment.");
  r.add_countries()->set_code("USA");
  r.add_countries()->set_code("CHN");
  r.add_persons()->set_name("Lloyd Austin");
  r.add_themes("MILITARY");
  r.add_events()->set_cameo_code("041");
  return r;
}

std::vector<std::string> Fired(const AlertRules& rules, const v1::EventRecord& r) {
  std::vector<std::string> out;
  for (const auto& m : rules.Evaluate(r)) out.push_back(m.rule->name);
  return out;
}

TEST(AlertRulesTest, EveryGivenConditionMustHold) {
  auto rules = AlertRules::LoadString(R"(
rules:
  - name: both
    countries_all: [USA, CHN]
    themes: [MILITARY]
  - name: all-needs-every-country
    countries_all: [USA, RUS]
  - name: any-country
    countries: [RUS, CHN]
  - name: person-case-insensitive
    persons: [lloyd austin]
  - name: keyword-whole-word
    keywords: [Enrichment]
  - name: keyword-not-part-of-word
    keywords: [rich]
  - name: event-prefix
    event_codes: ["04"]
  - name: event-other
    event_codes: ["19"]
)");
  ASSERT_TRUE(rules) << rules.error().reason;
  EXPECT_THAT(Fired(*rules, Record()),
              ElementsAre("both", "any-country", "person-case-insensitive", "keyword-whole-word", "event-prefix"));
}

TEST(AlertRulesTest, MatchExplainsItself) {
  auto rules = AlertRules::LoadString("rules:\n  - name: r\n    severity: warning\n    countries_all: [USA, CHN]\n");
  ASSERT_TRUE(rules);
  auto matches = rules->Evaluate(Record());
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].rule->severity, "WARNING");
  EXPECT_THAT(matches[0].reasons, ElementsAre("countries_all: USA,CHN"));
}

struct BadRules {
  std::string name;
  std::string yaml;
  std::string reason_part;
  friend void PrintTo(const BadRules& b, std::ostream* os) { *os << b.name; }
};

class AlertRulesRejects : public ::testing::TestWithParam<BadRules> {};

TEST_P(AlertRulesRejects, WithAClearReason) {
  auto rules = AlertRules::LoadString(GetParam().yaml, "rules.yaml");
  ASSERT_FALSE(rules);
  EXPECT_EQ(rules.error().kind, ErrorKind::kFatal);
  EXPECT_THAT(rules.error().reason, HasSubstr(GetParam().reason_part));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AlertRulesRejects,
    ::testing::Values(
        BadRules{"invalid_yaml", "rules: [", "rules.yaml:1: not valid YAML"},
        BadRules{"no_rules_list", "alerts: []", "expected a top-level 'rules:' list"},
        BadRules{"unknown_key", "rules:\n  - name: x\n    contries: [USA]\n", "rules.yaml:3: unknown key 'contries'"},
        BadRules{"no_name", "rules:\n  - countries: [USA]\n", "a rule needs a name"},
        BadRules{"no_condition", "rules:\n  - name: x\n", "has no condition"},
        BadRules{"scalar_list", "rules:\n  - name: x\n    themes: MILITARY\n", "'themes' must be a non-empty list"},
        BadRules{"bad_severity", "rules:\n  - name: x\n    severity: LOUD\n    themes: [A]\n", "severity must be"},
        BadRules{"duplicate_name", "rules:\n  - name: x\n    themes: [A]\n  - name: x\n    themes: [B]\n",
                 "duplicate rule name"}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace herald
