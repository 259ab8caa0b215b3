// libFuzzer target: the bytes a record's key and headers bring in (any bytes:
// producers are not herald's), through the edge that turns them into record
// fields and dead-letter headers. What leaves must be valid UTF-8 where the
// contract says string, printed keys must hold no control characters, and a
// dead letter must fit its limit. Seeds in fuzz/corpus/headers.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/record_format.h"
#include "core/utf8.h"
#include "processors/article_parser.h"

namespace {

// Splits data at its first three 0xFF bytes: key, source, url, and the rest as the article.
std::string_view Next(std::string_view& rest) {
  const size_t at = rest.find('\xff');
  std::string_view part = rest.substr(0, at);
  rest = at == std::string_view::npos ? std::string_view() : rest.substr(at + 1);
  return part;
}

void Check(bool holds) {
  if (!holds) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  const std::string_view key = Next(rest), source = Next(rest), url = Next(rest);

  Check(herald::IsValidUtf8(herald::RepairUtf8(key)));
  for (unsigned char c : herald::EscapeControl(key)) Check(c >= 0x20 && c != 0x7F);

  herald::ParseOptions options{.content_type = "text/plain", .source = source, .url = url, .key = key};
  if (auto article = herald::ParseArticle(rest, options)) {
    Check(herald::IsValidUtf8(article->id()) && herald::IsValidUtf8(article->source()) &&
          herald::IsValidUtf8(article->url()));
  }

  herald::OutgoingRecord letter{key, rest, {{"herald-source", std::string(source)}, {"herald-url", std::string(url)}}};
  const size_t limit = herald::kMinRecordLimitBytes + size % 4096;
  herald::FitDeadLetter(limit, &letter);
  Check(herald::RecordBytes(letter.key, letter.value, letter.headers) <= limit);
  return 0;
}
