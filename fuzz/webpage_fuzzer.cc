// libFuzzer target: any bytes as a fetched web page, under a Content-Type with
// one of several charsets, through charset detection and conversion, the HTML
// reader, main-text extraction and metadata (webpage/web_article.h): what the
// page-fetching producers and the processor's HTML input run on bytes from
// anyone. Built by scripts/fuzz.sh; seeds in fuzz/corpus/webpage.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/utf8.h"
#include "webpage/web_article.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks the response's Content-Type; 0: none (declaration or detection).
  static constexpr std::string_view kTypes[] = {"",
                                                "text/html; charset=utf-8",
                                                "text/html; charset=windows-1252",
                                                "text/html; charset=shift_jis",
                                                "text/html; charset=utf-16",
                                                "text/html; charset=\"bogus\""};
  std::string_view type = kTypes[data[0] % std::size(kTypes)];
  std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  herald::webpage::WebArticle a = herald::webpage::ReadWebArticle(bytes, type);
  // What leaves the reader is UTF-8, whatever came in.
  for (std::string_view field : {std::string_view(a.text), std::string_view(a.title), std::string_view(a.author)}) {
    if (!herald::IsValidUtf8(field)) __builtin_trap();
  }
  return 0;
}
