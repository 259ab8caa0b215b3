// ExtractQuotes (passes.h).
#include "processors/extraction/passes.h"
#include "processors/extraction/record_building.h"

namespace herald::extraction {

// Text between straight or curly double quotes, three words or more.
void ExtractQuotes(Context& ctx) {
  std::string_view text = ctx.text;
  size_t i = 0;
  while (i < text.size()) {
    size_t open = FindAnyOf(text, i, {'"', '\xE2', '"', '\xE2'});
    if (open == text.size()) break;
    bool curly = text[open] != '"';
    if (curly && text.substr(open, 3) != "\xE2\x80\x9C") {  // “
      i = open + 1;
      continue;
    }
    size_t start = open + (curly ? 3 : 1);
    size_t close = curly ? text.find("\xE2\x80\x9D", start) : text.find('"', start);  // ”
    if (close == std::string_view::npos) break;
    std::string_view quote = text.substr(start, close - start);
    if (std::count(quote.begin(), quote.end(), ' ') >= 2) {
      v1::Quote* q = ctx.record->add_quotes();
      q->set_text(std::string(quote));
      SetSpan(q->mutable_span(), static_cast<uint32_t>(start), static_cast<uint32_t>(close));
      // The speaker is the first person named after the quote on the same line.
      size_t line_end = std::min(text.find('\n', close), text.size());
      uint32_t nearest = UINT32_MAX;
      for (const v1::Person& p : ctx.record->persons()) {
        for (const v1::Span& s : p.spans()) {
          if (s.begin() > close && s.begin() < line_end && s.begin() < nearest) {
            nearest = s.begin();
            q->set_speaker(p.name());
          }
        }
      }
    }
    i = close + (curly ? 3 : 1);
  }
}

}  // namespace herald::extraction
