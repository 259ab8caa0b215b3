#include "processors/record_fit.h"

#include <functional>
#include <string>

namespace herald {
namespace {

void ClearSpans(v1::EventRecord* r) {
  for (v1::CountryMention& m : *r->mutable_countries()) m.clear_spans();
  for (v1::Person& m : *r->mutable_persons()) m.clear_spans();
  for (v1::Organization& m : *r->mutable_organizations()) m.clear_spans();
  for (v1::Location& m : *r->mutable_locations()) m.clear_spans();
  for (v1::CodedEvent& e : *r->mutable_events()) e.clear_sentence();
  for (v1::Quote& q : *r->mutable_quotes()) q.clear_span();
  for (v1::DateMention& d : *r->mutable_dates()) d.clear_span();
}

struct TrimStep {
  const char* name;
  std::function<void(v1::EventRecord*)> apply;
};

// The order event.proto documents for `trimmed`.
const TrimStep kSteps[] = {
    {"article.body", [](v1::EventRecord* r) { r->mutable_article()->clear_body(); }},
    {"spans", ClearSpans},
    {"quotes", [](v1::EventRecord* r) { r->clear_quotes(); }},
    {"dates", [](v1::EventRecord* r) { r->clear_dates(); }},
    {"article.title", [](v1::EventRecord* r) { r->mutable_article()->clear_title(); }},
    {"article.tags", [](v1::EventRecord* r) { r->mutable_article()->clear_tags(); }},
    {"locations", [](v1::EventRecord* r) { r->clear_locations(); }},
    {"persons", [](v1::EventRecord* r) { r->clear_persons(); }},
    {"organizations", [](v1::EventRecord* r) { r->clear_organizations(); }},
    {"themes", [](v1::EventRecord* r) { r->clear_themes(); }},
    {"events", [](v1::EventRecord* r) { r->clear_events(); }},
};

}  // namespace

Result<size_t> FitEventRecord(size_t max_bytes, v1::EventRecord* record) {
  size_t size = record->ByteSizeLong();
  const size_t whole = size;
  for (const TrimStep& step : kSteps) {
    if (size <= max_bytes) return size;
    step.apply(record);
    record->add_trimmed(step.name);
    size = record->ByteSizeLong();
  }
  if (size <= max_bytes) return size;
  return Fail(v1::RECORD_TOO_LARGE, "event record of " + std::to_string(whole) + " bytes is still " +
                                        std::to_string(size) + " after trimming; the events topic accepts " +
                                        std::to_string(max_bytes));
}

}  // namespace herald
