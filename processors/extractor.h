// extractor.h: one article in, one herald.v1.EventRecord out. The single
// implementation behind the processor daemon, `herald extract`, the tests and
// the benchmarks.
//
//   Extractor extractor(knowledge_base);
//   Result<v1::EventRecord> record = extractor.Process(bytes, {.content_type = "text/plain"});
//
//   // On the hot path, into a record on an arena: its submessages are built
//   // there, and freeing them is the arena's reset.
//   google::protobuf::Arena arena(options_with_initial_block);
//   auto* event = google::protobuf::Arena::CreateMessage<v1::EventRecord>(&arena);
//   Status s = extractor.Process(bytes, options, event);
//
// Process = ParseArticle (article_parser.h) + Extract. Extract reads the
// article's body once through the knowledge base's phrase matcher and derives
// countries, persons with roles, organisations, locations with coordinates,
// themes, coded events, quotes and text statistics from those matches.
//
// Thread-safety: an Extractor is immutable; call it from any number of threads.
// Failure: Process fails with the parser's permanent errors; Extract cannot fail.
#pragma once

#include <memory>
#include <string_view>

#include <google/protobuf/arena.h>

#include "core/status.h"
#include "herald/v1/event.pb.h"
#include "processors/article_parser.h"
#include "processors/knowledge_base.h"

namespace herald {

class EventCoding;

class Extractor {
 public:
  explicit Extractor(std::shared_ptr<const KnowledgeBase> kb);

  Result<v1::EventRecord> Process(std::string_view bytes, const ParseOptions& options) const;
  // Into *record (cleared first; on an arena or not).
  Status Process(std::string_view bytes, const ParseOptions& options, v1::EventRecord* record) const;
  v1::EventRecord Extract(v1::Article article) const;
  // From record->article(), filled by the caller, into the rest of *record.
  // With `explanation`, the events pass appends how it read each sentence
  // (`herald explain`).
  void Extract(v1::EventRecord* record, std::string* explanation = nullptr) const;
  const KnowledgeBase& knowledge() const { return *kb_; }

 private:
  std::shared_ptr<const KnowledgeBase> kb_;
  std::shared_ptr<const EventCoding> events_;
};

// One event record at a time on an arena whose first block is kept: the
// record's many small allocations become pointer bumps, and freeing them all
// one reset. Thread-safety: one per thread. Failure: none (allocation aborts).
class RecordArena {
 public:
  RecordArena();
  // An empty record; the one handed out before is gone.
  v1::EventRecord* NewRecord();

 private:
  static constexpr size_t kFirstBlockBytes = 256 * 1024;
  std::unique_ptr<char[]> first_block_;
  google::protobuf::Arena arena_;
};

// 64-bit SimHash over word bigrams, case-folded: near-duplicate texts differ in few bits.
uint64_t SimHash(std::string_view text);

}  // namespace herald
