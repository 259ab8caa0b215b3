// extractor.h: one article in, one herald.v1.EventRecord out. The single
// implementation behind the processor daemon, `herald extract`, the tests and
// the benchmarks.
//
//   Extractor extractor(knowledge_base);
//   Result<v1::EventRecord> record = extractor.Process(bytes, {.content_type = "text/plain"});
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

#include "core/status.h"
#include "herald/v1/event.pb.h"
#include "processors/article_parser.h"
#include "processors/knowledge_base.h"

namespace herald {

class Extractor {
 public:
  explicit Extractor(std::shared_ptr<const KnowledgeBase> kb) : kb_(std::move(kb)) {}

  Result<v1::EventRecord> Process(std::string_view bytes, const ParseOptions& options) const;
  v1::EventRecord Extract(v1::Article article) const;
  const KnowledgeBase& knowledge() const { return *kb_; }

 private:
  std::shared_ptr<const KnowledgeBase> kb_;
};

// 64-bit SimHash over word bigrams, case-folded: near-duplicate texts differ in few bits.
uint64_t SimHash(std::string_view text);

}  // namespace herald
