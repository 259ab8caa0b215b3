#include "processors/extractor.h"

#include <cstdint>
#include <cstdlib>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "processors/extraction/passes.h"

namespace herald {
namespace {

using namespace extraction;  // the passes, and the text types they share

// Buffers an extraction fills and then discards, kept per thread from one
// article to the next: extraction allocates little beyond what the record keeps.
struct Scratch {
  std::vector<PhraseMatcher::TextWord> matcher_words;
  std::vector<Word> words;
  std::vector<Sentence> sentences;
  std::vector<Match> all;
  std::vector<Match> entity_matches;
  NameRuns runs;
};

// Each event's place, as GDELT's ActionGeo: of the places below a country
// that its sentence names, the one nearest its trigger (a copy, without the
// spans). A country is left out: in news it names the actors far more often
// than the place ("US Defense Secretary", "Russian forces").
void PlaceEvents(v1::EventRecord* record) {
  for (v1::CodedEvent& e : *record->mutable_events()) {
    const v1::Location* nearest = nullptr;
    int64_t best = INT64_MAX;
    for (const v1::Location& l : record->locations()) {
      if (l.type() == "COUNTRY") continue;
      for (const v1::Span& span : l.spans()) {
        if (span.begin() < e.sentence().begin() || span.end() > e.sentence().end()) continue;
        const int64_t distance = std::abs(static_cast<int64_t>(span.begin()) - e.trigger_span().begin());
        if (distance < best) best = distance, nearest = &l;
      }
    }
    if (nearest == nullptr) continue;
    v1::Location* place = e.mutable_location();
    *place = *nearest;
    place->clear_spans();
  }
}

void CodeEvents(Context& ctx) {
  std::vector<std::pair<uint32_t, uint32_t>> sentences;
  sentences.reserve(ctx.sentences.size());
  for (const Sentence& s : ctx.sentences) sentences.emplace_back(s.begin, s.end);
  std::vector<Match> verbs;
  for (const Match& m : ctx.all) {
    if (ctx.kb.term(m.id).kind == TermKind::kVerb) verbs.push_back(m);
  }
  std::string_view context_country;
  if (ctx.record->countries_size() > 0) context_country = ctx.record->countries(0).code();
  ctx.events.Code({.text = ctx.text,
                   .sentences = sentences,
                   .actors = ctx.actors,
                   .verb_matches = PhraseMatcher::SelectLongest(std::move(verbs)),
                   .context_country = context_country,
                   .explanation = ctx.explanation},
                  ctx.record);
  PlaceEvents(ctx.record);
}

google::protobuf::ArenaOptions FirstBlock(char* block, size_t size) {
  google::protobuf::ArenaOptions options;
  options.initial_block = block;
  options.initial_block_size = size;
  return options;
}

}  // namespace

uint64_t SimHash(std::string_view text) {
  std::vector<Word> words;
  SplitWords(text, &words);
  return SimHashOfWords(words);
}

RecordArena::RecordArena()
    : first_block_(new char[kFirstBlockBytes]), arena_(FirstBlock(first_block_.get(), kFirstBlockBytes)) {}

v1::EventRecord* RecordArena::NewRecord() {
  arena_.Reset();
  return google::protobuf::Arena::CreateMessage<v1::EventRecord>(&arena_);
}

Extractor::Extractor(std::shared_ptr<const KnowledgeBase> kb)
    : kb_(std::move(kb)), events_(std::make_shared<const EventCoding>(*kb_)) {}

Status Extractor::Process(std::string_view bytes, const ParseOptions& options, v1::EventRecord* record) const {
  record->Clear();
  if (Status parsed = ParseArticle(bytes, options, record->mutable_article()); !parsed) return parsed;
  Extract(record);
  return {};
}

Result<v1::EventRecord> Extractor::Process(std::string_view bytes, const ParseOptions& options) const {
  v1::EventRecord record;
  if (Status s = Process(bytes, options, &record); !s) return Unexpected(s.error());
  return record;
}

v1::EventRecord Extractor::Extract(v1::Article article) const {
  v1::EventRecord record;
  *record.mutable_article() = std::move(article);
  Extract(&record);
  return record;
}

void Extractor::Extract(v1::EventRecord* out, std::string* explanation) const {
  v1::EventRecord& record = *out;
  record.set_id(record.article().id());
  const std::string& body = record.article().body();
  thread_local Scratch scratch;
  PhraseMatcher::SplitWords(body, &scratch.matcher_words);
  JoinWords(body, scratch.matcher_words, &scratch.words);
  SplitSentences(body, &scratch.sentences);
  scratch.all.clear();
  kb_->matcher().FindAll(body, scratch.matcher_words, &scratch.all);
  Context ctx{.kb = *kb_,
              .events = *events_,
              .explanation = explanation,
              .text = body,
              .record = &record,
              .name_runs = scratch.runs,
              .words = scratch.words,
              .sentences = scratch.sentences,
              .all = scratch.all};
  record.mutable_stats()->set_sentence_count(static_cast<uint32_t>(ctx.sentences.size()));
  // The lead, where a story says where it is: its first sentence (and the
  // second after a short first one: a dateline, a headline), but no more than
  // its first 120 bytes, two lines of wire copy: a long opening sentence names
  // more places in passing than it is about (on Reuters, 160 bytes cost 0.005
  // in precision, a whole sentence 0.009).
  if (!ctx.sentences.empty()) {
    const Sentence& first = ctx.sentences[0];
    constexpr uint32_t kShortSentenceBytes = 100, kLeadBytes = 120;
    uint32_t end = first.end;
    if (ctx.sentences.size() > 1 && first.end - first.begin < kShortSentenceBytes) end = ctx.sentences[1].end;
    ctx.lead_end = std::min(end, first.begin + kLeadBytes);
  }
  for (const Match& m : kb_->matcher().FindLongest(record.article().title())) {
    const KnowledgeBase::Term& t = kb_->term(m.id);
    int country = -1;
    if (t.kind == TermKind::kCountryName || t.kind == TermKind::kDemonym || t.kind == TermKind::kCapital) {
      country = static_cast<int>(t.index);
    } else if (t.kind == TermKind::kPlace) {
      country = kb_->CountryIndex(kb_->places()[t.index].iso3);
    } else if (t.kind == TermKind::kOrganization) {
      country = kb_->CountryIndex(kb_->organizations()[t.index].iso3);
    }
    if (country >= 0) ctx.title_countries.push_back(kb_->countries()[country].iso3);
  }
  std::vector<Match>& entity_matches = scratch.entity_matches;
  entity_matches.clear();
  for (const Match& m : ctx.all) {
    if (IsEntityKind(kb_->term(m.id).kind)) entity_matches.push_back(m);
  }
  ctx.entities = PhraseMatcher::SelectLongest(entity_matches);
  ExtractEntities(ctx);
  ExtractThemes(ctx);
  CodeEvents(ctx);
  ExtractQuotes(ctx);
  ScoreTone(ctx);
  ExtractDates(ctx, record.article());
  ReadDateline(ctx, record.mutable_article());
  const std::vector<Word>& words = ctx.words;
  record.mutable_stats()->set_word_count(static_cast<uint32_t>(words.size()));
  record.mutable_stats()->set_simhash(SimHashOfWords(words));
  if (record.article().language().empty() && LooksEnglish(words)) record.mutable_article()->set_language("en");
}

}  // namespace herald
