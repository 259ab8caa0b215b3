// alert_rules.h: alert rules, loaded from YAML and evaluated against event records.
//
//   rules:
//     - name: us-china-military-contact
//       severity: WARNING                   # INFO (default), WARNING, CRITICAL
//       countries_all: [USA, CHN]           # every one of these countries
//       themes: [MILITARY]                  # any of these themes
//       webhook: http://127.0.0.1:8080/hook # optional, overrides --webhook
//
// Conditions (each optional, all given ones must hold; at least one per rule):
//   countries, countries_all   ISO alpha-3 codes the article is about (any / all)
//   persons                    person names, case-insensitive (any)
//   themes                     theme labels, e.g. MILITARY (any)
//   keywords                   words or phrases in the title or body, case-insensitive (any)
//   event_codes                CAMEO code prefixes, e.g. "04" or "190" (any coded event)
//
// Thread-safety: an AlertRules is immutable after loading.
// Failure: Load names the file, the rule and the key that is wrong (and the line when known).
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "herald/v1/event.pb.h"

namespace herald {

struct AlertRule {
  std::string name;
  std::string severity = "INFO";
  std::string webhook;
  std::vector<std::string> countries, countries_all, persons, themes, keywords, event_codes;
};

struct RuleMatch {
  const AlertRule* rule;
  std::vector<std::string> reasons;
};

class AlertRules {
 public:
  static Result<AlertRules> LoadFile(const std::string& path);
  static Result<AlertRules> LoadString(const std::string& yaml, const std::string& origin = "<rules>");

  std::vector<RuleMatch> Evaluate(const v1::EventRecord& record) const;
  const std::vector<AlertRule>& rules() const { return rules_; }

 private:
  std::vector<AlertRule> rules_;
};

}  // namespace herald
