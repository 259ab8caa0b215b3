// passes.h: the extraction passes (processors/extractor.h runs them in this
// order over one article) and the context they share. Each pass fills its
// part of the record:
//
//   ExtractEntities   countries, persons with roles, organisations, locations, and the actors
//   ExtractThemes     themes                          (themes_and_tone.cc)
//   CodeEvents        events, from each sentence's parse (event_coding.h, in extractor.cc)
//   ExtractQuotes     quotes                          (quotes.cc)
//   ScoreTone         GDELT's V2Tone                  (themes_and_tone.cc)
//   ExtractDates      dates, and ReadDateline the publication date of a wire dateline (dates.cc)
//
// Thread-safety: a Context is one article's, on one thread. Failure: none.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "herald/v1/event.pb.h"
#include "processors/extraction/event_coding.h"
#include "processors/extraction/names.h"
#include "processors/extraction/text.h"
#include "processors/knowledge_base.h"

namespace herald::extraction {

struct Context {
  const KnowledgeBase& kb;
  const EventCoding& events;
  std::string* explanation;  // `herald explain`; usually null
  std::string_view text;
  v1::EventRecord* record;
  NameRuns& name_runs;  // filled by ExtractEntities
  const std::vector<Word>& words;
  const std::vector<Sentence>& sentences;
  const std::vector<Match>& all;  // every dictionary match, overlapping
  std::vector<Match> entities;    // leftmost-longest among entity terms
  std::vector<ActorMention> actors;
  uint32_t lead_end = 0;                     // end of the lead (see Extract)
  std::vector<std::string> title_countries;  // ISO alpha-3 named in the title
};

bool IsEntityKind(TermKind k);
void ExtractEntities(Context& ctx);
void ExtractThemes(Context& ctx);
void ExtractQuotes(Context& ctx);
void ScoreTone(Context& ctx);
void ExtractDates(Context& ctx, const v1::Article& article);
void ReadDateline(Context& ctx, v1::Article* article);

}  // namespace herald::extraction
