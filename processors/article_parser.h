// article_parser.h: raw article bytes (JSON envelope, plain text or HTML) to a
// herald.v1.Article, or an Error naming exactly what is wrong with the input.
//
//   Result<v1::Article> a = ParseArticle(bytes, {.content_type = "application/json"});
//   if (!a) dead_letter(a.error());   // e.g. MALFORMED_JSON "JSON envelope: ..."
//
// JSON is read with simdjson's On-Demand API. Without a content type the format
// is sniffed: '{' starts JSON, '<' HTML, anything else is text. Inputs are
// checked before parsing: empty, oversized, invalid UTF-8 and binary content are
// rejected with their own error codes.
//
// Thread-safety: ParseArticle is thread-safe (parser state is per thread).
// Failure: never throws; every rejection is a permanent Error.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "core/status.h"
#include "herald/v1/article.pb.h"

namespace herald {

struct ParseOptions {
  // The record's content-type header, if it had one.
  std::optional<std::string_view> content_type;
  // Metadata from record headers, used where the article itself has none.
  std::string_view source;
  std::string_view url;
  // Record key: the article id unless the envelope names one.
  std::string_view key;
  size_t max_bytes = 1 << 20;
};

Result<v1::Article> ParseArticle(std::string_view bytes, const ParseOptions& options);
// The same into *article (empty; it may live on an arena), which is left
// partly filled on failure.
Status ParseArticle(std::string_view bytes, const ParseOptions& options, v1::Article* article);

}  // namespace herald
